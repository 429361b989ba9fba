import {
  expandAbbreviations,
  foldDiacritics,
  normalizeVietnamese,
  tokenizeSyllables,
  VIETNAMESE_SYNONYM_GROUPS,
} from '../text';

/**
 * Words that carry politeness, address or the question form rather than the topic ("ạ", "shop",
 * "có … không"): dropped before comparing questions or measuring relevance. Kept short on purpose:
 * once accents are folded many words collide ("mà"/"mã", "bạn"/"bán", "đó"/"đồ"), so those stay.
 */
const STOPWORDS = new Set(
  [
    'ạ', 'à', 'ơi', 'nhé', 'nha', 'nhỉ', 'vậy', 'thế', 'ok', 'dạ', 'vâng', 'em', 'anh', 'chị', 'mình', 'shop', 'ad',
    'admin', 'bên', 'cho', 'hỏi', 'với', 'thì', 'là', 'có', 'không', 'được', 'chưa', 'rồi', 'gì', 'nào', 'sao', 'muốn',
    'biết', 'này', 'kia', 'ấy', 'và', 'hay', 'hoặc', 'ở', 'tại', 'giúp', 'các', 'những', 'cái', 'lắm', 'quá', 'rất',
    'luôn', 'e', 'a', 'c',
  ].map((word) => foldDiacritics(word)),
);

/** Multi-word fillers removed before tokenising (folded). */
const STOP_PHRASES = ['bao nhieu', 'bao lau', 'nhu the nao', 'the nao', 'cam on', 'xin chao', 'vui long', 'cho em hoi', 'cho hoi'];

/** Synonym phrases mapped to their group's first member, longest first (accented form). */
const CANONICAL_PHRASES: Array<[string, string]> = VIETNAMESE_SYNONYM_GROUPS.flatMap((group) =>
  group.map((phrase): [string, string] => [phrase, group[0] ?? phrase]),
).sort((left, right) => right[0].length - left[0].length);

/**
 * The same mapping on accent-folded text, for customers typing without accents, restricted to
 * multi-word phrases: folded single words are ambiguous ("co" is "có" far more often than "cỡ").
 */
const FOLDED_CANONICAL_PHRASES: Array<[string, string]> = CANONICAL_PHRASES.filter(([phrase]) => phrase.includes(' ')).map(
  ([phrase, canonical]): [string, string] => [foldDiacritics(phrase), foldDiacritics(canonical)],
);

function replacePhrases(text: string, phrases: ReadonlyArray<[string, string]>): string {
  let padded = ` ${text} `;
  for (const [phrase, canonical] of phrases) {
    if (phrase !== canonical && padded.includes(` ${phrase} `)) padded = padded.split(` ${phrase} `).join(` ${canonical} `);
  }
  return padded.trim();
}

/** Normalised, abbreviation-expanded, accent-folded text: the form questions are compared in. */
export function canonicalText(text: string): string {
  return foldDiacritics(expandAbbreviations(normalizeVietnamese(text)));
}

/**
 * The topic words of a text: normalised, chat abbreviations expanded, synonyms mapped to one member
 * ("ship" → "giao hàng"), accents folded, fillers and stopwords dropped. Order-free.
 */
export function topicTokens(text: string): Set<string> {
  const cached = topicTokenCache.get(text);
  if (cached) return cached;
  const tokens = computeTopicTokens(text);
  // Knowledge chunks come back again and again: remember them (bounded; oldest entries go first).
  if (text.length > 4000) return tokens;
  if (topicTokenCache.size >= TOPIC_CACHE_SIZE) topicTokenCache.delete(topicTokenCache.keys().next().value as string);
  topicTokenCache.set(text, tokens);
  return tokens;
}

/** Bounded so the memo stays a few MB: chunks are 200–500 tokens. */
const TOPIC_CACHE_SIZE = 4_000;
const topicTokenCache = new Map<string, Set<string>>();

function computeTopicTokens(text: string): Set<string> {
  const expanded = tokenizeSyllables(expandAbbreviations(normalizeVietnamese(text)), { normalize: false }).join(' ');
  let folded = replacePhrases(foldDiacritics(replacePhrases(expanded, CANONICAL_PHRASES)), FOLDED_CANONICAL_PHRASES);
  folded = replacePhrases(folded, STOP_PHRASES.map((phrase): [string, string] => [phrase, '']));
  return new Set(folded.split(' ').filter((token) => token.length > 0 && !STOPWORDS.has(token)));
}

/** Jaccard similarity of two token sets (1 for two empty sets). */
export function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const token of left) if (right.has(token)) shared++;
  return shared / (left.size + right.size - shared);
}

/** Share of `query`'s tokens found in `text`'s (0 when the query has none). */
export function coverage(query: ReadonlySet<string>, text: ReadonlySet<string>): number {
  if (query.size === 0) return 0;
  let shared = 0;
  for (const token of query) if (text.has(token)) shared++;
  return shared / query.size;
}

/**
 * True when two questions differ in a token that usually changes the answer: a number, a size or
 * another one-letter variant ("size M" vs "size L", "2 cái" vs "3 cái"). Such pairs are never
 * treated as the same question, however similar the rest is.
 */
export function differsInVariant(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  const isVariant = (token: string) => /\d/.test(token) || token.length === 1;
  for (const token of left) if (!right.has(token) && isVariant(token)) return true;
  for (const token of right) if (!left.has(token) && isVariant(token)) return true;
  return false;
}

const REFERENCE_WORDS = /(^| )(no|cai (do|nay|kia)|(san pham|mon|loai|mau|con|bo) (do|nay|kia|tren)|vua roi|o tren|luc nay)( |$)/;

/**
 * True when a question points back at the conversation ("sản phẩm đó giá bao nhiêu?", "nó còn
 * không?"): its answer depends on context, so it is neither served from nor written to the answer
 * cache, and retrieval also uses the previous customer message.
 */
export function isContextDependent(text: string): boolean {
  return REFERENCE_WORDS.test(canonicalText(text));
}

/** Cosine similarity of two vectors of the same length. */
export function cosine(left: readonly number[], right: readonly number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index++) {
    const a = left[index] ?? 0;
    const b = right[index] ?? 0;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}

/** A fast 53-bit string hash (cyrb53), hex: short cache keys without Node-only crypto. */
export function hashText(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}

/** Rough token count for budgets and reservations (about 3 characters per token for Vietnamese). */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 3);
}

const VIETNAMESE_LETTERS = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/i;
const ENGLISH_WORDS = new Set(['what', 'how', 'do', 'does', 'you', 'your', 'is', 'are', 'the', 'can', 'i', 'when', 'where', 'which', 'have', 'much', 'many', 'price', 'open', 'ship', 'to', 'for', 'of']);

/**
 * True for a question typed in English (no Vietnamese letters, at least two common English words).
 * Lexical overlap with Vietnamese knowledge means little then, so the engine trusts the
 * retriever's own relevance threshold (a dense arm finds cross-language matches) and lets the
 * model answer in English rather than sending a Vietnamese FAQ answer as is.
 */
export function looksLikeEnglish(text: string): boolean {
  if (VIETNAMESE_LETTERS.test(text)) return false;
  const words = text.toLowerCase().split(/[^a-z']+/).filter(Boolean);
  return words.filter((word) => ENGLISH_WORDS.has(word)).length >= 2;
}
