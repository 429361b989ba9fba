import { describe, expect, it } from 'vitest';
import { clusterQuestions, jaccard, questionFeatures, questionTokens } from '../../src/analytics/question-clusters';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 3, minute));

describe('question clustering (Vietnamese-aware)', () => {
  it('normalises accents, abbreviations, synonyms and filler words', () => {
    expect(questionTokens('Giá bao nhiêu vậy shop?')).toEqual(['gia']);
    expect(questionTokens('gia bao nhieu')).toEqual(['gia']);
    expect(questionTokens('bao nhiêu tiền vậy shop')).toEqual(['gia']);
    expect(questionTokens('bn tien z shop')).toEqual(['gia']);
    expect(questionTokens('Shop có ship Hà Nội không ạ')).toEqual(['giao_hang', 'ha', 'noi']);
    expect(questionTokens('alo shop ơi')).toEqual(['alo', 'shop', 'oi']);
    expect([...questionFeatures('áo thun trắng')].sort()).toEqual(['ao', 'ao thun', 'thun', 'thun trang', 'trang']);
  });

  it('computes Jaccard similarity', () => {
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3);
    expect(jaccard(new Set(), new Set())).toBe(1);
    expect(jaccard(new Set(['a']), new Set())).toBe(0);
  });

  it('groups the price questions together and keeps other topics apart', () => {
    const clusters = clusterQuestions([
      { text: 'giá bao nhiêu', at: at(1), ref: 'm1' },
      { text: 'gia bao nhieu', at: at(2), ref: 'm2' },
      { text: 'bao nhiêu tiền vậy shop', at: at(3), ref: 'm3' },
      { text: 'Giá bao nhiêu', at: at(4), ref: 'm4' },
      { text: 'shop ship hà nội không', at: at(5), ref: 'm5' },
      { text: 'giao hàng Hà Nội mất mấy ngày', at: at(6), ref: 'm6' },
      { text: 'mấy giờ shop mở cửa', at: at(7), ref: 'm7' },
      { text: '   ', at: at(8), ref: 'm8' },
    ]);
    expect(clusters.map((c) => [c.label, c.count])).toEqual([
      ['Giá bao nhiêu', 4],
      ['mấy giờ shop mở cửa', 1],
      ['giao hàng Hà Nội mất mấy ngày', 1],
      ['shop ship hà nội không', 1],
    ]);
    const price = clusters[0]!;
    // "giá bao nhiêu" was asked twice (case aside), so it leads; the latest question is m4.
    expect(price.examples).toEqual(['Giá bao nhiêu', 'bao nhiêu tiền vậy shop', 'gia bao nhieu']);
    expect(price.latestRef).toBe('m4');
    expect(price.lastAskedAt).toEqual(at(4));
  });

  it('respects the threshold', () => {
    const loose = clusterQuestions([
      { text: 'áo thun trắng size M', at: at(1) },
      { text: 'áo thun đen size L', at: at(2) },
    ], { threshold: 0.2 });
    expect(loose).toHaveLength(1);
    const strict = clusterQuestions([
      { text: 'áo thun trắng size M', at: at(1) },
      { text: 'áo thun đen size L', at: at(2) },
    ], { threshold: 0.9 });
    expect(strict).toHaveLength(2);
  });
});
