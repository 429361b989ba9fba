import { foldDiacritics, normalizeVietnamese } from '../text';
import { canonicalText } from './text-similarity';

/** The tier a question goes to first, and why. */
export interface TierChoice {
  /** The chosen model tier. */
  readonly tier: 'cheap' | 'premium';
  /** Why that tier was chosen (stored on the message). */
  readonly reason: 'default-cheap' | 'tenant-premium' | 'request-premium' | 'request-cheap' | 'long-question' | 'multi-part';
}

const QUESTION_WORDS = /\b(bao nhieu|bao lau|may|gi|nao|sao|o dau|khi nao|co .{1,40}? khong|duoc khong|chua|the nao|nhu the nao|ntn)\b/g;

/**
 * True for a question with several parts: two or more question marks, a numbered list, or two
 * sentences/clauses that each ask something ("giá bao nhiêu, ship mấy ngày và có bảo hành không").
 */
export function isMultiPart(text: string): boolean {
  if ((text.match(/\?/g) ?? []).length >= 2) return true;
  if (/(^|\n)\s*(\d+[.)]|-|•)\s+\S/.test(text) && /(\n\s*(\d+[.)]|-|•)\s+\S[\s\S]*){2,}/.test(`\n${text}`)) return true;
  // Split before expanding abbreviations: expansion drops the punctuation that separates clauses.
  const clauses = ` ${foldDiacritics(normalizeVietnamese(text))} `.split(/[,;.!?\n]| va | voi lai | con nua | ngoai ra /);
  return clauses.filter((clause) => clause.trim() && (canonicalText(clause).match(QUESTION_WORDS) ?? []).length > 0).length >= 2;
}

/**
 * Chooses the first tier: the request's choice, then the tenant's premium tier, then premium for
 * long or multi-part questions, otherwise cheap.
 */
export function chooseTier(options: {
  question: string;
  tenantTier: 'cheap' | 'premium';
  requestTier?: 'cheap' | 'premium';
  longQuestionChars: number;
}): TierChoice {
  if (options.requestTier) return { tier: options.requestTier, reason: options.requestTier === 'premium' ? 'request-premium' : 'request-cheap' };
  if (options.tenantTier === 'premium') return { tier: 'premium', reason: 'tenant-premium' };
  if (options.question.length > options.longQuestionChars) return { tier: 'premium', reason: 'long-question' };
  if (isMultiPart(options.question)) return { tier: 'premium', reason: 'multi-part' };
  return { tier: 'cheap', reason: 'default-cheap' };
}

/** True when the text asks for a person: a handoff keyword, compared without accents or case. */
export function asksForHuman(text: string, keywords: ReadonlyArray<string>): boolean {
  const haystack = ` ${folded(text)} `;
  return foldedKeywords(keywords).some((needle) => haystack.includes(` ${needle} `));
}

/** Keyword lists folded once per list (a persona's list lives as long as its engine). */
const foldedKeywordLists = new WeakMap<ReadonlyArray<string>, string[]>();

function foldedKeywords(keywords: ReadonlyArray<string>): string[] {
  let needles = foldedKeywordLists.get(keywords);
  if (!needles) {
    needles = keywords.map(folded).filter((needle) => needle.length > 0);
    foldedKeywordLists.set(keywords, needles);
  }
  return needles;
}

const ADDRESS = ['shop', 'ad', 'admin', 'ban', 'em', 'anh', 'chi', 'a', 'oi', 'nha', 'nhe', 'nhieu', 'roi', 'ah'];
const GREETING_WORDS = new Set(['xin', 'chao', 'hi', 'hello', 'helo', 'alo', 'hey', 'lo', ...ADDRESS]);
const THANKS_WORDS = new Set(['cam', 'on', 'thank', 'thanks', 'you', 'tks', 'ok', 'oke', 'okie', 'vang', 'da', 'duoc', 'vay', 'thoi', 'biet', ...ADDRESS]);
const AFFIRMATIVE = /^(co|co a|co nhe|co nha|da co|vang|vang a|ok|oke|u|uh|uhm|dong y|yes|duoc|dc|gap|can|co can)( (a|nhe|nha|shop|em))*$/;

function folded(text: string): string {
  return foldDiacritics(normalizeVietnamese(text)).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** A message that only greets ("chào shop", "alo") or only thanks ("ok cảm ơn shop"). */
export function smallTalk(text: string): 'greeting' | 'thanks' | undefined {
  const words = folded(text).split(' ').filter(Boolean);
  if (words.length === 0 || words.length > 8) return undefined;
  const joined = ` ${words.join(' ')} `;
  if (words.every((word) => GREETING_WORDS.has(word)) && /( chao | hi | hello | helo | alo | hey | a lo | oi )/.test(joined)) return 'greeting';
  if (words.every((word) => THANKS_WORDS.has(word)) && /( cam on | thank| tks | ok | oke | okie )/.test(joined)) return 'thanks';
  return undefined;
}

/** A short yes ("có", "ok", "vâng ạ"): after the bot offered a person, it accepts the offer. */
export function isAffirmative(text: string): boolean {
  return AFFIRMATIVE.test(folded(text));
}
