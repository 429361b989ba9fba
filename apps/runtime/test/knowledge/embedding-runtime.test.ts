/**
 * The dense arm in the runtime, on PGlite and Postgres, against the testkit's fake OpenAI
 * embeddings endpoint: platform default from CHATBOT_EMBEDDING_*, upload → ingest job → vectors
 * in the tenant's LanceDB table → a question keyword search misses is found; embedding tokens
 * metered in usage_events; a provider outage indexes keyword-only with a clear document status;
 * the tenant's own model (PUT /v1/tenant/knowledge/embedding) queues a re-index that re-embeds.
 */
import { conceptEmbedding, startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeXlsx } from '../../../../packages/rag/test/helpers/fixtures';
import { billingIdle } from '../../src/billing/billing-service';
import { testDrivers } from '../helpers/drivers';
import { startKnowledgeApp, type KnowledgeApp } from './harness';

const drivers = await testDrivers();

const LAPTOP = 'Cửa hàng có bán laptop Dell và Asus chính hãng, bảo hành 24 tháng, trả góp 0%.';
const QUESTION = 'máy tính xách tay';

for (const driver of drivers) {
  describe.skipIf(driver.skip)(`embeddings in the runtime (${driver.name})`, () => {
    let server: FakeLlmServer;
    let tenantServer: FakeLlmServer;
    let app: KnowledgeApp;
    let close: () => Promise<void>;

    beforeAll(async () => {
      server = await startFakeOpenAI({ embedder: conceptEmbedding, embeddingDimensions: 32, apiKey: 'platform-key' });
      tenantServer = await startFakeOpenAI({ embedder: conceptEmbedding, embeddingDimensions: 48, apiKey: 'tenant-key' });
      const opened = await driver.open({ max: 4 });
      close = opened.close;
      app = await startKnowledgeApp(opened.db as Parameters<typeof startKnowledgeApp>[0], {
        CHATBOT_EMBEDDING_PROVIDER: 'openai',
        CHATBOT_EMBEDDING_BASE_URL: server.baseURL,
        CHATBOT_EMBEDDING_API_KEY: 'platform-key',
        CHATBOT_EMBEDDING_MODEL: 'text-embedding-3-small',
        CHATBOT_VECTOR_INDEX_MIN_ROWS: '300',
      });
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await close?.().catch(() => undefined); // PGlite: already closed with the runtime
      await server?.close();
      await tenantServer?.close();
    });

    const usage = (tenantId: string) =>
      app.runtime.db.tenant(tenantId, (tx) =>
        tx.query<{ kind: string; provider: string; model: string; key_source: string; billable: boolean; quantity: number }>(
          `SELECT kind, provider, model, key_source, billable, quantity FROM usage_events WHERE kind = 'embedding' ORDER BY occurred_at`,
        ),
      );

    it('embeds uploads with the platform model, finds what keywords miss, and meters the tokens', async () => {
      const shop = await app.signup(`emb-${driver.name}`);
      const up = await app.upload('/v1/tenant/documents', shop.token, [{ name: 'laptop.txt', content: LAPTOP }]);
      expect(up.status, up.text).toBe(201);
      const id = up.body.items[0].document.id as string;
      expect(await app.settled(shop.token, id)).toMatchObject({ status: 'ready', embedding: 'embedded', error: null });
      expect(await app.service.kb.store.vectorDimensions(shop.tenantId)).toBe(32);
      expect(server.requests.some((r) => r.kind === 'embeddings' && r.inputs?.includes(LAPTOP))).toBe(true);

      const keyword = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent(QUESTION)}&mode=bm25`, { token: shop.token });
      expect(keyword.body.hits).toEqual([]);
      const hybrid = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent(QUESTION)}`, { token: shop.token });
      expect(hybrid.body.hits[0]).toMatchObject({ document_name: 'laptop.txt', relevance: null });
      expect(hybrid.body.hits[0].similarity).toBeGreaterThan(0.35);

      await billingIdle(app.runtime);
      const rows = (await usage(shop.tenantId)).rows;
      // One event for the document's chunks, one per embedded question (the bm25 search embeds nothing).
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.provider === 'openai' && r.model === 'text-embedding-3-small' && r.key_source === 'platform' && r.billable)).toBe(true);
      expect(rows.every((r) => Number(r.quantity) > 0)).toBe(true);

      const view = await app.call('GET', '/v1/tenant/knowledge/embedding', { token: shop.token });
      expect(view.body).toMatchObject({
        enabled: true,
        effective: { provider: 'openai', model: 'text-embedding-3-small', key_source: 'platform' },
        indexed_with: 'openai:text-embedding-3-small:',
        reindex_required: false,
      });
      expect(JSON.stringify(view.body)).not.toContain('platform-key');
    }, 90_000);

    it('a provider outage during ingestion leaves the document ready for keyword search with a clear status', async () => {
      const shop = await app.signup(`emb-down-${driver.name}`);
      server.failNext({ type: 'status', status: 503 }, Infinity);
      try {
        const up = await app.upload('/v1/tenant/documents', shop.token, [{ name: 'laptop.txt', content: LAPTOP }]);
        const doc = await app.settled(shop.token, up.body.items[0].document.id as string);
        expect(doc).toMatchObject({ status: 'ready', embedding: 'failed', error: { code: 'embedding_unavailable' } });
        expect(doc.error.message_vi).toContain('Chỉ lập chỉ mục theo từ khoá');
        expect(doc.error.message).toContain('keyword search only');
        // Searching still works (keywords), the failed query embedding only adds a warning.
        const hit = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('laptop Dell')}`, { token: shop.token });
        expect(hit.body.hits[0]).toMatchObject({ document_name: 'laptop.txt' });
      } finally {
        server.reset();
      }
      await billingIdle(app.runtime);
      expect((await usage(shop.tenantId)).rows).toHaveLength(0); // failed calls cost nothing
    }, 90_000);

    it("the tenant's own model: key checked, settings saved, re-index queued and run with the new model", async () => {
      const shop = await app.signup(`emb-own-${driver.name}`);
      const up = await app.upload('/v1/tenant/documents', shop.token, [{ name: 'laptop.txt', content: LAPTOP }]);
      const id = up.body.items[0].document.id as string;
      await app.settled(shop.token, id);
      expect(await app.service.kb.store.vectorDimensions(shop.tenantId)).toBe(32);

      const rejected = await app.call('PUT', '/v1/tenant/knowledge/embedding', {
        token: shop.token,
        body: { provider: 'openai', base_url: tenantServer.baseURL, model: 'my-embed', key_mode: 'own', api_key: 'wrong' },
      });
      expect(rejected.status, rejected.text).toBe(422);
      expect(rejected.body.error.code).toBe('embedding_settings_rejected');

      const saved = await app.call('PUT', '/v1/tenant/knowledge/embedding', {
        token: shop.token,
        body: { provider: 'openai', base_url: tenantServer.baseURL, model: 'my-embed', key_mode: 'own', api_key: 'tenant-key' },
      });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.body).toMatchObject({ reindex: 'queued', api_key_set: true, effective: { model: 'my-embed', key_source: 'own' } });
      expect(JSON.stringify(saved.body)).not.toContain('tenant-key');

      // The re-index job re-embeds the document with the tenant's model (48 dimensions).
      const until = Date.now() + 60_000;
      while ((await app.service.kb.store.vectorDimensions(shop.tenantId)) !== 48 || (await app.settled(shop.token, id)).status !== 'ready') {
        if (Date.now() > until) throw new Error('re-index did not run');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(tenantServer.requests.some((r) => r.kind === 'embeddings' && r.inputs?.includes(LAPTOP))).toBe(true);
      const hybrid = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent(QUESTION)}`, { token: shop.token });
      expect(hybrid.body.hits[0]).toMatchObject({ document_name: 'laptop.txt' });
      const view = await app.call('GET', '/v1/tenant/knowledge/embedding', { token: shop.token });
      expect(view.body).toMatchObject({ indexed_with: 'openai:my-embed:', reindex_required: false });
      await billingIdle(app.runtime);
      const own = (await usage(shop.tenantId)).rows.filter((r) => r.model === 'my-embed');
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((r) => r.key_source === 'own' && !r.billable)).toBe(true);
    }, 120_000);

    it("an LLM key for another OpenAI-compatible server is never sent for embeddings; OpenAI's own is, to OpenAI only", async () => {
      const shop = await app.signup(`emb-llm-${driver.name}`);
      const setLlm = (llm: Record<string, unknown>) =>
        app.runtime.db.tenant(shop.tenantId, async (tx) => {
          await tx.query(`UPDATE tenants SET settings = jsonb_set(settings, '{llm}', $2::jsonb) WHERE id = $1`, [shop.tenantId, JSON.stringify(llm)]);
          await app.runtime.secrets.put(tx, shop.tenantId, 'llm_api_key', 'sk-groq-or-gateway-key');
        });
      const effective = async () => {
        app.service.forgetEmbedding(shop.tenantId);
        return (await app.call('GET', '/v1/tenant/knowledge/embedding', { token: shop.token })).body.effective;
      };
      // A key for a gateway (its own base URL): the platform model serves, the key stays home.
      await setLlm({ provider: 'openai', base_url: tenantServer.baseURL, key_mode: 'own' });
      expect(await effective()).toMatchObject({ key_source: 'platform', model: 'text-embedding-3-small' });
      const model = await app.service.embeddingModelFor(shop.tenantId);
      const before = server.requests.length;
      await model!.doEmbed({ values: ['kiểm tra'] });
      const sent = server.requests.slice(before);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((r) => r.headers.authorization === 'Bearer platform-key')).toBe(true);
      // OpenAI's own API (no base URL): one key for both, embeddings at api.openai.com only.
      await setLlm({ provider: 'openai', key_mode: 'own' });
      expect(await effective()).toMatchObject({ key_source: 'own', base_url: 'https://api.openai.com/v1' });
    });

    it('the ingest job builds the tenant\'s IVF_PQ vector index once it passes CHATBOT_VECTOR_INDEX_MIN_ROWS', async () => {
      const shop = await app.signup(`emb-ann-${driver.name}`);
      const faq = (from: number, to: number) =>
        makeXlsx([['Câu hỏi', 'Trả lời'], ...Array.from({ length: to - from }, (_, i) => [`Mã hàng MH${from + i} còn không?`, `Mã MH${from + i} còn ${(from + i) % 9} cái ở kho ${(from + i) % 5}.`])]);
      const first = await app.upload('/v1/tenant/documents', shop.token, [{ name: 'faq-1.xlsx', content: faq(0, 200) }]);
      expect(await app.settled(shop.token, first.body.items[0].document.id as string)).toMatchObject({ status: 'ready', embedding: 'embedded' });
      expect(await app.service.kb.store.vectorIndex(shop.tenantId)).toBeUndefined(); // 200 < 300: exact scan
      const second = await app.upload('/v1/tenant/documents', shop.token, [{ name: 'faq-2.xlsx', content: faq(200, 320) }]);
      expect(await app.settled(shop.token, second.body.items[0].document.id as string, 60_000)).toMatchObject({ status: 'ready' });
      expect((await app.service.kb.store.vectorIndex(shop.tenantId))?.indexType).toMatch(/IVF_?PQ/i);
      // Dense queries now go through the index (the fake's 32 hashed dimensions rank near-identical
      // FAQ lines arbitrarily, so only that it answers is checked here; the rag tests check ranking).
      const dense = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('MH257 còn không')}&mode=dense&k=3`, { token: shop.token });
      expect(dense.status, dense.text).toBe(200);
      expect(dense.body.hits).toHaveLength(3);
      expect(dense.body.hits.every((h: { similarity: number | null }) => (h.similarity ?? 0) > 0)).toBe(true);
      const keyword = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('MH257 còn không')}&mode=bm25`, { token: shop.token });
      expect(keyword.body.hits[0].text).toContain('MH257');
    }, 120_000);
  });
}
