/**
 * Groups customer questions by meaning, cheaply and in Vietnamese: each question is normalised
 * (core text kit: NFC, lower case, chat abbreviations expanded, diacritics folded, shop synonyms
 * mapped to one phrase, filler words such as "shop", "ạ", "vậy" dropped), turned into a set of
 * syllables and syllable bigrams, and questions whose sets overlap enough (Jaccard ≥ threshold)
 * join the same group. Greedy and deterministic: the most frequent wordings lead their groups.
 */
import { expandAbbreviations, foldDiacritics, tokenizeSyllables, VIETNAMESE_SYNONYM_GROUPS } from '@agent-chatbot/core';

/**
 * Words that carry no meaning of their own in a customer question (greetings, particles, forms of
 * address, question words), folded. "bao nhiêu" is a question word too: "giá bao nhiêu" and
 * "bao nhiêu tiền" both ask the price, which the synonym step names `gia`.
 */
const FILLER = new Set(
  [
    'shop', 'ad', 'admin', 'oi', 'a', 'ah', 'nhe', 'nha', 'nhi', 'vay', 'the', 'ko', 'khong', 'chua', 'di', 'em', 'anh', 'chi',
    'ban', 'minh', 'toi', 'to', 'cho', 'hoi', 'xin', 'chao', 'alo', 'hello', 'hi', 'la', 'thi', 'co', 'duoc', 'khi', 'nao', 'gi', 'sao',
    'bao', 'nhieu', 'nhu', 'ntn', 'voi', 'cua', 'de', 'va', 'o', 'day', 'vui', 'long', 'giup', 'oke', 'ok', 'dc', 'u', 'e', 'c',
    'can', 'muon', 'biet', 'rang', 'nay', 'kia', 'ne',
  ],
);

/**
 * Canonical concept per synonym phrase, longest phrases first so they win. Phrases are matched as
 * written (with accents) and, when they have two syllables or more, also folded: a folded single
 * syllable is too ambiguous ("co" is both "có" and "cỡ").
 */
const CONCEPTS: ReadonlyArray<{ phrase: string; folded: string | undefined; concept: string }> = VIETNAMESE_SYNONYM_GROUPS.flatMap((group) => {
  const concept = foldDiacritics(group[0]!).replace(/ /g, '_');
  return group.map((phrase) => ({ phrase, folded: phrase.includes(' ') ? foldDiacritics(phrase) : undefined, concept }));
}).sort((x, y) => y.phrase.length - x.phrase.length);

const replacePhrase = (joined: string, phrase: string, concept: string): string =>
  joined.includes(` ${phrase} `) ? joined.split(` ${phrase} `).join(` ${concept} `) : joined;

/**
 * The meaning-bearing tokens of a question: normalised, abbreviations expanded, synonym phrases
 * replaced by one concept token, diacritics folded, filler removed. Falls back to the folded
 * tokens when only filler is left (a bare "alo shop ơi" still groups with itself).
 *
 * @example
 * ```ts
 * questionTokens('Giá bao nhiêu vậy shop?') // ['gia']
 * questionTokens('bn tien z shop') // ['gia']
 * ```
 */
export function questionTokens(text: string): string[] {
  let joined = ` ${expandAbbreviations(tokenizeSyllables(text)).join(' ')} `;
  for (const { phrase, concept } of CONCEPTS) joined = replacePhrase(joined, phrase, concept);
  joined = ` ${joined.trim().split(' ').map((token) => foldDiacritics(token)).join(' ')} `;
  for (const { folded, concept } of CONCEPTS) if (folded !== undefined) joined = replacePhrase(joined, folded, concept);
  const tokens = joined.trim().split(' ').filter((token) => token.length > 0);
  const meaningful = tokens.filter((token) => !FILLER.has(token));
  return meaningful.length > 0 ? meaningful : tokens;
}

