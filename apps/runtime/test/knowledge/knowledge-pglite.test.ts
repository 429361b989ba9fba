import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPglite } from '../helpers/pglite';
import { startKnowledgeApp, type KnowledgeApp } from './harness';

describe('knowledge API on the embedded default (PGlite): upload → job → search → delete', () => {
  let app: KnowledgeApp;
  beforeAll(async () => {
    app = await startKnowledgeApp(await createTestPglite());
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('ingests uploads through the job queue on PGlite, one short transaction at a time', async () => {
    const shop = await app.signup('pglite-shop');
    const up = await app.upload('/v1/tenant/documents', shop.token, [
      { name: 'ship.txt', content: 'Shop giao hàng toàn quốc, nội thành Sài Gòn nhận trong ngày.' },
      { name: 'rong.txt', content: '' },
    ]);
    expect(up.status, up.text).toBe(201);
    const [ship, empty] = up.body.items as Array<{ document: { id: string } }>;
    expect(await app.settled(shop.token, ship!.document.id)).toMatchObject({ status: 'ready', percent: 100 });
    expect(await app.settled(shop.token, empty!.document.id)).toMatchObject({ status: 'failed', error: { code: 'empty_file' } });
    const hit = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('ship sg mấy ngày')}`, { token: shop.token });
    expect(hit.body.hits[0]).toMatchObject({ document_name: 'ship.txt' });
    expect((await app.call('DELETE', `/v1/tenant/documents/${ship!.document.id}`, { token: shop.token })).status).toBe(204);
    expect(await app.service.countChunks(shop.tenantId)).toBe(0);
  }, 90_000);
});
