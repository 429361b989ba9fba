import { describe, expect, it } from 'vitest';
import {
  expandAbbreviations,
  expandSynonyms,
  extractPhones,
  extractPricesVnd,
  foldDiacritics,
  normalizePhone,
  normalizeToneMarks,
  normalizeVietnamese,
  parseNumberVi,
  parsePriceVnd,
  syllableBigrams,
  tokenizeSyllables,
} from './index';

describe('normalizeVietnamese', () => {
  it('puts tone marks in one place (new style → classic style)', () => {
    expect(normalizeVietnamese('hoà')).toBe(normalizeVietnamese('hòa'));
    expect(normalizeVietnamese('thuỷ')).toBe('thủy');
    expect(normalizeVietnamese('khoẻ')).toBe('khỏe');
    expect(normalizeVietnamese('Hoà Bình, Thuỷ điện, sức khoẻ')).toBe('hòa bình, thủy điện, sức khỏe');
  });
  it('keeps already-canonical words intact', () => {
    const words = 'người được quốc giữ giá quả thuở tuổi khuỷu xoáy hoàng thuyền nguyễn mùa chìa gì quý khuya';
    expect(normalizeVietnamese(words)).toBe(words);
  });
  it('composes NFD text, lower-cases and collapses whitespace', () => {
    const nfd = 'Tiếng   Việt\u00A0\tCÓ DẤU'.normalize('NFD');
    expect(normalizeVietnamese(nfd)).toBe('tiếng việt có dấu');
    expect(normalizeVietnamese('ĐƯỜNG\u200B PHỐ')).toBe('đường phố');
  });
  it('normalizeToneMarks places a word the same way every time it meets it, whatever its case or length', () => {
    const text = 'hoà HOÀ hoà Hoà thuỷ khoẻ hoà';
    expect(normalizeToneMarks(text)).toBe('hòa HÒA hòa Hòa thủy khỏe hòa');
    // Again (every word now remembered): the same result.
    expect(normalizeToneMarks(text)).toBe('hòa HÒA hòa Hòa thủy khỏe hòa');
    // A long run of letters is no syllable: left as it is, every time.
    const long = 'Nguyễnvănhoàthuỷkhoẻ';
    expect(normalizeToneMarks(long)).toBe(long);
    expect(normalizeToneMarks(long)).toBe(long);
  });

  it('normalizeToneMarks keeps case', () => {
    expect(normalizeToneMarks('Hoà Thuỷ')).toBe('Hòa Thủy');
    expect(normalizeToneMarks('coffee email')).toBe('coffee email');
  });
});

describe('foldDiacritics', () => {
  it('removes tones, hats and maps đ', () => {
    expect(foldDiacritics('Đường phố Hà Nội')).toBe('Duong pho Ha Noi');
    expect(foldDiacritics('bảo hành ưu đãi sản phẩm')).toBe('bao hanh uu dai san pham');
    expect(foldDiacritics('ỹ ự ặ ầ ở')).toBe('y u a a o');
  });
});

describe('tokens', () => {
  it('splits syllables and drops punctuation', () => {
    expect(tokenizeSyllables('Áo thun, giá 150k!')).toEqual(['áo', 'thun', 'giá', '150k']);
    expect(tokenizeSyllables('COVID-19 ở TP.HCM?')).toEqual(['covid', '19', 'ở', 'tp', 'hcm']);
  });
  it('builds bigrams', () => {
    expect(syllableBigrams(['bảo', 'hành', 'sản', 'phẩm'])).toEqual(['bảo_hành', 'hành_sản', 'sản_phẩm']);
    expect(syllableBigrams(['một'])).toEqual([]);
  });
});

