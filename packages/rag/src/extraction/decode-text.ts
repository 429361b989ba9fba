import { UnprocessableError } from '@agent-chatbot/core';
import iconv from 'iconv-lite';

/** Decoded text and the encoding it was read as. */
export interface DecodedText {
  /** The decoded text (NFC). */
  readonly text: string;
  /** The encoding detected. */
  readonly encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1258' | 'tcvn3';
}

/** Onset + one of Vietnamese's vowel nuclei + coda, tones removed. */
const SYLLABLE = new RegExp(
  '^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?' +
    '(uyê|uyu|uya|uây|uôi|ươi|ươu|iêu|yêu|oai|oay|oeo|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|[aăâeêioôơuưy])' +
    '(ch|ng|nh|[cmnpt])?$',
);

/** Share of words that are well-formed Vietnamese syllables (tones ignored): picks legacy decodings. */
function vietnameseScore(text: string): number {
  const words = text.match(/\S+/g) ?? [];
  if (words.length === 0) return 0;
  let good = 0;
  for (const word of words.slice(0, 5000)) {
    // Capitals inside a word ("hỔnh") are what a wrong code page produces.
    if (/\p{Ll}\p{Lu}/u.test(word)) continue;
    const bare = word.toLowerCase().normalize('NFD').replace(/[\u0300\u0301\u0303\u0309\u0323]/g, '').normalize('NFC');
    if (SYLLABLE.test(bare.replace(/[.,;:!?()"'“”]/g, ''))) good += 1;
  }
  return good / Math.min(words.length, 5000);
}

/** UTF-16 without a BOM shows up as a zero byte in every other position for Latin text. */
function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const sample = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (sample < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenZeros += 1;
    if (bytes[i + 1] === 0) oddZeros += 1;
  }
  const pairs = sample / 2;
  if (oddZeros / pairs > 0.3 && evenZeros / pairs < 0.05) return 'utf-16le';
  if (evenZeros / pairs > 0.3 && oddZeros / pairs < 0.05) return 'utf-16be';
  return undefined;
}

/** VNI stores a tone as a second Latin-1 byte after the vowel ("Vieät Nam"); detect, don't guess. */
function looksLikeVni(text: string): boolean {
  const hits = text.match(/[aeiouyAEIOUY][øùûõïâêôöÙØÛÕÏÂÊÔÖ]/g)?.length ?? 0;
  const words = text.match(/\S+/g)?.length ?? 1;
  return hits / words > 0.15;
}

/**
 * Decodes text bytes: BOMs first (UTF-8 as Excel writes it, UTF-16 LE/BE), then strict UTF-8,
 * then the legacy Vietnamese code pages (Windows-1258, TCVN3), choosing the one that yields
 * well-formed Vietnamese syllables. VNI files are recognised and rejected with advice to
 * convert them, since they cannot be told apart from Western text reliably enough to convert.
 */
export function decodeText(bytes: Uint8Array, name = 'file'): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(Buffer.from(bytes.subarray(2)), 'utf16-be'), encoding: 'utf-16be' };
  const utf16 = guessUtf16(bytes);
  if (utf16 === 'utf-16le') return { text: new TextDecoder('utf-16le').decode(bytes), encoding: utf16 };
  if (utf16 === 'utf-16be') return { text: iconv.decode(Buffer.from(bytes), 'utf16-be'), encoding: utf16 };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text, encoding: 'utf-8' };
  } catch {
    // Not UTF-8: a legacy code page.
  }
  const buffer = Buffer.from(bytes);
  const windows1258 = iconv.decode(buffer, 'windows1258').normalize('NFC');
  if (looksLikeVni(iconv.decode(buffer, 'windows1252'))) {
    throw new UnprocessableError(
      `File "${name}" looks VNI-encoded; convert it to Unicode (e.g. with Unikey's converter) and upload again`,
      `Tệp "${name}" có vẻ dùng bảng mã VNI; hãy chuyển sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi tải lên lại`,
      { code: 'legacy_encoding', details: { file: name, encoding: 'vni' } },
    );
  }
  const tcvn3 = iconv.decode(buffer, 'tcvn').normalize('NFC');
  return vietnameseScore(tcvn3) > vietnameseScore(windows1258)
    ? { text: tcvn3, encoding: 'tcvn3' }
    : { text: windows1258, encoding: 'windows-1258' };
}
