import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatibleEmbeddingModel, KnowledgeBase, parseProductQuery } from '../src/index';
import { startFakeEmbeddingServer, type FakeEmbeddingServer } from './helpers/fake-embedding-server';
import { makeXlsx } from './helpers/fixtures';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
let server: FakeEmbeddingServer;
let lexical: KnowledgeBase;
let hybrid: KnowledgeBase;

const SHOP = [
  ['ship', 'Giao hàng nội thành Hà Nội trong 24 giờ, phí 20.000đ. Giao hàng toàn quốc 2-4 ngày qua GHTK.'],
  ['bao-hanh', 'Chính sách bảo hành: điện thoại được bảo hành 12 tháng, phụ kiện bảo hành 3 tháng.'],
  ['ban-si', 'Shop nhận bán buôn cho đại lý: đơn từ 50 sản phẩm được chiết khấu 15%.'],
  ['thanh-toan', 'Thanh toán khi nhận hàng (COD) hoặc chuyển khoản Vietcombank.'],
  ['laptop', 'Cửa hàng có bán máy tính xách tay Dell và Asus chính hãng.'],
] as const;

const CATALOG = [
  ['Mã SP', 'Tên sản phẩm', 'Giá', 'Tồn kho', 'Danh mục', 'Size', 'Màu'],
  ['AT-TRANG', 'Áo thun trắng cổ tròn', '150k', '12', 'Áo', 'S, M, L', 'trắng'],
  ['AT-DEN', 'Áo thun đen', '180.000đ', '0', 'Áo', 'M, L', 'đen'],
  ['SP-A', 'Sản phẩm A - Nón lá Huế', '95.000', 'còn hàng', 'Phụ kiện', '', ''],
  ['QJ', 'Quần jean nam', '1tr2', '5', 'Quần', '30, 31, 32', 'xanh'],
  ['VAY', 'Váy maxi đi biển', '350 nghìn', '3', 'Váy', 'M', 'vàng'],
];

beforeAll(async () => {
  server = await startFakeEmbeddingServer({ dimensions: 256 });
  lexical = new KnowledgeBase({ storage: { uri: `${dir.path}/lexical` } });
  hybrid = new KnowledgeBase({
    storage: { uri: `${dir.path}/hybrid` },
    embeddingModel: createOpenAICompatibleEmbeddingModel({ baseURL: server.baseURL, apiKey: 'test-key', model: 'fake-embed-small' }),
  });
  for (const kb of [lexical, hybrid]) {
    await kb.ingestDocuments({ namespace: 'shop', documents: SHOP.map(([id, content]) => ({ sourceId: id, name: `${id}.txt`, content })) });
    await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'catalog', name: 'san-pham.xlsx', content: makeXlsx(CATALOG) } });
    await kb.ingestDocument({ namespace: 'other-tenant', document: { sourceId: 'secret', name: 'noi-bo.txt', content: 'Mã giảm giá nội bộ NHANVIEN99 và giá nhập áo thun 60.000đ.' } });
  }
});
afterAll(async () => {
  await lexical.close();
  await hybrid.close();
  await server.close();
  dir.remove();
});

const top = async (kb: KnowledgeBase, query: string, topK = 3) => (await kb.search({ namespace: 'shop', query, topK })).hits;

describe('Vietnamese questions as customers type them', () => {
  const cases: Array<[string, string]> = [
    ['ship HN mất mấy ngày', 'ship'],
    ['ship hn mat may ngay', 'ship'],
    ['giao hang ra tinh bao lau', 'ship'],
    ['dt bh bao lâu', 'bao-hanh'],
    ['bao hanh phu kien may thang', 'bao-hanh'],
    ['co ban si ko shop', 'ban-si'],
    ['tt qua ck dc k', 'thanh-toan'],
  ];
  for (const [query, expected] of cases) {
    it(`"${query}" → ${expected}`, async () => {
      for (const kb of [lexical, hybrid]) expect((await top(kb, query))[0]?.sourceId).toBe(expected);
    });
  }
  it('says "nothing relevant" for an unrelated question', async () => {
    for (const kb of [lexical, hybrid]) {
      expect(await top(kb, 'thời tiết Đà Lạt tuần sau thế nào')).toEqual([]);
      expect(await top(kb, 'xyzzy qwerty')).toEqual([]);
    }
  });
});

describe('tenant isolation', () => {
  it("tenant B's search never returns tenant A's chunk, in any mode", async () => {
    for (const kb of [lexical, hybrid]) {
      for (const mode of kb === hybrid ? (['bm25', 'dense', 'hybrid'] as const) : (['bm25'] as const)) {
        const { hits } = await kb.search({ namespace: 'shop', query: 'mã giảm giá nội bộ NHANVIEN99 giá nhập áo thun', mode, topK: 50, minRelevance: 0 });
        expect(hits.some((hit) => hit.sourceId === 'secret' || hit.text.includes('NHANVIEN99')), mode).toBe(false);
      }
      const own = await kb.search({ namespace: 'other-tenant', query: 'mã giảm giá NHANVIEN99' });
      expect(own.hits.map((hit) => hit.sourceId)).toEqual(['secret']);
      expect((await kb.search({ namespace: 'nobody', query: 'NHANVIEN99' })).hits).toEqual([]);
    }
  });
});

