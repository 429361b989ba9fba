/**
 * A tenant with many chunks through the runtime's HTTP API: documents uploaded as multipart `.txt`
 * files (ingestion throughput = chunks made searchable per second, upload to `ready`), then test
 * chat latency on questions answered from those documents by a fake model at 0 ms (uncached) and
 * the cache-hit path, each after a warm-up and against the bare `/healthz` of the same server.
 *
 * What the other tenants of the process feel: during the upload a second, small FAQ tenant asks a
 * question every 100 ms (its latency, and the runtime's event-loop lag from its /metrics); after
 * a restart, the big tenant's first question (its chunks and index are loaded from the lexical
 * source file) and the lag meanwhile.
 *
 *   pnpm --filter @agent-chatbot/bench exec tsx src/big-tenant.ts [--chunks 10000] [--requests 100]
 *   (issue 4 target: 10,000 chunks, p50 ≤ 40 ms, p95 ≤ 120 ms; cache hit p50 ≤ 5 ms)
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI } from '@agent-chatbot/testkit/fake-llm';
import { parseFlags } from './lib/args';
import { closedLoop } from './lib/load';
import { runtimeLag } from './lib/metrics';
import { writeResult } from './lib/output';
import { startBenchServer } from './lib/server';
import { faqEntries, paragraph } from './lib/shop';
import { median, ratio, round, summarize } from './lib/stats';

const flags = parseFlags();
const quick = flags.bool('quick');
const CHUNKS = flags.number('chunks', quick ? 2_000 : 10_000);
const REQUESTS = flags.number('requests', quick ? 40 : 100);
const PER_FILE = 800;
const KEY = 'sk-bench-own-key-0123456789abcdef';

const fake = await startFakeOpenAI({ apiKey: KEY, responder: () => 'Dạ, theo tài liệu của shop thì sản phẩm này còn hàng ạ.' });
let server = await startBenchServer();
try {
  const tenant = await server.signup('big');
  await server.json('PUT', '/v1/tenant/llm', { token: tenant.token, body: { provider: 'openai', base_url: fake.baseURL, api_key: KEY, key_mode: 'own', cheap_model: 'gpt-4o-mini' } });

  const other = await server.signup('other');
  for (const entry of faqEntries()) await server.json('POST', '/v1/tenant/faq', { token: other.token, body: entry });
  const otherAsk = () =>
    fetch(`${server.url}/v1/tenant/test-chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: faqEntries()[2]!.question, skip_cache: true }),
    });
  await closedLoop(otherAsk, { concurrency: 1, total: 20 });
  // The other tenant asks every 100 ms while the upload runs; the lag is read every 2 s.
  let uploading = true;
  const otherMs: number[] = [];
  const lagMaxMs: number[] = [];
  const otherLoop = (async () => {
    while (uploading) {
      const asked = performance.now();
      await (await otherAsk()).text();
      otherMs.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const lagLoop = (async () => {
    await runtimeLag(server.url);
    while (uploading) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      lagMaxMs.push((await runtimeLag(server.url)).max);
    }
  })();

  // ~120-word paragraphs separated by blank lines; the chunker packs about four into one chunk
  // (measured: 400 paragraphs → 100 chunks), so CHUNKS × 4 paragraphs give about CHUNKS chunks.
  const paragraphs = CHUNKS * 4;
  const ids: string[] = [];
  const started = performance.now();
  for (let file = 0; file * PER_FILE < paragraphs; file += 1) {
    const text = Array.from({ length: Math.min(PER_FILE, paragraphs - file * PER_FILE) }, (_, i) => paragraph(file * PER_FILE + i)).join('\n\n');
    const form = new FormData();
    form.append('file', new Blob([text], { type: 'text/plain' }), `tai-lieu-${file}.txt`);
    const res = await fetch(`${server.url}/v1/tenant/documents`, { method: 'POST', headers: { authorization: `Bearer ${tenant.token}` }, body: form });
    const body = (await res.json()) as { items: Array<{ status: number; document?: { id: string } }> };
    if (res.status !== 201) throw new Error(`upload → ${res.status} ${JSON.stringify(body)}`);
    for (const item of body.items) if (item.document) ids.push(item.document.id);
  }
  let chunks = 0;
  for (const id of ids) {
    for (;;) {
      const { body } = await server.json<{ status: string; chunk_count: number }>('GET', `/v1/tenant/documents/${id}`, { token: tenant.token });
      if (body.status === 'ready' || body.status === 'failed') {
        chunks += body.chunk_count;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  uploading = false;
  await Promise.all([otherLoop, lagLoop]);
  // The lexical source file (chunks and index) is written ~10 s after the last build: latencies are
  // measured once it is, so they are the steady state's and not the write's (ADR 0011, 0023).
  const persistWaitSeconds = await waitForLexicalSource(join(server.dataDir, 'lancedb'), Date.now() - 1000);

  const questions = ['giao hàng đà nẵng cotton còn hàng không', 'bảo hành đổi trả túi xách da', 'khuyến mãi giảm giá áo thun màu đỏ', 'chính hãng đồng hồ kính sài gòn'];
  const chat = (body: Record<string, unknown>) => () =>
    fetch(`${server.url}/v1/tenant/test-chat`, { method: 'POST', headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const healthz = () => fetch(`${server.url}/healthz`);
  await closedLoop((i) => chat({ message: questions[i % 4], skip_cache: true })(), { concurrency: 1, total: 8 });
  const base = await closedLoop(healthz, { concurrency: 1, total: REQUESTS });
  const uncached = await closedLoop((i) => chat({ message: `${questions[i % 4]} ${i}`, skip_cache: true })(), { concurrency: 1, total: REQUESTS });
  const probe = (await (await chat({ message: questions[0], skip_cache: true })()).json()) as { route: string; sources: unknown[] };
  // The cache-hit path gets a warm-up of its own, as the uncached one had: its first ~50 answers
  // run slower while V8 optimises that code (median of the first 50: 4.5 ms, then 3.8–4.0 ms).
  await closedLoop(chat({ message: questions[1] }), { concurrency: 1, total: 50 });
  const cached = await closedLoop(chat({ message: questions[1] }), { concurrency: 1, total: REQUESTS });

  // Restart: the big tenant's first question loads its chunks and index from the lexical source file.
  server = await server.restart();
  await fetch(`${server.url}/healthz`);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await runtimeLag(server.url);
  const firstAsked = performance.now();
  const firstAfterRestart = (await (await chat({ message: questions[2], skip_cache: true })()).json()) as { route: string };
  const firstAfterRestartMs = performance.now() - firstAsked;
  const restartLag = await runtimeLag(server.url);
  const rssAfterRestartMb = server.rssMb();

  const latency = summarize(uncached.samples.map((s) => s.ms));
  const hit = summarize(cached.samples.map((s) => s.ms));
  const baseline = summarize(base.samples.map((s) => s.ms));
  writeResult('big-tenant', {
    db: server.db,
    chunks,
    documents: ids.length,
    ingestion: { seconds: round(ingestSeconds), chunksPerSecond: round(chunks / ingestSeconds), path: 'HTTP multipart upload → ingestion job → ready, another tenant asking every 100 ms', lexicalSourceWrittenAfterSeconds: persistWaitSeconds },
    otherTenantDuringIngestion: {
      faqLatencyMs: summarize(otherMs),
      eventLoopLagMaxMs: { max: round(Math.max(...lagMaxMs)), medianOf2sWindows: round(median(lagMaxMs)), windows: lagMaxMs.length },
      of: 'a 30-entry FAQ tenant of the same process (uncached FAQ answers) and the runtime’s /metrics',
    },
    firstQuestionAfterRestart: { ms: round(firstAfterRestartMs), route: firstAfterRestart.route, eventLoopLagMaxMs: restartLag.max, rssMb: rssAfterRestartMb, note: 'the chunks and the built index are loaded from the lexical source file on the first question (ADR 0023)' },
    uncached: { ...latency, errors: uncached.errors, route: probe.route, sources: probe.sources.length, p50VsBaseline: ratio(latency.p50, baseline.p50) },
    cacheHit: { ...hit, errors: cached.errors, p50VsBaseline: ratio(hit.p50, baseline.p50) },
    baselineHealthzMs: baseline,
    targets: { 'p50 ≤ 40 ms': latency.p50 <= 40, 'p95 ≤ 120 ms': latency.p95 <= 120, 'cache hit p50 ≤ 5 ms': hit.p50 <= 5, '10,000 chunks': chunks >= 9_500 },
  });
} finally {
  await server.close();
  await fake.close();
}

/**
 * Waits until the biggest lexical source file in `lanceDir` was written after `since` (epoch ms)
 * and stopped growing; its wait in seconds (at most 60).
 */
async function waitForLexicalSource(lanceDir: string, since: number): Promise<number> {
  const begun = performance.now();
  let last = -1;
  while (performance.now() - begun < 60_000) {
    const files = readdirSync(lanceDir).filter((name) => name.endsWith('.lexical.json')).map((name) => statSync(join(lanceDir, name)));
    const biggest = files.sort((a, b) => b.size - a.size)[0];
    if (biggest && biggest.mtimeMs >= since && biggest.size === last) break;
    last = biggest && biggest.mtimeMs >= since ? biggest.size : -1;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return round((performance.now() - begun) / 1000);
}