/** The comparison set of a question: its tokens and adjacent-token bigrams. */
export function questionFeatures(text: string): Set<string> {
  const tokens = questionTokens(text);
  const features = new Set(tokens);
  for (let i = 0; i + 1 < tokens.length; i += 1) features.add(`${tokens[i]} ${tokens[i + 1]}`);
  return features;
}

/** |a ∩ b| / |a ∪ b|; two empty sets are identical (1). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/** One question as asked (a customer message). */
export interface AskedQuestion<T = unknown> {
  readonly text: string;
  /** When it was asked (the latest occurrence leads `examples`). */
  readonly at: Date;
  /** Anything the caller wants back with the group (message id, conversation id…). */
  readonly ref?: T;
}

/** A group of questions with the same meaning. */
export interface QuestionCluster<T = unknown> {
  /** The most frequent wording in the group (ties: the most recent). */
  readonly label: string;
  /** How many questions the group holds. */
  readonly count: number;
  /** Up to `maxExamples` distinct wordings, most frequent first. */
  readonly examples: string[];
  readonly lastAskedAt: Date;
  /** The `ref` of the most recent question of the group. */
  readonly latestRef: T | undefined;
  /** The group's comparison set (its leader's). */
  readonly features: ReadonlySet<string>;
}

/** Options of {@link clusterQuestions}. */
export interface ClusterOptions {
  /** Minimum Jaccard similarity to join a group (default 0.5). */
  readonly threshold?: number;
  /** Distinct wordings kept per group (default 3). */
  readonly maxExamples?: number;
}

/**
 * Groups questions by meaning, largest groups first (ties: most recent first).
 *
 * @example
 * ```ts
 * clusterQuestions([{ text: 'giá bao nhiêu', at }, { text: 'gia bao nhieu', at }, { text: 'bao nhiêu tiền vậy shop', at }])
 * // → one group of 3
 * ```
 */
export function clusterQuestions<T>(questions: readonly AskedQuestion<T>[], options: ClusterOptions = {}): QuestionCluster<T>[] {
  const threshold = options.threshold ?? 0.5;
  const maxExamples = options.maxExamples ?? 3;
  // Identical wordings (after normalisation of spacing and case) first, counted.
  const wordings = new Map<string, { text: string; count: number; at: Date; ref: T | undefined }>();
  for (const question of questions) {
    const text = question.text.replace(/\s+/g, ' ').trim();
    if (text.length === 0) continue;
    const key = text.toLowerCase();
    const seen = wordings.get(key);
    if (!seen) wordings.set(key, { text, count: 1, at: question.at, ref: question.ref });
    else {
      seen.count += 1;
      if (question.at > seen.at) Object.assign(seen, { at: question.at, ref: question.ref, text });
    }
  }
  const ordered = [...wordings.values()].sort((x, y) => y.count - x.count || y.at.getTime() - x.at.getTime() || x.text.localeCompare(y.text));
  const groups: Array<{ features: Set<string>; members: typeof ordered }> = [];
  for (const wording of ordered) {
    const features = questionFeatures(wording.text);
    let best: (typeof groups)[number] | undefined;
    let bestScore = threshold;
    for (const group of groups) {
      const score = jaccard(features, group.features);
      if (score >= bestScore && (best === undefined || score > bestScore)) {
        best = group;
        bestScore = score;
      }
    }
    if (best) best.members.push(wording);
    else groups.push({ features, members: [wording] });
  }
  return groups
    .map((group) => {
      const latest = group.members.reduce((x, y) => (y.at > x.at ? y : x));
      return {
        label: group.members[0]!.text,
        count: group.members.reduce((sum, member) => sum + member.count, 0),
        examples: group.members.slice(0, maxExamples).map((member) => member.text),
        lastAskedAt: latest.at,
        latestRef: latest.ref,
        features: group.features,
      };
    })
    .sort((x, y) => y.count - x.count || y.lastAskedAt.getTime() - x.lastAskedAt.getTime());
}
