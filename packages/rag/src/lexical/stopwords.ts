import { foldDiacritics } from '@agent-chatbot/core';

/**
 * Vietnamese question filler, accent-folded: words that carry no topic in a customer's question
 * ("cho em hỏi", "ạ", "vậy", "được không", "đúng hay sai"). They are dropped from query unigrams
 * only: documents keep every word and query bigrams still span them. Matching on the folded form
 * treats a question typed with and without accents alike. Folded syllables that are also common
 * content words are left out ("ma" may be "ma túy", "co" may be "cô" or "cỡ", "dau" may be "đau").
 * Chosen on ViCoV19QA training questions (see packages/rag/README.md).
 */
const FOLDED_STOPWORDS = new Set<string>([
  'a', 'oi', 'nhe', 'nha', 'nhi', 'vay', 'the', 'do', 'nay', 'ay', 'cho', 'em', 'minh', 'toi',
  'anh', 'chi', 'ban', 'hoi', 'xin', 'chao', 'cam', 'on', 'la', 'thi', 'va', 'cua', 'khong', 'duoc',
  'cac', 'nhung', 'mot', 'voi', 'de', 'nao', 'gi', 'sao', 'da', 'dang', 'se', 'roi', 'cung',
  'nen', 'vi', 'neu', 'khi', 'o', 'trong', 'ra', 'vao', 'len', 'nhu', 'tu', 'hay', 'hoac', 'rat',
  'lam', 'qua', 'ai', 'nho', 'giup', 'xem', 'biet', 'muon', 'can', 'phai', 'dung', 'sai', 've',
]);

/** Whether a normalised token (accented or not) is question filler. */
export function isStopword(token: string): boolean {
  return FOLDED_STOPWORDS.has(foldDiacritics(token));
}
