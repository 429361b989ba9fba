import { describe, expect, it } from 'vitest';
import { splitText } from './split-text';

describe('splitText', () => {
  it('keeps short text whole and rejects a bad limit', () => {
    expect(splitText('Xin chào', 10)).toEqual(['Xin chào']);
    expect(() => splitText('x', 0)).toThrow(RangeError);
  });

  it('cuts at the last sentence end inside the limit', () => {
    expect(splitText('Một hai ba. Bốn năm sáu! Bảy tám chín?', 25)).toEqual(['Một hai ba. Bốn năm sáu!', 'Bảy tám chín?']);
  });

  it('prefers paragraph breaks, then whitespace, then a hard cut for one long word', () => {
    expect(splitText('Đoạn một dài.\n\nĐoạn hai. Câu ba.', 22)).toEqual(['Đoạn một dài.', 'Đoạn hai. Câu ba.']);
    expect(splitText('aaa bbb ccc ddd', 9)).toEqual(['aaa bbb', 'ccc ddd']);
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('counts code points after NFC, so Vietnamese in decomposed form is not over-split', () => {
    const decomposed = 'Tiếng Việt'.normalize('NFD');
    expect(splitText(decomposed, 10)).toEqual(['Tiếng Việt']);
    const emoji = '😀'.repeat(5);
    expect(splitText(emoji, 5)).toEqual([emoji]);
  });
});
