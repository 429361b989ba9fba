import { tokenizeSyllables } from '@agent-chatbot/core';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeDocumentTokens, analyzeQuery, Bm25Index, KnowledgeBase } from '../src/index';
import { buildIndexFromStoredTokens } from '../src/lexical/bm25-index';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.remove());

const WORDS = ['áo', 'khoác', 'gió', 'chống', 'nước', 'giao', 'hàng', 'nội', 'thành', 'bảo', 'hành', 'đổi', 'trả', 'túi', 'xách', 'da', 'đồng', 'hồ', 'kính', 'mát', 'giá', 'rẻ', 'size', 'màu', 'đỏ', 'xanh'];
/** A deterministic collection of `count` short Vietnamese documents. */
function collection(count: number) {
  return Array.from({ length: count }, (_, doc) =>
    analyzeDocumentTokens(Array.from({ length: 40 }, (_, i) => WORDS[(doc * 7 + i * (doc % 5 + 1)) % WORDS.length]!)),
  );
}

/** Runs `work`, counting the event-loop turns (setImmediate callbacks) that happened meanwhile. */
async function countingTurns<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let ticking = true;
  const tick = () => {
    turns += 1;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work();
  ticking = false;
  return { value, turns };
}

/** Both indexes answer `questions` alike: hits, score bounds and restored diacritics. */
function expectSameIndex(actual: Bm25Index, expected: Bm25Index, questions: readonly string[]): void {
  expect(actual.size).toBe(expected.size);
  expect(actual.termCount).toBe(expected.termCount);
  for (const question of questions) {
    const query = analyzeQuery(question);
    expect(actual.search(query, 10)).toEqual(expected.search(query, 10));
    expect(actual.scoreBound(query)).toBe(expected.scoreBound(query));
    expect(actual.restoreDiacritics(query.folded)).toEqual(expected.restoreDiacritics(query.folded));
  }
}

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
