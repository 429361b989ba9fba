import type { EmbeddingModelV1 } from '@agent-chatbot/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleEmbeddingModel, evaluateRetrieval, KnowledgeBase, LanceKnowledgeStore, type DocumentRow, type IngestProgress } from '../src/index';
import { startFakeEmbeddingServer, type FakeEmbeddingServer } from './helpers/fake-embedding-server';
import { makeDocx, makePdf, makeXlsx, makeZipBomb } from './helpers/fixtures';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
let server: FakeEmbeddingServer;
let kb: KnowledgeBase;
let counter = 0;
const ns = () => `shop-${++counter}`;

beforeAll(async () => {
  server = await startFakeEmbeddingServer();
  kb = new KnowledgeBase({ storage: { uri: `${dir.path}/kb` } });
});
afterAll(async () => {
  await kb.close();
  await server.close();
  dir.remove();
});

const text = (s: string) => new TextEncoder().encode(s);

describe('ingestion', () => {
  it('ingests every format in one upload; a broken file fails alone with a bilingual error', { timeout: 30_000 }, async () => {
    const namespace = ns();
    const progress: IngestProgress[] = [];
    const results = await kb.ingestDocuments({
      namespace,
      onProgress: (event) => progress.push(event),
      documents: [
        { sourceId: 'gioi-thieu.txt', name: 'gioi-thieu.txt', content: text('Shop Hoa Mai bán áo dài may sẵn tại Huế.') },
        { sourceId: 'chinh-sach.md', name: 'chinh-sach.md', content: text('# Đổi trả\n\nĐổi trả miễn phí trong 7 ngày.') },
        { sourceId: 'bang-gia.pdf', name: 'bang-gia.pdf', content: makePdf(['Bang gia ao dai lua 850000 dong']) },
        { sourceId: 'huong-dan.docx', name: 'huong-dan.docx', content: makeDocx([{ text: 'Hướng dẫn giặt áo lụa', style: 'Heading1' }, { text: 'Giặt tay bằng nước lạnh.' }]) },
        { sourceId: 'faq.csv', name: 'faq.csv', content: text('Câu Hỏi,Trả Lời\nShop có ship COD không?,"Có, ship COD toàn quốc."\n') },
        { sourceId: 'san-pham.xlsx', name: 'san-pham.xlsx', content: makeXlsx([['Mã SP', 'Tên sản phẩm', 'Giá bán', 'Tồn kho'], ['AD01', 'Áo dài lụa tơ tằm', '850k', 3]]) },
        { sourceId: 'bom.docx', name: 'bom.docx', content: makeZipBomb('docx', 20 * 1024 * 1024) },
      ],
    });
    expect(results.map((r) => [r.sourceId, r.status, r.kind])).toEqual([
      ['gioi-thieu.txt', 'ready', 'text'],
      ['chinh-sach.md', 'ready', 'text'],
      ['bang-gia.pdf', 'ready', 'text'],
      ['huong-dan.docx', 'ready', 'text'],
      ['faq.csv', 'ready', 'faq'],
      ['san-pham.xlsx', 'ready', 'products'],
      ['bom.docx', 'failed', undefined],
    ]);
    expect(results[4]!.faq).toEqual([{ question: 'Shop có ship COD không?', answer: 'Có, ship COD toàn quốc.' }]);
    expect(results[5]!.products![0]).toMatchObject({ id: 'AD01', name: 'Áo dài lụa tơ tằm', price: 850_000, stock: 3, inStock: true });
    expect(results[6]!.error).toMatchObject({ status: 422, code: 'decompression_limit' });
    const listed = await kb.listDocuments({ namespace });
    expect(listed.find((d) => d.sourceId === 'bom.docx')).toMatchObject({ status: 'failed' });
    expect(listed.find((d) => d.sourceId === 'bom.docx')!.error).toContain('zip bomb');
    expect(listed.filter((d) => d.status === 'ready')).toHaveLength(6);
    // Progress: every document reaches a final stage, percentages never go back.
    for (const result of results) {
      const mine = progress.filter((p) => p.sourceId === result.sourceId);
      expect(mine.at(-1)!.stage).toBe(result.status === 'failed' ? 'failed' : 'done');
      expect(mine.map((p) => p.percent)).toEqual([...mine.map((p) => p.percent)].sort((a, b) => a - b));
    }
    const { hits } = await kb.search({ namespace, query: 'giat ao lua the nao' });
    expect(hits[0]!.sourceId).toBe('huong-dan.docx');
    expect(hits[0]!.metadata).toMatchObject({ documentName: 'huong-dan.docx', heading: 'Hướng dẫn giặt áo lụa' });
  });

  it('re-ingesting identical content writes nothing; ingestDocument throws the typed error', async () => {
    const namespace = ns();
    const doc = { sourceId: 'a', name: 'a.txt', content: 'Giờ mở cửa 8h - 22h.' };
    expect((await kb.ingestDocument({ namespace, document: doc })).status).toBe('ready');
    const version = await kb.knowledgeVersion(namespace);
    expect((await kb.ingestDocument({ namespace, document: doc })).status).toBe('unchanged');
    expect(await kb.getDocument({ namespace, sourceId: 'a' })).toMatchObject({ status: 'ready', chunkCount: 1, name: 'a.txt' });
    expect(await kb.getDocument({ namespace, sourceId: 'missing' })).toBeUndefined();
    expect(await kb.knowledgeVersion(namespace)).toBe(version);
    await expect(kb.ingestDocument({ namespace, document: { sourceId: 'e', name: 'e.txt', content: '   ' } })).rejects.toMatchObject({ code: 'empty_file', status: 422 });
    await expect(kb.ingestDocuments({ namespace: '', documents: [] })).rejects.toMatchObject({ status: 400 });
  });
});

