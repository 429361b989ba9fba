import {
  expandAbbreviations,
  foldDiacritics,
  normalizeVietnamese,
  syllableBigrams,
  tokenizeSyllables,
  VIETNAMESE_ABBREVIATIONS as BUILTIN_ABBREVIATIONS,
  VIETNAMESE_SYNONYM_GROUPS,
} from '@agent-chatbot/core';
import { isStopword } from './stopwords';

/** Terms of one text for the two BM25 fields: accented and accent-folded (unigrams + bigrams). */
export interface AnalyzedText {
  /** Tokens with diacritics kept. */
  readonly accented: string[];
  /** Tokens with diacritics removed. */
  readonly folded: string[];
}

/** Options for {@link analyzeQuery}. */
export interface QueryAnalysisOptions {
  /** Tenant-specific abbreviations, merged over the built-in table. */
  readonly abbreviations?: Readonly<Record<string, string>>;
  /** Add synonym-group members ("ship" → "giao hàng") to the query (default true). */
  readonly synonyms?: boolean;
}

/** Accented syllable tokens of a document, normalised (NFC, one tone placement, lower case). */
export function documentTokens(text: string): string[] {
  return tokenizeSyllables(text);
}

/** Folded forms of syllables seen so far: the vocabulary is small, folding is not free. */
const foldCache = new Map<string, string>();

/** {@link foldDiacritics} for one token, memoised (bounded). */
export function foldToken(token: string): string {
  let folded = foldCache.get(token);
  if (folded === undefined) {
    // eslint-disable-next-line no-control-regex
    folded = /^[\x00-\x7F]*$/.test(token) ? token : foldDiacritics(token);
    if (foldCache.size > 200_000) foldCache.clear();
    foldCache.set(token, folded);
  }
  return folded;
}

const Y_TO_I: Readonly<Record<string, string>> = { y: 'i', 'ý': 'í', 'ỳ': 'ì', 'ỷ': 'ỉ', 'ỹ': 'ĩ', 'ỵ': 'ị' };
const CONSONANT_THEN_Y = /^(b|c|d|đ|g|h|k|l|m|n|p|qu|r|s|t|v|x|ph|th|tr|ch|nh|kh|gh|ng|ngh)([yýỳỷỹỵ])$/;

/**
 * One spelling for syllables Vietnamese writes with either i or y after a consonant: "sỹ"/"sĩ",
 * "kỹ"/"kĩ", "lý"/"lí", "mỹ"/"mĩ", "quý"/"quí", "tỷ"/"tỉ" (both spellings are in use; the
 * 1984 and later rules disagree). A lone "y"/"ý" ("y tế", "ý kiến") and vowel clusters ("tay",
 * "uy") are not touched. Applied to documents and questions alike, for search only.
 */
export function canonicalSpelling(token: string): string {
  const match = CONSONANT_THEN_Y.exec(token);
  return match ? `${match[1]}${Y_TO_I[match[2]!]}` : token;
}

/**
 * A document's syllables for both BM25 fields (the index derives unigrams and bigrams itself).
 * Tokens never contain `_`, which marks a bigram in query terms.
 */
export function analyzeDocumentTokens(tokens: readonly string[]): { accented: readonly string[]; folded: string[] } {
  const analysed = tokens.map(analyzeSyllable);
  return { accented: analysed.map((terms) => terms.accented), folded: analysed.map((terms) => terms.folded) };
}

/** One syllable's terms for the two fields: its one spelling, and that spelling accent-folded. */
export function analyzeSyllable(token: string): { accented: string; folded: string } {
  const accented = canonicalSpelling(token);
  return { accented, folded: foldToken(accented) };
}

/** A query split into syllables, before it becomes BM25 terms. */
export interface QueryTokens {
  /** Normalised syllables with abbreviations expanded. */
  readonly tokens: string[];
  /** True when the person typed no diacritics at all (restoration may help the accented field). */
  readonly unaccented: boolean;
  /** Abbreviations of three letters or more as typed ("hcm", "cod"), searched besides their expansion. */
  readonly originals: string[];
}

/** Normalises a query, expands chat abbreviations and says whether it was typed without accents. */
export function tokenizeQuery(query: string, options: QueryAnalysisOptions = {}): QueryTokens {
  const raw = tokenizeSyllables(normalizeVietnamese(query), { normalize: false });
  const unaccented = raw.every((token) => foldDiacritics(token) === token);
  const table = options.abbreviations ? { ...BUILTIN_ABBREVIATIONS, ...options.abbreviations } : BUILTIN_ABBREVIATIONS;
  const tokens = expandAbbreviations(raw, table).map(canonicalSpelling);
  // Keep longer abbreviations too: documents write "TP.HCM" and "COD" as often as the full words.
  const originals = raw.filter((token) => token.length >= 3 && Object.hasOwn(table, token) && table[token] !== token);
  return { tokens, unaccented, originals };
}

/**
 * Terms of a query for both fields: question filler ("cho em hỏi", "ạ") is dropped from unigrams
 * (bigrams still span it, so phrases keep their order) and synonyms are added. `accentedTokens`
 * replaces the tokens for the accented field (diacritics restored for an unaccented question).
 */
export function queryTerms(
  query: QueryTokens,
  options: QueryAnalysisOptions = {},
  accentedTokens: readonly string[] = query.tokens,
): AnalyzedText {
  const { tokens } = query;
  const synonyms = options.synonyms === false ? { accented: [], folded: [] } : synonymTerms(tokens);
  const keep = tokens.map((token) => !isStopword(token));
  const anyKept = keep.some(Boolean);
  const unigrams = (list: readonly string[]): string[] =>
    anyKept ? list.filter((_, i) => keep[i] !== false) : [...list];
  const folded = tokens.map((token) => foldDiacritics(token));
  return {
    accented: [...unigrams(accentedTokens), ...syllableBigrams(accentedTokens), ...query.originals, ...synonyms.accented],
    folded: [
      ...unigrams(folded),
      ...syllableBigrams(folded),
      ...query.originals.map((token) => foldDiacritics(token)),
      ...synonyms.folded,
    ],
  };
}

/**
 * Synonym-group members for a query. A phrase matches as written (accented) or, when it has two
 * syllables or more, also without accents ("ban si" finds "bán sỉ"/"bán buôn"); one folded
 * syllable is too ambiguous ("co" is có, cô or cỡ). Accented members feed the accented field.
 */
function synonymTerms(tokens: readonly string[]): { accented: string[]; folded: string[] } {
  const accentedText = ` ${tokens.join(' ')} `;
  const foldedText = ` ${tokens.map((token) => foldDiacritics(token)).join(' ')} `;
  const accented: string[] = [];
  for (const group of VIETNAMESE_SYNONYM_GROUPS) {
    const hit = group.findIndex(
      (phrase) => accentedText.includes(` ${phrase} `) || (phrase.includes(' ') && foldedText.includes(` ${foldDiacritics(phrase)} `)),
    );
    if (hit >= 0) group.forEach((phrase, i) => i !== hit && accented.push(...phrase.split(' ')));
  }
  return { accented, folded: accented.map((token) => foldDiacritics(token)) };
}

/** {@link tokenizeQuery} then {@link queryTerms}, without diacritic restoration. */
export function analyzeQuery(query: string, options: QueryAnalysisOptions = {}): AnalyzedText {
  return queryTerms(tokenizeQuery(query, options), options);
}
