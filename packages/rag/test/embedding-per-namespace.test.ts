/**
 * The dense arm as the runtime uses it: a model per namespace (resolver), a provider outage
 * that degrades ingestion to keyword-only, a model change that re-embeds, and the ANN index
 * past a row threshold — all against the testkit's fake OpenAI-compatible server.
 */
import type { EmbeddingModelV1 } from '@agent-chatbot/core';
import { conceptEmbedding, startFakeOpenAI } from '@agent-chatbot/testkit/fake-llm';
import type { FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleEmbeddingModel, KnowledgeBase } from '../src/index';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
let server: FakeLlmServer;
let kb: KnowledgeBase;
const models = new Map<string, EmbeddingModelV1>();

const DOCS = [
  { sourceId: 'laptop', name: 'laptop.txt', content: 'Cửa hàng có bán laptop Dell và Asus chính hãng, bảo hành 24 tháng.' },
  { sourceId: 'doi-tra', name: 'doi-tra.txt', content: 'Đổi trả trong 7 ngày nếu sản phẩm lỗi do nhà sản xuất.' },
];
const embeddingsRequests = () => server.requests.filter((request) => request.kind === 'embeddings' && request.outcome === 'ok');

function model(name: string, dimensions?: number): EmbeddingModelV1 {
  return createOpenAICompatibleEmbeddingModel({ baseURL: server.baseURL, apiKey: server.apiKey, model: name, ...(dimensions ? { dimensions } : {}), timeoutMs: 5_000 });
}

beforeAll(async () => {
  server = await startFakeOpenAI({ embedder: conceptEmbedding, embeddingDimensions: 32 });
  kb = new KnowledgeBase({ storage: { uri: dir.path }, embeddingModelFor: (namespace) => models.get(namespace), vectorIndexMinRows: 300 });
});
afterAll(async () => {
  await kb.close();
  await server.close();
  dir.remove();
});

describe('embedding model per namespace', () => {
  it('embeds only the namespace that has a model; dense finds "máy tính xách tay" that BM25 misses', async () => {
    models.set('with-model', model('text-embedding-3-small'));
    const results = await kb.ingestDocuments({ namespace: 'with-model', documents: DOCS });
    expect(results.map((r) => r.embedding)).toEqual(['embedded', 'embedded']);
    const before = embeddingsRequests().length;
    const plain = await kb.ingestDocuments({ namespace: 'no-model', documents: DOCS });
    expect(plain.map((r) => r.embedding)).toEqual(['none', 'none']);
    expect(embeddingsRequests().length).toBe(before);
    expect(await kb.store.vectorDimensions('with-model')).toBe(32);
    expect(await kb.store.vectorDimensions('no-model')).toBeUndefined();

    const query = 'máy tính xách tay';
    expect((await kb.search({ namespace: 'with-model', query, mode: 'bm25' })).hits).toEqual([]);
    expect((await kb.search({ namespace: 'no-model', query })).hits).toEqual([]);
    const hybrid = await kb.search({ namespace: 'with-model', query });
    expect(hybrid.hits[0]).toMatchObject({ sourceId: 'laptop', relevance: undefined });
    expect(hybrid.hits[0]!.similarity).toBeGreaterThan(0.35);
  });

  it('a provider outage during ingestion leaves the document ready for keyword search, marked as such; recovery re-embeds', async () => {
    models.set('outage', model('text-embedding-3-small'));
    server.failNext({ type: 'status', status: 503 }, Infinity);
    const [result] = await kb.ingestDocuments({ namespace: 'outage', documents: [DOCS[0]!] });
    expect(result).toMatchObject({ status: 'ready', embedding: 'failed', embeddingError: { code: 'provider_error' } });
    expect(result!.warnings.join(' ')).toContain('Chỉ tìm theo từ khoá');
    expect((await kb.getDocument({ namespace: 'outage', sourceId: 'laptop' }))?.error).toContain('Keyword search only');
    // Queries fall back to BM25 with a warning while the provider is down.
    const down = await kb.search({ namespace: 'outage', query: 'laptop Dell' });
    expect(down.hits[0]).toMatchObject({ sourceId: 'laptop' });
    expect(down.warnings.map((w) => ('message' in w ? w.message : '')).join(' ')).toContain('keyword results only');

    server.reset();
    const [again] = await kb.ingestDocuments({ namespace: 'outage', documents: [DOCS[0]!] });
    expect(again).toMatchObject({ status: 'ready', embedding: 'embedded' });
    expect(again!.version).not.toBe(result!.version);
    expect((await kb.getDocument({ namespace: 'outage', sourceId: 'laptop' }))?.error).toBe('');
    expect(await kb.store.countChunks('outage')).toBe(1); // the keyword-only version is gone
    expect((await kb.search({ namespace: 'outage', query: 'máy tính xách tay' })).hits[0]).toMatchObject({ sourceId: 'laptop' });
  });

  it('changing the model (other size) replaces the vector column and re-embeds on re-index', async () => {
    models.set('switch', model('model-a'));
    await kb.ingestDocuments({ namespace: 'switch', documents: DOCS });
    expect(await kb.store.vectorDimensions('switch')).toBe(32);
    // Same content under the same model: nothing to do.
    expect((await kb.ingestDocuments({ namespace: 'switch', documents: DOCS })).map((r) => r.status)).toEqual(['unchanged', 'unchanged']);
    models.set('switch', model('model-b', 24));
    // Before the re-index the old vectors are not compared with the new model's: keyword results stand.
    expect((await kb.search({ namespace: 'switch', query: 'laptop Dell' })).hits[0]).toMatchObject({ sourceId: 'laptop' });
    const results = await kb.ingestDocuments({ namespace: 'switch', documents: DOCS });
    expect(results.map((r) => [r.status, r.embedding])).toEqual([['ready', 'embedded'], ['ready', 'embedded']]);
    expect(await kb.store.vectorDimensions('switch')).toBe(24);
    expect(embeddingsRequests().at(-1)!.body).toMatchObject({ model: 'model-b', dimensions: 24 });
    const hits = (await kb.search({ namespace: 'switch', query: 'máy tính xách tay', mode: 'dense' })).hits;
    expect(hits[0]).toMatchObject({ sourceId: 'laptop' });
    expect(await kb.store.countChunks('switch')).toBe(2);
  });

  it('a new model of the same size: old vectors are ignored by the dense arm until re-embedded', async () => {
    models.set('same-size', model('model-a'));
    await kb.ingestDocuments({ namespace: 'same-size', documents: DOCS });
    const dense = async () => (await kb.search({ namespace: 'same-size', query: 'máy tính xách tay', mode: 'dense' })).hits;
    expect((await dense())[0]).toMatchObject({ sourceId: 'laptop', metadata: { embeddingModel: 'openai-compatible:model-a:' } });
    models.set('same-size', model('model-c'));
    expect(await dense()).toEqual([]); // model-a's vectors are not model-c's
    await kb.ingestDocuments({ namespace: 'same-size', documents: DOCS });
    expect((await dense())[0]).toMatchObject({ sourceId: 'laptop', metadata: { embeddingModel: 'openai-compatible:model-c:' } });
  });

  it('builds an IVF_PQ index once the table passes the row threshold, and dense search still finds the answer', async () => {
    models.set('big', model('text-embedding-3-small'));
    const filler = Array.from({ length: 320 }, (_, i) => ({ id: `q${i}`, question: `Câu hỏi số ${i} về mã hàng MH${i}`, answer: `Trả lời cho mã hàng MH${i} và lô ${i % 17}` }));
    await kb.upsertFaq({ namespace: 'big', entries: filler.slice(0, 200) });
    expect(await kb.store.vectorIndex('big')).toBeUndefined(); // 200 rows < 300: exact scan
    await kb.upsertFaq({ namespace: 'big', entries: filler.slice(200) });
    await kb.ingestDocuments({ namespace: 'big', documents: DOCS });
    const index = await kb.store.vectorIndex('big');
    expect(index?.indexType).toMatch(/IVF_?PQ/i);
    expect((await kb.store.ensureVectorIndex('big')).state).toBe('exists');
    const hits = (await kb.search({ namespace: 'big', query: 'máy tính xách tay', mode: 'dense' })).hits;
    expect(hits[0]).toMatchObject({ sourceId: 'laptop' });
  }, 60_000);
});

