/**
 * Vietnamese Unicode normalisation: NFC, one tone-mark placement, lower case, tidy whitespace.
 *
 * Vietnamese keyboards and fonts disagree on where the tone mark sits in `oa`, `oe` and `uy`
 * ("hoà" vs "hòa", "thuỷ" vs "thủy", "khoẻ" vs "khỏe"), and some tools emit decomposed (NFD)
 * text. Without one canonical form the same word becomes two different search terms.
 */

/** Combining tone marks (grave, acute, tilde, hook above, dot below), as they appear after NFD. */
const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);
/** Combining marks that make a different vowel (circumflex, breve, horn). */
const VOWEL_MODIFIERS = new Set(['\u0302', '\u0306', '\u031B']);
const PLAIN_VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
/** A run of letters and the combining marks NFD produces for them. */
const WORD_PATTERN = /[\p{L}\p{M}]+/gu;

interface Letter {
  /** The base letter, lower-cased for analysis. */
  readonly base: string;
  /** The base letter as written (case preserved). */
  readonly original: string;
  /** Vowel modifiers (hat, breve, horn) attached to it. */
  readonly modifiers: string;
}

/**
 * Moves the tone mark of one syllable to its canonical vowel (the "classic" placement used by
 * most Vietnamese text: `hòa`, `thủy`, `khỏe`, `hoàng`, `thuyền`, `quả`, `già`).
 * Returns the word unchanged when it is not a single Vietnamese syllable with one tone mark.
 */
function placeToneMark(word: string): string {
  const decomposed = word.normalize('NFD');
  const letters: Letter[] = [];
  let tone: string | undefined;
  for (const char of decomposed) {
    if (TONE_MARKS.has(char)) {
      if (tone !== undefined) return word; // two tones: not one Vietnamese syllable, leave it
      tone = char;
    } else if (VOWEL_MODIFIERS.has(char)) {
      const last = letters.pop();
      if (!last) return word;
      letters.push({ ...last, modifiers: last.modifiers + char });
    } else if (/\p{M}/u.test(char)) {
      return word; // some other mark: not Vietnamese
    } else {
      letters.push({ base: char.toLowerCase(), original: char, modifiers: '' });
    }
  }
  if (tone === undefined) return word;

  const isVowel = (letter: Letter): boolean => PLAIN_VOWELS.has(letter.base);
  let start = 0;
  while (start < letters.length && !isVowel(letters[start]!)) start += 1;
  let end = start;
  while (end < letters.length && isVowel(letters[end]!)) end += 1;
  // A syllable has exactly one vowel run; anything else is a foreign word or a typo.
  for (let rest = end; rest < letters.length; rest += 1) if (isVowel(letters[rest]!)) return word;
  if (start >= letters.length) return word;

  // "qu" and "gi" (before another vowel) belong to the onset, not the vowel nucleus.
  const onset = letters.slice(0, start).map((l) => l.base).join('');
  if (end - start >= 2) {
    const first = letters[start]!;
    if ((onset === 'q' && first.base === 'u') || (onset === 'g' && first.base === 'i' && first.modifiers === '')) {
      start += 1;
    }
  }
  const hasCoda = end < letters.length;
  const nucleus = letters.slice(start, end);
  let target: number;
  const modified = nucleus.map((l, i) => (l.modifiers ? i : -1)).filter((i) => i >= 0);
  if (modified.length > 0) {
    // A modified vowel always carries the tone; in "ươ" it is the second one (ơ).
    target = modified[modified.length - 1]!;
  } else if (nucleus.length === 1) {
    target = 0;
  } else if (nucleus.length >= 3) {
    target = 1;
  } else {
    target = hasCoda ? 1 : 0;
  }

  let out = '';
  letters.forEach((letter, index) => {
    out += letter.original + letter.modifiers;
    if (index === start + target) out += tone;
  });
  return out.normalize('NFC');
}

/**
 * Puts every tone mark in `text` in its canonical place without changing anything else
 * (case and spacing are kept). `"Hoà thuỷ khoẻ"` → `"Hòa thủy khỏe"`.
 */
export function normalizeToneMarks(text: string): string {
  return text.normalize('NFC').replace(WORD_PATTERN, (word) => {
    // Fast path: plain ASCII words carry no tone marks.
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7F]*$/.test(word)) return word;
    // Vietnamese has a few thousand syllables: each is placed once, then looked up (a shop's
    // catalogue of tens of MB spent ~12 s placing the same syllables again and again). Longer
    // words are not syllables (foreign words, run-together text): placed without being kept.
    if (word.length > MAX_SYLLABLE_LENGTH) return placeToneMark(word);
    let placed = placedSyllables.get(word);
    if (placed === undefined) {
      placed = placeToneMark(word);
      if (placedSyllables.size >= MAX_PLACED_SYLLABLES) placedSyllables.clear();
      placedSyllables.set(word, placed);
    }
    return placed;
  });
}

/** Words (as written, case kept) → their canonical tone placement; bounded, emptied when full. */
const placedSyllables = new Map<string, string>();
const MAX_PLACED_SYLLABLES = 50_000;
/** Longest word kept there: a Vietnamese syllable has at most 7 letters ("nghiêng", "nghiệng"). */
const MAX_SYLLABLE_LENGTH = 12;

/**
 * Canonical Vietnamese text for comparison and search: Unicode NFC, one tone-mark placement,
 * lower case, zero-width characters removed, whitespace collapsed to single spaces and trimmed.
 *
 * @example
 * ```ts
 * normalizeVietnamese('  Sức KHOẺ  và  Hoà bình ') // 'sức khỏe và hòa bình'
 * ```
 */
export function normalizeVietnamese(text: string): string {
  return remembered(normalizedShort, text, 512, () => {
    const cleaned = text.replace(/[\u200B-\u200D\uFEFF\u00AD]/g, '').replace(/\u00A0/g, ' ');
    return normalizeToneMarks(cleaned).toLowerCase().replace(/\s+/g, ' ').trim();
  });
}

/**
 * Removes every Vietnamese diacritic — tones, hats, breves, horns — and maps `đ`/`Đ` to `d`/`D`,
 * so text typed without accents matches text with them. Case is kept.
 *
 * @example
 * ```ts
 * foldDiacritics('Đường phố Hà Nội') // 'Duong pho Ha Noi'
 * ```
 */
export function foldDiacritics(text: string): string {
  return remembered(foldedShort, text, 64, () =>
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036F]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .normalize('NFC'),
  );
}

// A customer's question is normalised and folded several times per turn (handoff keywords, small
// talk, the lexical query, its tokens and synonyms): short inputs are remembered. Both functions
// are pure; the maps are bounded (emptied when full) and long texts (documents) are never kept.
const normalizedShort = new Map<string, string>();
const foldedShort = new Map<string, string>();
const MAX_REMEMBERED = 4096;

function remembered(memo: Map<string, string>, text: string, maxLength: number, compute: () => string): string {
  if (text.length > maxLength) return compute();
  let value = memo.get(text);
  if (value === undefined) {
    value = compute();
    if (memo.size >= MAX_REMEMBERED) memo.clear();
    memo.set(text, value);
  }
  return value;
}
