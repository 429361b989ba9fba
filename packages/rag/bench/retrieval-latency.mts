/**
 * Retrieval latency and ingestion throughput benchmark. Prints one JSON object.
 *
 *   pnpm exec tsx packages/rag/bench/retrieval-latency.mts [--chunks 50000] [--tenants 100] [--per-tenant 300] [--queries 1000]
 *
 * Builds one large tenant (`--chunks` chunks, one synthetic shop/FAQ text of ~150 syllables each)
 * and `--tenants` smaller tenants on local LanceDB, all ingested through the real pipeline, then
 * times warm queries against the large tenant while the small tenants are queried in between
 * (their indexes stay cached). Not part of the test run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldDiacritics } from '@agent-chatbot/core';
import { KnowledgeBase } from '../src/index';

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const CHUNKS = arg('chunks', 50_000);
const TENANTS = arg('tenants', 100);
const PER_TENANT = arg('per-tenant', 300);
const QUERIES = arg('queries', 1000);

// Deterministic pseudo-random numbers, so runs are comparable.
let seed = 42;
const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const WORDS = (
  'áo thun quần jean váy đầm giày dép túi xách nón mũ khăn tất vớ đồng hồ kính mát điện thoại máy tính tai nghe sạc cáp ' +
  'bảo hành đổi trả giao hàng vận chuyển thanh toán chuyển khoản tiền mặt khuyến mãi giảm giá miễn phí phí ship nội thành ' +
  'ngoại thành toàn quốc hà nội sài gòn đà nẵng huế cần thơ hải phòng cửa hàng chi nhánh địa chỉ số điện thoại giờ mở cửa ' +
  'sáng chiều tối thứ hai thứ bảy chủ nhật ngày tháng năm tuần size màu trắng đen đỏ xanh vàng hồng nâu xám chất liệu ' +
  'cotton lụa len da kaki nhung thun lạnh co giãn thoáng mát giặt tay giặt máy ủi sấy khách hàng đơn hàng mã đơn sản phẩm ' +
  'chính hãng nhập khẩu việt nam hàn quốc nhật bản trung quốc thái lan còn hàng hết hàng đặt trước sỉ lẻ đại lý cộng tác viên ' +
  'chiết khấu hoàn tiền tích điểm thành viên ưu đãi sinh nhật quà tặng gói quà hóa đơn đỏ vat trả góp lãi suất ngân hàng ' +
  'ví momo zalopay thẻ tín dụng kiểm tra hàng trước khi nhận lỗi nhà sản xuất bảo hành điện tử phiếu trung tâm kỹ thuật'
).split(' ');

/** Zipf-like word choice: common words often, the tail rarely; plus rare product codes. */
function text(length: number): string {
  const out: string[] = [];
  for (let i = 0; i < length; i += 1) {
    if (random() < 0.03) out.push(`sp${Math.floor(random() * 20_000)}`);
    else out.push(WORDS[Math.floor(WORDS.length * random() ** 2.2)]!);
    if (random() < 0.08) out[out.length - 1] += '.';
  }
  return out.join(' ');
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (value: number): number => Math.round(value * 100) / 100;

const dir = await mkdtemp(join(tmpdir(), 'rag-bench-'));
const kb = new KnowledgeBase({ storage: { uri: dir }, batchSize: 2_000 });
try {
  const bigTexts = Array.from({ length: CHUNKS }, () => text(150));
  let started = performance.now();
  await kb.ingestDocuments({ namespace: 'big', documents: bigTexts.map((content, i) => ({ sourceId: `doc-${i}`, name: `doc-${i}.txt`, content })) });
  const ingestSeconds = (performance.now() - started) / 1000;
  const chunkCount = await kb.store.countChunks('big');

  started = performance.now();
  for (let t = 0; t < TENANTS; t += 1) {
    await kb.ingestDocuments({
      namespace: `tenant-${t}`,
      documents: Array.from({ length: PER_TENANT }, (_, i) => ({ sourceId: `d${i}`, name: `d${i}.txt`, content: text(150) })),
    });
  }
  const smallIngestSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  await kb.search({ namespace: 'big', query: 'khởi động chỉ mục' });
  const coldIndexSeconds = (performance.now() - started) / 1000;
  for (let t = 0; t < TENANTS; t += 1) await kb.search({ namespace: `tenant-${t}`, query: 'giao hàng' });

  const latencies: number[] = [];
  let empty = 0;
  for (let q = 0; q < QUERIES; q += 1) {
    const words = bigTexts[Math.floor(random() * bigTexts.length)]!.replace(/\./g, '').split(' ');
    const start = Math.floor(random() * (words.length - 8));
    let query = words.slice(start, start + 3 + Math.floor(random() * 6)).join(' ');
    if (q % 3 === 0) query = foldDiacritics(query); // a third typed without accents
    const t0 = performance.now();
    const { hits } = await kb.search({ namespace: 'big', query });
    latencies.push(performance.now() - t0);
    if (hits.length === 0) empty += 1;
    await kb.search({ namespace: `tenant-${q % TENANTS}`, query }); // other tenants stay busy
  }
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bigTenantChunks: chunkCount,
      otherTenants: TENANTS,
      otherTenantChunks: TENANTS * PER_TENANT,
      ingestion: { seconds: round(ingestSeconds), chunksPerSecond: round(chunkCount / ingestSeconds), smallTenantsSeconds: round(smallIngestSeconds) },
      coldIndexBuildSeconds: round(coldIndexSeconds),
      retrievalMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1)!) },
      queries: QUERIES,
      emptyResults: empty,
      rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
    }),
  );
} finally {
  await kb.close();
  await rm(dir, { recursive: true, force: true });
}
