import { expect } from 'vitest';
import { analyzeDocumentTokens, analyzeQuery, type Bm25Index } from '../../src/index';

export const WORDS = ['áo', 'khoác', 'gió', 'chống', 'nước', 'giao', 'hàng', 'nội', 'thành', 'bảo', 'hành', 'đổi', 'trả', 'túi', 'xách', 'da', 'đồng', 'hồ', 'kính', 'mát', 'giá', 'rẻ', 'size', 'màu', 'đỏ', 'xanh'];

/** The syllables of `count` short deterministic Vietnamese documents. */
export function collectionTokens(count: number): string[][] {
  return Array.from({ length: count }, (_, doc) => Array.from({ length: 40 }, (_, i) => WORDS[(doc * 7 + i * (doc % 5 + 1)) % WORDS.length]!));
}

/** A deterministic collection of `count` short Vietnamese documents, analysed. */
export function collection(count: number) {
  return collectionTokens(count).map((tokens) => analyzeDocumentTokens(tokens));
}

/** Runs `work`, counting the event-loop turns (setImmediate callbacks) that happened meanwhile. */
export async function countingTurns<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
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
export function expectSameIndex(actual: Bm25Index, expected: Bm25Index, questions: readonly string[]): void {
  expect(actual.size).toBe(expected.size);
  expect(actual.termCount).toBe(expected.termCount);
  for (const question of questions) {
    const query = analyzeQuery(question);
    expect(actual.search(query, 10)).toEqual(expected.search(query, 10));
    expect(actual.scoreBound(query)).toBe(expected.scoreBound(query));
    expect(actual.restoreDiacritics(query.folded)).toEqual(expected.restoreDiacritics(query.folded));
  }
}
