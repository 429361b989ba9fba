import { foldDiacritics } from '@agent-chatbot/core';

/**
 * Vietnamese question filler: words that carry no topic in a customer's question ("cho em hỏi",
 * "ạ", "vậy", "không ạ"). They are dropped from query unigrams only; documents keep every word,
 * and query bigrams still span them.
 */
const STOPWORDS = new Set<string>([
  'à', 'ạ', 'ơi', 'nhé', 'nha', 'nhỉ', 'hả', 'hở', 'vậy', 'thế', 'đó', 'này', 'kia', 'ấy',
  'cho', 'em', 'mình', 'tôi', 'tớ', 'anh', 'chị', 'bạn', 'hỏi', 'xin', 'chào', 'cảm', 'ơn',
  'là', 'thì', 'mà', 'và', 'của', 'có', 'không', 'được', 'các', 'những', 'một', 'với', 'để',
  'thể', 'nào', 'gì', 'sao', 'bị', 'đã', 'đang', 'sẽ', 'rồi', 'cũng', 'nên', 'vì', 'nếu', 'khi',
  'ở', 'trong', 'ra', 'vào', 'lên', 'như', 'từ', 'thì', 'hay', 'hoặc', 'rất', 'lắm', 'quá',
  'ai', 'ạh', 'nhờ', 'giúp', 'vui', 'lòng', 'xem', 'biết', 'muốn', 'cần', 'phải', 'làm',
  'đúng', 'sai', 'thế', 'đó', 'do', 'về', 'nay',
]);

/**
 * Folded filler that is not also a common content syllable once accents are gone
 * ("ma" could be "ma túy", "co" could be "cô", so they are not here).
 */
const FOLDED_STOPWORDS = new Set<string>([
  'a', 'oi', 'nhe', 'nha', 'nhi', 'vay', 'the', 'do', 'nay', 'ay', 'cho', 'em', 'minh', 'toi',
  'anh', 'chi', 'ban', 'hoi', 'xin', 'chao', 'cam', 'on', 'la', 'thi', 'va', 'cua', 'khong', 'duoc',
  'cac', 'nhung', 'mot', 'voi', 'de', 'the', 'nao', 'gi', 'sao', 'da', 'dang', 'se', 'roi', 'cung',
  'nen', 'vi', 'neu', 'khi', 'o', 'trong', 'ra', 'vao', 'len', 'nhu', 'tu', 'hay', 'hoac', 'rat',
  'lam', 'qua', 'ai', 'nho', 'giup', 'xem', 'biet', 'muon', 'can', 'phai', 'dung', 'sai', 've',
]);

/**
 * Whether a normalised token is question filler: listed as is, or its accent-folded form is in
 * the folded list. Checking the folded form treats "bạn"/"ban" and "để"/"de" alike, so a
 * question typed with or without accents loses the same words.
 */
export function isStopword(token: string): boolean {
  const folded = foldDiacritics(token);
  return FOLDED_STOPWORDS.has(folded) || STOPWORDS.has(folded);
}