describe('products', () => {
  it('reads price and stock intent from questions', () => {
    expect(parseProductQuery('dưới 200k có gì')).toMatchObject({ maxPrice: 200_000 });
    expect(parseProductQuery('duoi 200k co gi')).toMatchObject({ maxPrice: 200_000 });
    expect(parseProductQuery('từ 100k đến 400k')).toMatchObject({ minPrice: 100_000, maxPrice: 400_000 });
    expect(parseProductQuery('trên 1 triệu')).toMatchObject({ minPrice: 1_000_000 });
    expect(parseProductQuery('áo thun trắng size M còn không')).toMatchObject({ asksStock: true });
    expect(parseProductQuery('giá sp A bn')).toMatchObject({ asksPrice: true });
  });
  it('"dưới 200k có gì" lists only products in range (cheapest first without a dense arm)', async () => {
    const hits = await top(lexical, 'dưới 200k có gì', 10);
    expect(hits.map((hit) => hit.metadata.productId)).toEqual(['SP-A', 'AT-TRANG', 'AT-DEN']);
    const fused = await top(hybrid, 'duoi 200k co gi', 10);
    expect(fused.map((hit) => hit.metadata.productId).sort()).toEqual(['AT-DEN', 'AT-TRANG', 'SP-A']);
    const range = await top(lexical, 'váy hoặc quần từ 300k đến 2 triệu', 10);
    expect(range.map((hit) => hit.metadata.productId)).toEqual(['VAY', 'QJ']);
  });
  it('"áo thun trắng size M còn không" finds the product with its stock', async () => {
    for (const kb of [lexical, hybrid]) {
      const [first] = await top(kb, 'áo thun trắng size M còn không');
      expect(first?.metadata).toMatchObject({ productId: 'AT-TRANG', stock: 12, inStock: true, price: 150_000 });
      expect(first?.text).toContain('Tình trạng: còn hàng (12)');
    }
  });
  it('"giá sp A bn" and unaccented product names', async () => {
    for (const kb of [lexical, hybrid]) {
      expect((await top(kb, 'giá sp A bn'))[0]?.metadata.productId).toBe('SP-A');
      expect((await top(kb, 'quan jean gia bao nhieu'))[0]?.metadata.productId).toBe('QJ');
      expect((await top(kb, 'ao thun den con hang ko'))[0]?.metadata).toMatchObject({ productId: 'AT-DEN', inStock: false });
    }
  });
});

describe('dense arm and fusion (fake OpenAI-compatible embedding server)', () => {
  it('embeds chunks at ingestion through the server with the configured model', () => {
    const inputs = server.requests.flatMap((request) => request.input);
    expect(server.requests.every((request) => request.model === 'fake-embed-small')).toBe(true);
    expect(inputs).toContain(SHOP[4][1]);
  });
  it('dense finds what words alone cannot, and hybrid fuses it in', async () => {
    const lexicalOnly = await lexical.search({ namespace: 'shop', query: 'laptop', topK: 3 });
    expect(lexicalOnly.hits).toEqual([]);
    const dense = await hybrid.search({ namespace: 'shop', query: 'laptop', mode: 'dense', topK: 3 });
    expect(dense.hits[0]).toMatchObject({ sourceId: 'laptop' });
    expect(dense.hits[0]!.similarity).toBeGreaterThan(0.35);
    const fused = await hybrid.search({ namespace: 'shop', query: 'laptop', topK: 3 });
    expect(fused.hits[0]).toMatchObject({ sourceId: 'laptop', relevance: undefined });
  });
  it('a chunk both arms rank first gets the highest fused score', async () => {
    const { hits } = await hybrid.search({ namespace: 'shop', query: 'bảo hành điện thoại', topK: 3 });
    expect(hits[0]).toMatchObject({ sourceId: 'bao-hanh' });
    expect(hits[0]!.relevance).toBeGreaterThan(0);
    expect(hits[0]!.similarity).toBeGreaterThan(0);
    expect(hits[0]!.score).toBeCloseTo(2 / 61, 6);
  });
  it('dense mode without a model and a wrong API key are typed errors', async () => {
    await expect(lexical.search({ namespace: 'shop', query: 'x', mode: 'dense' })).rejects.toMatchObject({ status: 400 });
    const bad = createOpenAICompatibleEmbeddingModel({ baseURL: server.baseURL, apiKey: 'nope', model: 'm' });
    await expect(bad.doEmbed({ values: ['xin chào'] })).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });
});
