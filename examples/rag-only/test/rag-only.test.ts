// Indexes ./docs with the embedded store and checks the top results of real customer questions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KnowledgeBase } from '@agent-chatbot/rag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexFolder, type IndexedFile } from '../src/index-folder';

describe('rag-only: a folder of Vietnamese shop documents, searched without a server', () => {
  let knowledge: KnowledgeBase;
  let files: IndexedFile[];
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rag-only-test-'));
    ({ knowledge, files } = await indexFolder({ docsDir: fileURLToPath(new URL('../docs', import.meta.url)), dataDir }));
  });
  afterAll(async () => {
    await knowledge?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const top = async (query: string, topK = 3) => (await knowledge.search({ namespace: 'shop', query, topK })).hits;

  it('indexes every file, the CSV as product cards', () => {
    expect(files.map((file) => file.name)).toEqual(['cau-hoi-thuong-gap.md', 'chinh-sach-bao-hanh.md', 'cua-hang.txt', 'san-pham.csv', 'van-chuyen-thanh-toan.md']);
    expect(files.every((file) => file.status === 'ready' && file.chunks > 0)).toBe(true);
    expect(files.find((file) => file.name === 'san-pham.csv')?.kind).toBe('products');
  });

  // [question, document that must rank first, text the first hit must contain]
  const cases: Array<[string, string, string]> = [
    ['Phí ship đi tỉnh bao nhiêu?', 'van-chuyen-thanh-toan.md', '40.000đ'],
    ['phi ship di tinh bao nhieu', 'van-chuyen-thanh-toan.md', '40.000đ'],
    ['Hàng bị vỡ khi giao thì sao?', 'cau-hoi-thuong-gap.md', 'vỡ'],
    ['hang bi vo khi giao thi sao', 'cau-hoi-thuong-gap.md', 'vỡ'],
    ['Mấy giờ cửa hàng mở cửa?', 'cua-hang.txt', '7 giờ 30'],
    ['may gio cua hang mo cua', 'cua-hang.txt', '7 giờ 30'],
    ['đổi trả trong bao lâu', 'chinh-sach-bao-hanh.md', '7 ngày'],
    ['doi tra trong bao lau', 'chinh-sach-bao-hanh.md', '7 ngày'],
    ['bộ ấm chén men lam giá bao nhiêu', 'san-pham.csv', '650'],
    ['bo am chen men lam gia bao nhieu', 'san-pham.csv', '650'],
    ['có thanh toán bằng MoMo không', 'van-chuyen-thanh-toan.md', 'MoMo'],
  ];
  for (const [query, source, text] of cases) {
    it(`"${query}" → ${source}`, async () => {
      const hits = await top(query);
      expect(hits[0]?.sourceId, JSON.stringify(hits.map((hit) => hit.sourceId))).toBe(source);
      expect(hits[0]?.text).toContain(text);
    });
  }

  it('accented and unaccented forms of a question agree on the first result', async () => {
    const [accented, plain] = await Promise.all([top('gốm có dùng được lò vi sóng không'), top('gom co dung duoc lo vi song khong')]);
    expect(accented[0]?.id).toBe(plain[0]?.id);
    expect(accented[0]?.text).toContain('lò vi sóng');
  });

  it('returns nothing for a question the documents do not cover', async () => {
    expect(await top('xe máy điện VinFast sạc pin bao lâu')).toEqual([]);
  });
});