/** A store whose "switch to the new version" waits for a gate, so a test can look in between. */
class GatedStore extends LanceKnowledgeStore {
  gate: Promise<void> | undefined;
  reached: (() => void) | undefined;
  override async putDocuments(namespace: string, documents: readonly DocumentRow[]): Promise<void> {
    if (this.gate && documents.some((d) => d.status === 'ready')) {
      this.reached?.();
      await this.gate;
    }
    return super.putDocuments(namespace, documents);
  }
}

describe('re-index and delete', () => {
  const gated = new GatedStore({ uri: `${dir.path}/gated` });
  let embedder: EmbeddingModelV1;
  let gkb: KnowledgeBase;
  const events: Array<{ change: string; version: number }> = [];
  beforeAll(() => {
    embedder = createOpenAICompatibleEmbeddingModel({ baseURL: server.baseURL, apiKey: 'test-key', model: 'fake-embed' });
    gkb = new KnowledgeBase({ storage: gated, embeddingModel: embedder, chunking: { minTokens: 5, maxTokens: 20 }, onKnowledgeChange: (e) => void events.push(e) });
  });
  afterEach(() => {
    gated.gate = undefined;
  });

  it('keeps the previous version searchable until the new one is complete, then leaves no orphans', async () => {
    const namespace = ns();
    const v1 = 'Bảo hành điện thoại 12 tháng tại cửa hàng.\n\nĐổi máy mới trong 7 ngày nếu lỗi nhà sản xuất.';
    const v2 = 'Bảo hành điện thoại 24 tháng chính hãng.\n\nĐổi máy mới trong 30 ngày. Hỗ trợ kỹ thuật trọn đời.\n\nBảo hành pin 6 tháng.';
    const first = await gkb.ingestDocument({ namespace, document: { sourceId: 'bao-hanh', name: 'bao-hanh.txt', content: v1 } });
    await gkb.ingestDocument({ namespace, document: { sourceId: 'khac', name: 'khac.txt', content: 'Giờ mở cửa từ 8 giờ đến 22 giờ.' } });
    let open!: () => void;
    gated.gate = new Promise((resolve) => (open = resolve));
    const reached = new Promise<void>((resolve) => (gated.reached = resolve));
    const reindex = gkb.ingestDocument({ namespace, document: { sourceId: 'bao-hanh', name: 'bao-hanh.txt', content: v2 } });
    await reached;
    // New chunks are written but not live: search still serves version 1, in both arms.
    for (const mode of ['bm25', 'dense'] as const) {
      const during = await gkb.search({ namespace, query: 'bảo hành điện thoại bao lâu', mode, topK: 10 });
      expect(during.hits.length).toBeGreaterThan(0);
      expect(during.hits.every((h) => !h.text.includes('24 tháng')), mode).toBe(true);
      expect(during.hits.some((h) => h.text.includes('12 tháng')), mode).toBe(true);
    }
    expect(await gated.countChunks(namespace, 'bao-hanh')).toBeGreaterThan(first.chunkCount);
    open();
    const second = await reindex;
    const after = await gkb.search({ namespace, query: 'bảo hành điện thoại bao lâu', topK: 10 });
    expect(after.hits.some((h) => h.text.includes('24 tháng'))).toBe(true);
    expect(after.hits.every((h) => !h.text.includes('12 tháng'))).toBe(true);
    expect(await gated.countChunks(namespace, 'bao-hanh')).toBe(second.chunkCount);
    expect(second.version).not.toBe(first.version);
  });

  it('a failed re-index keeps the old version and removes the half-written one', async () => {
    const namespace = ns();
    await gkb.ingestDocument({ namespace, document: { sourceId: 'ship', name: 'ship.txt', content: 'Giao hàng nội thành trong 2 giờ.' } });
    const broken = new KnowledgeBase({
      storage: gated,
      embeddingModel: createOpenAICompatibleEmbeddingModel({ baseURL: server.baseURL, apiKey: 'wrong-key', model: 'fake-embed' }),
      onEmbeddingFailure: 'fail',
    });
    await expect(broken.ingestDocument({ namespace, document: { sourceId: 'ship', name: 'ship.txt', content: 'Giao hàng toàn quốc 3 ngày.' } })).rejects.toMatchObject({ status: 401 });
    const { hits } = await gkb.search({ namespace, query: 'giao hàng mất bao lâu', mode: 'bm25' });
    expect(hits.map((h) => h.text)).toEqual(['Giao hàng nội thành trong 2 giờ.']);
    expect(await gated.countChunks(namespace, 'ship')).toBe(1);
    expect((await gkb.listDocuments({ namespace }))[0]).toMatchObject({ status: 'ready', chunkCount: 1 });
  });

  it('delete removes every chunk of a document and nothing else; each change bumps the version', async () => {
    const namespace = ns();
    events.length = 0;
    await gkb.ingestDocument({ namespace, document: { sourceId: 'doi-tra', name: 'doi-tra.txt', content: 'Đổi trả trong 7 ngày. '.repeat(30) } });
    await gkb.ingestDocument({ namespace, document: { sourceId: 'thanh-toan', name: 'thanh-toan.txt', content: 'Thanh toán COD hoặc chuyển khoản.' } });
    const before = await gated.countChunks(namespace);
    const removed = await gkb.deleteDocument({ namespace, sourceId: 'doi-tra' });
    expect(removed).toBeGreaterThan(1);
    expect(await gated.countChunks(namespace, 'doi-tra')).toBe(0);
    expect(await gated.countChunks(namespace)).toBe(before - removed);
    expect((await gkb.listDocuments({ namespace })).map((d) => d.sourceId)).toEqual(['thanh-toan']);
    for (const mode of ['bm25', 'dense'] as const) {
      const { hits } = await gkb.search({ namespace, query: 'đổi trả mấy ngày', mode, topK: 10, minRelevance: 0 });
      expect(hits.every((h) => h.sourceId !== 'doi-tra')).toBe(true);
    }
    expect(events.map((e) => e.change)).toEqual(['ingested', 'ingested', 'deleted']);
    const versions = events.map((e) => e.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(3);
  });
});

/** Polls `check` until it passes or `timeoutMs` elapses (then throws its last error). */
async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('several processes on one store', () => {
  it("a reader picks up another process's writes and deletions without blocking on a rebuild", async () => {
    const uri = `${dir.path}/shared`;
    const writer = new KnowledgeBase({ storage: { uri } });
    const reader = new KnowledgeBase({ storage: { uri, readConsistencyIntervalSeconds: 0 }, refreshMs: 0 });
    const sources = async (query: string) => (await reader.search({ namespace: 'tenant', query })).hits.map((h) => h.sourceId);
    try {
      await writer.ingestDocument({ namespace: 'tenant', document: { sourceId: 'a', name: 'a.txt', content: 'Cửa hàng mở cửa lúc 8 giờ sáng.' } });
      expect(await sources('mấy giờ mở cửa')).toEqual(['a']);
      await writer.ingestDocument({ namespace: 'tenant', document: { sourceId: 'b', name: 'b.txt', content: 'Phí giao hàng nội thành 20.000đ.' } });
      await eventually(async () => expect((await sources('phí giao hàng'))[0]).toBe('b'));
      await writer.deleteDocument({ namespace: 'tenant', sourceId: 'a' });
      await eventually(async () => expect(await sources('mấy giờ mở cửa')).toEqual([]));
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});

describe('FAQ entries and evaluation', () => {
  it('creates, edits and deletes FAQ entries by id', async () => {
    const namespace = ns();
    await kb.upsertFaq({ namespace, entries: [{ id: 'gio', question: 'Shop mở cửa mấy giờ?', answer: 'Từ 8h đến 21h.' }] });
    let { hits } = await kb.search({ namespace, query: 'mấy giờ mở cửa' });
    expect(hits[0]!.metadata).toMatchObject({ kind: 'faq', faqId: 'gio', answer: 'Từ 8h đến 21h.' });
    await kb.upsertFaq({ namespace, entries: [{ id: 'gio', question: 'Shop mở cửa mấy giờ?', answer: 'Từ 7h đến 22h, cả chủ nhật.' }] });
    ({ hits } = await kb.search({ namespace, query: 'mấy giờ mở cửa', topK: 10 }));
    expect(hits.map((h) => h.metadata.answer)).toEqual(['Từ 7h đến 22h, cả chủ nhật.']);
    await kb.deleteDocument({ namespace, sourceId: 'faq:gio' });
    expect((await kb.search({ namespace, query: 'mấy giờ mở cửa' })).hits).toEqual([]);
    await expect(kb.upsertFaq({ namespace, entries: [{ question: '', answer: 'x' }] })).rejects.toMatchObject({ status: 400 });
  });

  it('evaluateRetrieval runs hybrid through the pipeline and writes the ranking file', async () => {
    const { writeFile, readFile } = await import('node:fs/promises');
    const corpus = `${dir.path}/corpus.jsonl`;
    const queries = `${dir.path}/queries.jsonl`;
    const output = `${dir.path}/run.jsonl`;
    await writeFile(corpus, [
      { id: 'd1', text: 'Cửa hàng bán máy tính xách tay chính hãng.' },
      { id: 'd2', text: 'Giao hàng toàn quốc trong 3 ngày.' },
      { id: 'd3', text: 'Bảo hành 12 tháng cho mọi sản phẩm.' },
    ].map((line) => JSON.stringify(line)).join('\n'));
    await writeFile(queries, [
      { id: 'q1', text: 'laptop', relevant: ['d1'] },
      { id: 'q2', text: 'ship mat may ngay', relevant: ['d2'] },
      { id: 'q3', text: 'bh bao lâu', relevant: ['d3'] },
    ].map((line) => JSON.stringify(line)).join('\n'));
    const embeddingModel = createOpenAICompatibleEmbeddingModel({ baseURL: server.baseURL, apiKey: 'test-key', model: 'fake-embed' });
    const result = await evaluateRetrieval({ corpusPath: corpus, queriesPath: queries, mode: 'hybrid', k: 2, embeddingModel, outputPath: output });
    expect(result).toMatchObject({ mode: 'hybrid', queries: 3, documents: 3, mrrAt10: 1, recallAt1: 1 });
    expect(result.latencyMs.p95).toBeGreaterThanOrEqual(result.latencyMs.p50);
    const lines = (await readFile(output, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { id: string; ranked: string[] });
    expect(lines.map((line) => line.id)).toEqual(['q1', 'q2', 'q3']);
    for (const line of lines) expect(line.ranked.length).toBeLessThanOrEqual(2);
    expect(lines[0]!.ranked[0]).toBe('d1');
    const bm25 = await evaluateRetrieval({ corpusPath: corpus, queriesPath: queries, mode: 'bm25', k: 10 });
    expect(bm25.ranked[0]!.ranked).toEqual([]); // "laptop" shares no word with the corpus
  });
});

/** A store whose chunk scan (index rebuild) can be held, to look at queries during a rebuild. */
class SlowScanStore extends LanceKnowledgeStore {
  hold: Promise<void> | undefined;
  override async readChunks(namespace: string) {
    if (this.hold) await this.hold;
    return super.readChunks(namespace);
  }
}

describe('queries during an index rebuild', () => {
  it('serve the previous index without waiting, minus deleted documents', async () => {
    const store = new SlowScanStore({ uri: `${dir.path}/slow` });
    const writer = new KnowledgeBase({ storage: store, prewarm: false });
    const reader = new KnowledgeBase({ storage: store });
    const namespace = 'tenant';
    try {
      await writer.ingestDocuments({
        namespace,
        documents: [
          { sourceId: 'x', name: 'x.txt', content: 'Chính sách đổi trả trong 7 ngày.' },
          { sourceId: 'y', name: 'y.txt', content: 'Chính sách bảo hành 12 tháng.' },
        ],
      });
      expect((await reader.search({ namespace, query: 'chính sách', topK: 5 })).hits.map((h) => h.sourceId).sort()).toEqual(['x', 'y']);
      let release!: () => void;
      store.hold = new Promise((resolve) => (release = resolve));
      await writer.deleteDocument({ namespace, sourceId: 'x' });
      await writer.ingestDocument({ namespace, document: { sourceId: 'z', name: 'z.txt', content: 'Chính sách giao hàng miễn phí.' } });
      const during = await Promise.race([
        reader.search({ namespace, query: 'chính sách', topK: 5 }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('query waited for the rebuild')), 3_000)),
      ]);
      expect(during.hits.map((h) => h.sourceId)).toEqual(['y']);
      release();
      store.hold = undefined;
      await reader.retriever.lexical.refresh(namespace);
      expect((await reader.search({ namespace, query: 'chính sách', topK: 5 })).hits.map((h) => h.sourceId).sort()).toEqual(['y', 'z']);
    } finally {
      await store.close();
    }
  });
});