describe('abbreviations', () => {
  it('expands chat abbreviations in text', () => {
    expect(expandAbbreviations('sp nay con ko, gia bn')).toBe('sản phẩm nay con không gia bao nhiêu');
    expect(expandAbbreviations('Ship đc k shop? cho mình sdt')).toBe('ship được không shop cho mình số điện thoại');
    expect(expandAbbreviations('hok bt, khum biết, kh dc')).toContain('không');
    expect(expandAbbreviations('bh mấy tháng, tt qua ck, sz M, ib mình')).toBe(
      'bảo hành mấy tháng thanh toán qua chuyển khoản size m nhắn tin mình',
    );
  });
  it('expands tokens and accepts a tenant table', () => {
    expect(expandAbbreviations(['ship', 'dc', 'k'])).toEqual(['ship', 'được', 'không']);
    expect(expandAbbreviations(['atm'], { atm: 'áo thun mỏng' })).toEqual(['áo', 'thun', 'mỏng']);
    expect(expandAbbreviations(['constructor', 'toString'])).toEqual(['constructor', 'toString']);
  });
  it('adds synonyms for query expansion', () => {
    expect(expandSynonyms(['ship', 'hà', 'nội'])).toEqual(['giao', 'hàng', 'vận', 'chuyển', 'gửi', 'hàng']);
    expect(expandSynonyms(['có', 'bán', 'sỉ', 'không'])).toContain('buôn');
    expect(expandSynonyms(['xin', 'chào'])).toEqual([]);
  });
});

describe('numbers and prices', () => {
  it('parses Vietnamese and English number formats', () => {
    expect(parseNumberVi('1.500.000')).toBe(1_500_000);
    expect(parseNumberVi('1,500,000')).toBe(1_500_000);
    expect(parseNumberVi('1,2')).toBe(1.2);
    expect(parseNumberVi('1.500.000,50')).toBe(1_500_000.5);
    expect(parseNumberVi('1.500')).toBe(1500);
    expect(parseNumberVi('abc')).toBeUndefined();
    expect(parseNumberVi('1.50.0')).toBeUndefined();
  });
  it('parses prices in every common way', () => {
    const cases: Array<[string, number]> = [
      ['150k', 150_000], ['150K', 150_000], ['150 nghìn', 150_000], ['200 nghìn', 200_000], ['200 ngàn', 200_000],
      ['1.500.000đ', 1_500_000], ['1.500.000 VNĐ', 1_500_000], ['1,500,000 vnd', 1_500_000], ['350.000₫', 350_000],
      ['1tr5', 1_500_000], ['1tr', 1_000_000], ['2tr25', 2_250_000], ['1,2 triệu', 1_200_000], ['1.2tr', 1_200_000],
      ['1 triệu 200 nghìn', 1_200_000], ['2 củ', 2_000_000], ['1 tỷ', 1_000_000_000], ['2k5', 2_500],
      ['150000', 150_000], ['99.000 đồng', 99_000], ['1 trieu', 1_000_000], ['300 ngan', 300_000],
    ];
    for (const [text, value] of cases) expect([text, parsePriceVnd(text)]).toEqual([text, value]);
    expect(parsePriceVnd(12_000.4)).toBe(12_000);
    expect(parsePriceVnd('liên hệ')).toBeUndefined();
  });
  it('extracts prices from questions but not years or phones', () => {
    expect(extractPricesVnd('áo dưới 200k, quần 1tr5 nha').map((p) => p.value)).toEqual([200_000, 1_500_000]);
    expect(extractPricesVnd('từ 100 đến 300 nghìn')).toHaveLength(1);
    expect(extractPricesVnd('năm 2024 gọi 0912345678, size 42')).toEqual([]);
    expect(extractPricesVnd('giá 1.500.000đ')[0]).toMatchObject({ value: 1_500_000, raw: '1.500.000đ', index: 4 });
  });
  it('normalises phone numbers', () => {
    expect(normalizePhone('0912 345 678')).toBe('+84912345678');
    expect(normalizePhone('+84 912.345.678')).toBe('+84912345678');
    expect(normalizePhone('84912345678')).toBe('+84912345678');
    expect(normalizePhone('(028) 3823 4567')).toBe('+842838234567');
    expect(normalizePhone('0112345678')).toBeUndefined();
    expect(normalizePhone('12345')).toBeUndefined();
    expect(extractPhones('gọi 0912.345.678 hoặc +84 28 3823 4567, lại 0912345678')).toEqual([
      '+84912345678',
      '+842838234567',
    ]);
  });
});
