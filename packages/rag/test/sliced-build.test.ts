import { tokenizeSyllables } from '@agent-chatbot/core';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeDocumentTokens, analyzeQuery, Bm25Index, KnowledgeBase } from '../src/index';
import { buildIndexFromStoredTokens } from '../src/lexical/bm25-index';
import { collection, countingTurns, expectSameIndex, WORDS } from './helpers/bm25';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.remove());

describe('sliced BM25 build', () => {
  it('Bm25Index.build gives the same index as the constructor while the event loop keeps turning', async () => {
    const docs = collection(4_000);
    const whole = new Bm25Index(docs);
    const { value: sliced, turns } = await countingTurns(() => Bm25Index.build(docs, {}, { sliceMs: 1 }));
    // Other work ran between the slices (one synchronous build would allow none).
    expect(turns).toBeGreaterThan(2);
    expectSameIndex(sliced, whole, ['áo khoác chống nước', 'bao hanh doi tra', 'túi xách da màu đỏ']);
    expect(sliced.documentFrequency('folded', 'bao_hanh')).toBe(whole.documentFrequency('folded', 'bao_hanh'));
  });

  it('an empty collection builds and finds nothing', async () => {
    const index = await Bm25Index.build([]);
    expect(index.size).toBe(0);
    expect(index.search(analyzeQuery('áo khoác'), 3)).toEqual([]);
  });

  it('the stored-token build (the lexical cache\'s) equals analysing every chunk, and yields too', async () => {
    // Stored tokens as ingestion writes them, spellings the analysis rewrites included (sỹ/sĩ, kỹ/kĩ).
    const texts = Array.from({ length: 3_000 }, (_, i) =>
      `Bác sỹ ${i % 7} khám ${WORDS[i % WORDS.length]} kỹ thuật ${WORDS[(i * 3) % WORDS.length]} Quý khách ${i % 11} được bảo hành ${i % 13} tháng, giao hàng nội thành`,
    );
    const stored = texts.map((text) => tokenizeSyllables(text).join(' '));
    stored.push('');
    const analysed = new Bm25Index(stored.map((tokens) => analyzeDocumentTokens(tokens === '' ? [] : tokens.split(' '))));
    const { value: fromStored, turns } = await countingTurns(() => buildIndexFromStoredTokens(stored, {}, { sliceMs: 1 }));
    expect(turns).toBeGreaterThan(2);
    expectSameIndex(fromStored, analysed, ['bác sĩ khám kỹ không', 'quy khach bao hanh may thang', 'giao hàng nội thành áo khoác']);
  });

  it("the knowledge base's index is rebuilt after an ingestion and finds the new document", async () => {
    const kb = new KnowledgeBase({ storage: { uri: dir.path } });
    try {
      await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'ship', name: 'ship.txt', content: 'Giao hàng nội thành Hà Nội trong 24 giờ, phí 20.000đ.' } });
      const { hits } = await kb.search({ namespace: 'shop', query: 'giao hang noi thanh' });
      expect(hits[0]?.sourceId).toBe('ship');
    } finally {
      await kb.close();
    }
  });
});
