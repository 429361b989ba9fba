import { describe, expect, it } from 'vitest';
import { chunkText } from '../src/index';

const sentence = (i: number) => `Câu số ${i} nói về chính sách bảo hành và đổi trả của cửa hàng.`;
const paragraph = (from: number, count: number) => Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');

describe('chunkText', () => {
  it('keeps chunks within 200–500 tokens, breaking on headings and paragraphs', () => {
    const text = ['# Bảo hành', paragraph(0, 20), paragraph(20, 20), '# Đổi trả', paragraph(40, 30), paragraph(70, 30), '## Ghi chú', paragraph(100, 5)].join('\n\n');
    const chunks = chunkText(text);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.tokenCount).toBeGreaterThanOrEqual(200);
      expect(chunk.tokenCount).toBeLessThanOrEqual(500);
    }
    expect(chunks.at(-1)!.tokenCount).toBeLessThanOrEqual(500);
    expect(chunks.map((c) => c.heading)).toContain('Đổi trả');
    // A chunk that starts mid-section repeats its heading.
    for (const chunk of chunks) if (chunk.heading && !chunk.text.startsWith('#')) expect(chunk.text.startsWith(chunk.heading)).toBe(true);
    // Nothing is lost.
    for (let i = 0; i < 105; i += 1) expect(chunks.some((c) => c.text.includes(sentence(i)))).toBe(true);
    expect(chunkText(text)).toEqual(chunks);
  });
  it('splits a single huge paragraph on sentences, then words', () => {
    const chunks = chunkText(paragraph(0, 200));
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(500);
    const words = Array.from({ length: 1200 }, (_, i) => `từ${i}`).join(' ');
    expect(chunkText(words).map((c) => c.tokenCount)).toEqual([500, 500, 200]);
  });
  it('recognises Vietnamese legal and numbered headings', () => {
    const chunks = chunkText(`Điều 1. Phạm vi điều chỉnh\n${paragraph(0, 30)}\n\nĐiều 2. Đối tượng áp dụng\n${paragraph(30, 30)}`, { minTokens: 50, maxTokens: 500 });
    expect(chunks.map((c) => c.heading)).toEqual(['Điều 1. Phạm vi điều chỉnh', 'Điều 2. Đối tượng áp dụng']);
  });
  it('small documents stay one chunk', () => {
    expect(chunkText('Giờ mở cửa: 8h - 22h.')).toEqual([{ index: 0, text: 'Giờ mở cửa: 8h - 22h.', heading: undefined, tokenCount: 6 }]);
    expect(chunkText('  \n\n ')).toEqual([]);
  });
});
