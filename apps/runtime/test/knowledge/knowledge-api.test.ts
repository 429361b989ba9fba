import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWindows1258, makeDocx, makePdf, makeXlsx } from '../../../../packages/rag/test/helpers/fixtures';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { expectAllCrossTenantDenied } from '../http/cross-tenant';
import { createFixtureUser, loginAs } from '../http/fixtures';
import type { TestApp } from '../http/harness';
import { retrieverForTenant } from '../../src/knowledge/search';
import { startKnowledgeApp, type KnowledgeApp } from './harness';

const skip = await postgresUnavailable();

const FAQ_1258 = 'câu hỏi,trả lời\nShop có giao hàng toàn quốc không?,"Dạ có, shop giao toàn quốc qua GHN, 2–4 ngày."\nĐổi trả thế nào?,Đổi trả trong 7 ngày nếu còn tem mác.\n';
const BOM_CSV = 'question,answer\nGiờ mở cửa của tiệm?,"Tiệm mở cửa từ 8 giờ sáng đến 21 giờ, kể cả Chủ nhật."\n';

describe.skipIf(skip)('knowledge API (Postgres)', () => {
  let database: TestDatabase;
  let app: KnowledgeApp;
  let a: { token: string; tenantId: string };
  let b: { token: string; tenantId: string };

  beforeAll(async () => {
    database = await createTestDatabase({ max: 4 });
    app = await startKnowledgeApp(database.db, { CHATBOT_UPLOAD_MAX_BYTES: String(64 * 1024) });
    a = await app.signup('shop-a');
    b = await app.signup('shop-b');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('uploads several formats at once: the broken and oversized ones fail on their own, the rest ingest', async () => {
    const res = await app.upload('/v1/tenant/documents', a.token, [
      { name: 'chinh-sach.md', content: '# Chính sách bảo hành\n\nSản phẩm được bảo hành 12 tháng tại cửa hàng. Lỗi do nhà sản xuất được đổi mới trong 30 ngày.' },
      { name: 'huong-dan.docx', content: makeDocx([{ text: 'Hướng dẫn thanh toán', style: 'Heading1' }, { text: 'Khách thanh toán qua chuyển khoản Vietcombank hoặc ví MoMo.' }]) },
      { name: 'gioi-thieu.pdf', content: makePdf(['Tiệm bánh Cô Ba mở cửa từ năm 1998 ở Hội An.']) },
      { name: 'bang-gia.xlsx', content: makeXlsx([['Tên sản phẩm', 'Giá', 'Tồn kho', 'SKU'], ['Áo thun trắng size M', '150k', 12, 'AT-M'], ['Quần jean xanh', '1tr2', 0, 'QJ-1']]) },
      { name: 'hong.docx', content: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]) },
      { name: 'qua-lon.txt', content: 'a'.repeat(70 * 1024) },
    ]);
    expect(res.status, res.text).toBe(201);
    const items = res.body.items as Array<{ name: string; status: number; document?: { id: string }; error?: { code: string; message_vi: string } }>;
    expect(items.filter((i) => i.status === 201).map((i) => i.name).sort()).toEqual(['bang-gia.xlsx', 'chinh-sach.md', 'gioi-thieu.pdf', 'hong.docx', 'huong-dan.docx']);
    const big = items.find((i) => i.name === 'qua-lon.txt')!;
    expect(big.status).toBe(413);
    expect(big.error?.message_vi).toMatch(/vượt quá/);

    const byName = new Map(items.filter((i) => i.document).map((i) => [i.name, i.document!.id]));
    const settled = new Map<string, Record<string, unknown>>();
    for (const [name, id] of byName) settled.set(name, await app.settled(a.token, id));
    for (const name of ['chinh-sach.md', 'huong-dan.docx', 'gioi-thieu.pdf', 'bang-gia.xlsx']) {
      expect(settled.get(name), name).toMatchObject({ status: 'ready', percent: 100, stage: 'done' });
      expect((settled.get(name)!.chunk_count as number) > 0, name).toBe(true);
    }
    const broken = settled.get('hong.docx')!;
    expect(broken).toMatchObject({ status: 'failed', stage: 'failed' });
    const error = broken.error as { code: string; message: string; message_vi: string };
    expect(error.code).toBe('corrupt_file');
    expect(error.message_vi.length).toBeGreaterThan(5);
    expect(error.message).not.toBe(error.message_vi);

    // The catalog sheet became products (table rows) and searchable cards.
    const products = await app.call('GET', '/v1/tenant/products?max_price=200000', { token: a.token });
    expect(products.body.items.map((p: { name: string; price_vnd: number }) => [p.name, p.price_vnd])).toEqual([['Áo thun trắng size M', 150_000]]);
    const search = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('áo thun trắng size M còn không')}`, { token: a.token });
    expect(search.body.hits[0]).toMatchObject({ kind: 'product' });
    expect(search.body.hits[0].text).toContain('Áo thun trắng size M');
    const warranty = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('bao hanh bao lau')}`, { token: a.token });
    expect(warranty.body.hits[0]).toMatchObject({ kind: 'document', document_name: 'chinh-sach.md' });
    expect(warranty.body.hits[0].score).toBeGreaterThan(0);

    const list = await app.call('GET', '/v1/tenant/documents', { token: a.token });
    expect(list.body.total).toBe(5);
  }, 90_000);

  it('imports a Windows-1258 FAQ and a UTF-8-BOM FAQ and returns their Vietnamese exactly', async () => {
    const legacy = await app.upload('/v1/tenant/faq/import', a.token, [{ name: 'faq.csv', content: encodeWindows1258(FAQ_1258) }]);
    expect(legacy.status, legacy.text).toBe(201);
    expect(legacy.body.items.map((f: { question: string; answer: string }) => [f.question, f.answer])).toEqual([
      ['Shop có giao hàng toàn quốc không?', 'Dạ có, shop giao toàn quốc qua GHN, 2–4 ngày.'],
      ['Đổi trả thế nào?', 'Đổi trả trong 7 ngày nếu còn tem mác.'],
    ]);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(BOM_CSV)]);
    const uploaded = await app.upload('/v1/tenant/documents', a.token, [{ name: 'gio-mo-cua.csv', content: bom }]);
    const doc = await app.settled(a.token, uploaded.body.items[0].document.id);
    expect(doc).toMatchObject({ status: 'ready', encoding: 'utf-8-bom', content_kind: 'faq' });
    const faq = await app.call('GET', '/v1/tenant/faq?limit=200', { token: a.token });
    const fromDoc = faq.body.items.find((f: { document_id: string | null }) => f.document_id === doc.id);
    expect(fromDoc.question).toBe('Giờ mở cửa của tiệm?');
    expect(fromDoc.answer).toBe('Tiệm mở cửa từ 8 giờ sáng đến 21 giờ, kể cả Chủ nhật.');
    const hit = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('giao hang toan quoc ko')}`, { token: a.token });
    expect(hit.body.hits[0].text).toContain('Dạ có, shop giao toàn quốc qua GHN, 2–4 ngày.');
  }, 60_000);

  it('FAQ and products CRUD change what is searchable and bump the knowledge version', async () => {
    const version = async () => (await app.runtime.db.tenant(a.tenantId, (tx) => tx.query<{ v: number }>('SELECT knowledge_version AS v FROM tenants WHERE id = $1', [a.tenantId]))).rows[0]!.v;
    const before = await version();
    const created = await app.call('POST', '/v1/tenant/faq', { token: a.token, body: { question: 'Có xuất hóa đơn VAT không?', answer: 'Có, shop xuất hóa đơn đỏ trong 3 ngày.' } });
    expect(created.status).toBe(201);
    expect(await version()).toBeGreaterThan(before);
    const q = encodeURIComponent('xuat hoa don vat');
    expect((await app.call('GET', `/v1/tenant/knowledge/search?q=${q}`, { token: a.token })).body.hits[0].text).toContain('hóa đơn đỏ');
    const edited = await app.call('PATCH', `/v1/tenant/faq/${created.body.id}`, { token: a.token, body: { answer: 'Có, hóa đơn điện tử gửi qua email.' } });
    expect(edited.body.answer).toBe('Có, hóa đơn điện tử gửi qua email.');
    const afterEdit = await app.call('GET', `/v1/tenant/knowledge/search?q=${q}`, { token: a.token });
    expect(afterEdit.body.hits[0].text).toContain('hóa đơn điện tử');
    expect(afterEdit.text).not.toContain('hóa đơn đỏ');
    expect((await app.call('DELETE', `/v1/tenant/faq/${created.body.id}`, { token: a.token })).status).toBe(204);
    expect(await app.service.countChunks(a.tenantId, `faq:${created.body.id}`)).toBe(0);

    const catalog = await app.upload('/v1/tenant/products/import', a.token, [
      { name: 'catalog.csv', content: 'Tên sản phẩm,Giá,Tồn kho,Mã\nMũ lưỡi trai đen,99.000đ,5,MU-1\nTúi tote vải,"1,2 triệu",hết hàng,TUI-1\n' },
    ]);
    expect(catalog.status, catalog.text).toBe(201);
    const mu = catalog.body.items.find((p: { sku: string }) => p.sku === 'MU-1');
    expect(mu).toMatchObject({ price_vnd: 99_000, stock: 5 });
    const tote = catalog.body.items.find((p: { sku: string }) => p.sku === 'TUI-1');
    expect(tote).toMatchObject({ price_vnd: 1_200_000, stock: 0 });
    const patched = await app.call('PATCH', `/v1/tenant/products/${mu.id}`, { token: a.token, body: { price_vnd: 79_000 } });
    expect(patched.body.price_vnd).toBe(79_000);
    const card = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('mũ lưỡi trai giá bn')}`, { token: a.token });
    expect(card.body.hits[0].text).toContain('79.000');
    expect((await app.call('DELETE', `/v1/tenant/products/${tote.id}`, { token: a.token })).status).toBe(204);
    expect(await app.service.countChunks(a.tenantId, `product:${tote.id}`)).toBe(0);
    expect((await app.call('GET', `/v1/tenant/products/${tote.id}`, { token: a.token })).status).toBe(404);
  }, 60_000);

  it('streams progress over SSE and through the API; re-index and delete leave no orphan chunks', async () => {
    const controller = new AbortController();
    const events: Array<{ type: string; documentId?: string; stage?: string; percent?: number }> = [];
    const stream = await fetch(`${app.baseUrl}/v1/tenant/documents/events`, { headers: { authorization: `Bearer ${a.token}` }, signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)));
        }
      }
    })();
    while (!events.some((e) => (e as { tenant_id?: string }).tenant_id === a.tenantId)) await new Promise((r) => setTimeout(r, 20));

    const long = Array.from({ length: 60 }, (_, i) => `## Mục ${i + 1}\n\nCửa hàng số ${i + 1} ở quận ${i % 12 + 1} mở cửa lúc ${7 + (i % 3)} giờ sáng và có chỗ đậu xe máy miễn phí cho khách.`).join('\n\n');
    const up = await app.upload('/v1/tenant/documents', a.token, [{ name: 'chi-nhanh.md', content: long }]);
    const id = up.body.items[0].document.id as string;
    const first = await app.settled(a.token, id);
    expect(first.status).toBe('ready');
    // The row turns ready just before the last events are published.
    const until = Date.now() + 5000;
    while (!events.some((e) => e.type === 'knowledge.changed') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const mine = events.filter((e) => e.documentId === id);
    expect(mine.map((e) => e.stage)).toContain('queued');
    expect(mine.some((e) => e.stage === 'indexing' || e.stage === 'chunking' || e.stage === 'extracting')).toBe(true);
    expect(mine.at(-1)).toMatchObject({ stage: 'done', percent: 100 });
    expect(events.some((e) => e.type === 'knowledge.changed')).toBe(true);
    // Tenant B's stream never sees tenant A's events (checked by the channel name: knowledge:<tenantId>).

    const chunks = await app.service.countChunks(a.tenantId, `doc:${id}`);
    expect(chunks).toBe(first.chunk_count);
    const re = await app.call('POST', `/v1/tenant/documents/${id}/reindex`, { token: a.token });
    expect(re.status).toBe(202);
    const second = await app.settled(a.token, id);
    expect(second.status).toBe('ready');
    expect(await app.service.countChunks(a.tenantId, `doc:${id}`)).toBe(chunks);

    const total = await app.service.countChunks(a.tenantId);
    expect((await app.call('DELETE', `/v1/tenant/documents/${id}`, { token: a.token })).status).toBe(204);
    expect(await app.service.countChunks(a.tenantId, `doc:${id}`)).toBe(0);
    expect(await app.service.countChunks(a.tenantId)).toBe(total - chunks);
    expect((await app.call('GET', `/v1/tenant/documents/${id}`, { token: a.token })).status).toBe(404);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.some((e) => e.type === 'document.deleted' && e.documentId === id)).toBe(true);
    controller.abort();
    await pump;
  }, 60_000);

  it("keeps tenants apart: B's search never returns A's chunks, and every id route is 404 across tenants", async () => {
    const secret = 'Mật khẩu wifi của cửa hàng A là banhmicoba2024';
    const up = await app.upload('/v1/tenant/documents', a.token, [{ name: 'wifi.txt', content: secret }]);
    const docId = up.body.items[0].document.id as string;
    await app.settled(a.token, docId);
    const faq = await app.call('POST', '/v1/tenant/faq', { token: a.token, body: { question: 'Mật khẩu wifi là gì?', answer: 'banhmicoba2024' } });
    const products = await app.call('GET', '/v1/tenant/products', { token: a.token });
    const productId = products.body.items[0].id as string;

    const asA = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('mật khẩu wifi')}`, { token: a.token });
    expect(asA.text).toContain('banhmicoba2024');
    const asB = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('mật khẩu wifi')}`, { token: b.token });
    expect(asB.status).toBe(200);
    expect(asB.body.hits).toEqual([]);
    expect(asB.text).not.toContain('banhmicoba2024');

    // The bots' retriever is pinned to its tenant, whatever namespace a caller passes.
    const retrieverA = retrieverForTenant(app.service, a.tenantId);
    expect(retrieverForTenant(app.service, a.tenantId)).toBe(retrieverA);
    const forA = await retrieverA.doRetrieve({ namespace: b.tenantId, query: 'mật khẩu wifi', topK: 3 });
    expect(forA.chunks.map((c) => c.text).join(' ')).toContain('banhmicoba2024');
    expect(forA.chunks.some((c) => c.metadata.kind === 'faq' && c.metadata.answer === 'banhmicoba2024')).toBe(true);
    const forB = await retrieverForTenant(app.service, b.tenantId).doRetrieve({ namespace: a.tenantId, query: 'mật khẩu wifi', topK: 3 });
    expect(forB.chunks).toEqual([]);

    const shim = { call: (method: string, path: string, o: { token?: string; body?: unknown } = {}) => app.call(method, path, o) } as unknown as TestApp;
    await expectAllCrossTenantDenied(
      shim,
      b.token,
      [
        { method: 'GET', path: `/v1/tenant/documents/${docId}` },
        { method: 'POST', path: `/v1/tenant/documents/${docId}/reindex` },
        { method: 'DELETE', path: `/v1/tenant/documents/${docId}` },
        { method: 'GET', path: `/v1/tenant/faq/${faq.body.id}` },
        { method: 'PATCH', path: `/v1/tenant/faq/${faq.body.id}`, body: { answer: 'bị sửa' } },
        { method: 'DELETE', path: `/v1/tenant/faq/${faq.body.id}` },
        { method: 'GET', path: `/v1/tenant/products/${productId}` },
        { method: 'PATCH', path: `/v1/tenant/products/${productId}`, body: { price_vnd: 1 } },
        { method: 'DELETE', path: `/v1/tenant/products/${productId}` },
      ],
      ['banhmicoba2024', 'wifi.txt'],
    );
    // Still intact for A.
    expect((await app.call('GET', `/v1/tenant/documents/${docId}`, { token: a.token })).body.status).toBe('ready');
    expect((await app.call('GET', `/v1/tenant/faq/${faq.body.id}`, { token: a.token })).body.answer).toBe('banhmicoba2024');
    expect((await app.call('GET', '/v1/tenant/documents', { token: b.token })).body.total).toBe(0);
  }, 60_000);

  it('a re-index that fails keeps the previous version searchable', async () => {
    const up = await app.upload('/v1/tenant/documents', a.token, [{ name: 'gio-mo-cua.txt', content: 'Quán cà phê Sáng mở cửa lúc 6 giờ sáng mỗi ngày.' }]);
    const id = up.body.items[0].document.id as string;
    await app.settled(a.token, id);
    const chunks = await app.service.countChunks(a.tenantId, `doc:${id}`);
    const { rows } = await app.runtime.db.tenant(a.tenantId, (tx) => tx.query<{ storage_key: string }>('SELECT storage_key FROM documents WHERE id = $1', [id]));
    // The stored file goes bad (emptied): the new version cannot be built.
    await app.service.storage.put(a.tenantId, rows[0]!.storage_key, new Uint8Array());
    expect((await app.call('POST', `/v1/tenant/documents/${id}/reindex`, { token: a.token })).status).toBe(202);
    const failed = await app.settled(a.token, id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'empty_file' } });
    expect(await app.service.countChunks(a.tenantId, `doc:${id}`)).toBe(chunks);
    const search = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('quán mở cửa mấy giờ')}`, { token: a.token });
    expect(search.body.hits[0].text).toContain('6 giờ sáng');
  }, 60_000);

  it('knowledge.reindex { tenantId } (as `tenant reindex` enqueues it) re-ingests every document of the tenant', async () => {
    const version = async () => (await app.runtime.db.tenant(a.tenantId, (tx) => tx.query<{ v: number }>('SELECT knowledge_version AS v FROM tenants WHERE id = $1', [a.tenantId]))).rows[0]!.v;
    const before = await version();
    const total = await app.service.countChunks(a.tenantId);
    await app.runtime.db.platform((tx) => app.runtime.jobs.enqueue(tx, 'knowledge.reindex', { tenantId: a.tenantId }, { tenantId: a.tenantId }));
    const until = Date.now() + 30_000;
    for (;;) {
      const docs: Array<{ status: string; updated_at: string }> = (await app.call('GET', '/v1/tenant/documents?limit=200', { token: a.token })).body.items;
      const settled = docs.every((d) => d.status === 'ready' || d.status === 'failed');
      if ((await version()) > before && settled && docs.some((d) => new Date(d.updated_at).getTime() > Date.now() - 30_000)) break;
      if (Date.now() > until) throw new Error('reindex did not finish');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await app.service.countChunks(a.tenantId)).toBe(total);
    expect((await app.call('GET', '/v1/tenant/documents?limit=200', { token: b.token })).body.total).toBe(0);
  }, 60_000);

  it('agents read knowledge but cannot change it', async () => {
    const agent = await createFixtureUser(app.runtime.db, { tenantId: a.tenantId, role: 'tenant-agent' });
    const shim = { call: (method: string, path: string, o: { token?: string; body?: unknown } = {}) => app.call(method, path, o) } as unknown as TestApp;
    const { access } = await loginAs(shim, agent.email);
    expect((await app.call('GET', '/v1/tenant/documents', { token: access })).status).toBe(200);
    expect((await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('giờ mở cửa')}`, { token: access })).status).toBe(200);
    expect((await app.call('GET', '/v1/tenant/faq', { token: access })).status).toBe(200);
    const denied = await app.call('POST', '/v1/tenant/faq', { token: access, body: { question: 'x?', answer: 'y' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message_vi).toBeTruthy();
    expect((await app.upload('/v1/tenant/documents', access, [{ name: 'a.txt', content: 'xin chào' }])).status).toBe(403);
  }, 30_000);

  it('answers bad input with bilingual 4xx errors', async () => {
    const notMultipart = await app.call('POST', '/v1/tenant/documents', { token: a.token, body: { x: 1 } });
    expect(notMultipart.status).toBe(400);
    expect(notMultipart.body.error.message_vi).toMatch(/multipart/);
    const onlyBig = await app.upload('/v1/tenant/documents', a.token, [{ name: 'lon.pdf', content: 'x'.repeat(70 * 1024) }]);
    expect(onlyBig.status).toBe(413);
    expect(onlyBig.body.error.details.items[0]).toMatchObject({ name: 'lon.pdf', status: 413 });
    const badFaq = await app.upload('/v1/tenant/faq/import', a.token, [{ name: 'x.csv', content: 'a,b\n1,2\n' }]);
    expect(badFaq.status).toBe(422);
    expect(badFaq.body.error.code).toBe('faq_columns_missing');
    expect((await app.call('GET', '/v1/tenant/knowledge/search?q=', { token: a.token })).status).toBe(400);
    expect((await app.call('GET', '/v1/tenant/documents/khong-phai-uuid', { token: a.token })).status).toBe(400);
    expect((await app.call('GET', '/v1/tenant/documents/events')).status).toBe(401);
  });
});
