/**
 * Vietnamese text kit: normalisation, accent folding, syllable tokens, chat abbreviations,
 * prices, phones and numbers. Dependency-free.
 */
export { normalizeVietnamese, normalizeToneMarks, foldDiacritics } from './normalize-vietnamese';
export { tokenizeSyllables, syllableBigrams, type TokenizeOptions } from './tokenize';
export {
  expandAbbreviations,
  expandSynonyms,
  VIETNAMESE_ABBREVIATIONS,
  VIETNAMESE_SYNONYM_GROUPS,
} from './abbreviations';
export {
  parseNumberVi,
  parsePriceVnd,
  extractPricesVnd,
  normalizePhone,
  extractPhones,
  type PriceMatchVnd,
} from './numbers';
export { splitText } from './split-text';