describe('a slow or failing embedding provider does not hold answers', () => {
  const pausedDir = tempDir();
  let paused: KnowledgeBase;
  const embeddingCalls = () => server.requests.filter((request) => request.kind === 'embeddings').length;
  const warningsOf = (result: { warnings: readonly unknown[] }) => result.warnings.map((w) => (w as { message?: string }).message ?? '').join(' ');

  beforeAll(async () => {
    server.reset();
    paused = new KnowledgeBase({
      storage: { uri: pausedDir.path },
      embeddingModel: model('text-embedding-3-small'),
      queryEmbeddingTimeoutMs: 300,
      denseCooldownMs: 60_000,
    });
    await paused.ingestDocuments({ namespace: 'shop', documents: DOCS });
  });
  afterAll(async () => {
    server.reset();
    await paused.close();
    pausedDir.remove();
  });

  it('a hanging provider: the question is answered from keywords after the query timeout, then the dense arm pauses', async () => {
    server.failNext({ type: 'hang' }, Infinity);
    const before = embeddingCalls();
    const started = performance.now();
    const first = await paused.search({ namespace: 'shop', query: 'laptop Dell' });
    // Bounded by the 300 ms query timeout, not the model's 5 s request timeout.
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(first.hits[0]).toMatchObject({ sourceId: 'laptop' });
    expect(warningsOf(first)).toContain('Dense arm skipped (timeout)');
    expect(embeddingCalls()).toBe(before + 1);

    // While paused, no further call reaches the provider: keyword results with a warning.
    const second = await paused.search({ namespace: 'shop', query: 'đổi trả' });
    expect(second.hits[0]).toMatchObject({ sourceId: 'doi-tra' });
    expect(warningsOf(second)).toContain('Dense arm paused');
    expect(embeddingCalls()).toBe(before + 1);
    // Another namespace with the same model is not paused by this one's failure.
    expect(warningsOf(await paused.search({ namespace: 'other', query: 'laptop' }))).not.toContain('paused');
  });

  it('ends when the settings change (resumeDense) or an ingestion embeds again', async () => {
    server.reset();
    paused.retriever.resumeDense('shop');
    const resumed = await paused.search({ namespace: 'shop', query: 'máy tính xách tay' });
    expect(resumed.hits[0]).toMatchObject({ sourceId: 'laptop' });
    expect(resumed.hits[0]!.similarity).toBeGreaterThan(0.35);

    server.failNext({ type: 'status', status: 503 }, 1);
    expect(warningsOf(await paused.search({ namespace: 'shop', query: 'laptop' }))).toContain('Dense arm skipped (provider_error)');
    expect(warningsOf(await paused.search({ namespace: 'shop', query: 'laptop' }))).toContain('Dense arm paused');
    await paused.ingestDocuments({ namespace: 'shop', documents: [{ sourceId: 'ship', name: 'ship.txt', content: 'Giao hàng toàn quốc 2-4 ngày.' }] });
    const after = await paused.search({ namespace: 'shop', query: 'máy tính xách tay' });
    expect(warningsOf(after)).toBe('');
    expect(after.hits[0]).toMatchObject({ sourceId: 'laptop' });
  });
});
