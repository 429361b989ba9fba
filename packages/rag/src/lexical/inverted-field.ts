/**
 * Compressed-sparse-row postings for one BM25 field.
 */

/** A term's postings: parallel document numbers and term frequencies. */
export interface Postings {
  readonly docs: Int32Array;
  readonly tfs: Uint16Array;
}

/** Unigram ids stay below this, so a bigram key `a * BIGRAM_BASE + b` is an exact integer. */
const BIGRAM_BASE = 2 ** 26;

/**
 * One field's inverted index in compressed-sparse-row form over unigrams and bigrams of a token
 * list. Bigrams are keyed by their two unigram ids (numbers, not joined strings), and postings
 * live in two flat typed arrays, so 50,000 chunks index in seconds at a few bytes per posting.
 */
export class InvertedField {
  readonly lengths: Float32Array;
  readonly averageLength: number;
  private readonly unigrams = new Map<string, number>();
  private readonly bigrams = new Map<number, number>();
  private readonly offsets: Int32Array;
  private readonly docs: Int32Array;
  private readonly tfs: Uint16Array;

  constructor(documents: ReadonlyArray<readonly string[]>) {
    this.lengths = new Float32Array(documents.length);
    const df: number[] = [];
    const newId = (): number => {
      df.push(0);
      return df.length - 1;
    };
    // Pass 1: per document, sorted term ids with their frequencies, flattened.
    const pairTerms: number[] = [];
    const pairTfs: number[] = [];
    const docEnds = new Int32Array(documents.length);
    let total = 0;
    let unigramCount = 0;
    const unigramOf = new Map<string, number>(); // token → unigram ordinal (for bigram keys)
    documents.forEach((tokens, doc) => {
      const count = tokens.length === 0 ? 0 : tokens.length * 2 - 1;
      this.lengths[doc] = count;
      total += count;
      const termIds = new Int32Array(count);
      let previous = -1;
      for (let i = 0; i < tokens.length; i += 1) {
        const token = tokens[i]!;
        let id = this.unigrams.get(token);
        if (id === undefined) {
          id = newId();
          this.unigrams.set(token, id);
          unigramOf.set(token, unigramCount++);
        }
        termIds[i] = id;
        const ordinal = unigramOf.get(token)!;
        if (previous >= 0) {
          const key = previous * BIGRAM_BASE + ordinal;
          let bigram = this.bigrams.get(key);
          if (bigram === undefined) {
            bigram = newId();
            this.bigrams.set(key, bigram);
          }
          termIds[tokens.length + i - 1] = bigram;
        }
        previous = ordinal;
      }
      termIds.sort();
      for (let i = 0; i < termIds.length; ) {
        let j = i + 1;
        while (j < termIds.length && termIds[j] === termIds[i]) j += 1;
        pairTerms.push(termIds[i]!);
        pairTfs.push(Math.min(j - i, 65_535));
        df[termIds[i]!]! += 1;
        i = j;
      }
      docEnds[doc] = pairTerms.length;
    });
    this.ordinals = unigramOf;
    this.averageLength = documents.length > 0 ? total / documents.length : 0;
    // Pass 2: lay postings out term by term.
    this.offsets = new Int32Array(df.length + 1);
    for (let id = 0; id < df.length; id += 1) this.offsets[id + 1] = this.offsets[id]! + df[id]!;
    this.docs = new Int32Array(pairTerms.length);
    this.tfs = new Uint16Array(pairTerms.length);
    const cursor = this.offsets.slice(0, df.length);
    let start = 0;
    for (let doc = 0; doc < documents.length; doc += 1) {
      for (let k = start; k < docEnds[doc]!; k += 1) {
        const at = cursor[pairTerms[k]!]!++;
        this.docs[at] = doc;
        this.tfs[at] = pairTfs[k]!;
      }
      start = docEnds[doc]!;
    }
  }

  private readonly ordinals: Map<string, number>;

  /** Term id of a unigram or an `a_b` bigram, or `undefined` when the field never saw it. */
  private termId(term: string): number | undefined {
    const split = term.indexOf('_');
    if (split < 0) return this.unigrams.get(term);
    const a = this.ordinals.get(term.slice(0, split));
    const b = this.ordinals.get(term.slice(split + 1));
    return a === undefined || b === undefined ? undefined : this.bigrams.get(a * BIGRAM_BASE + b);
  }

  /** Distinct terms (unigrams and bigrams). */
  get size(): number {
    return this.unigrams.size + this.bigrams.size;
  }

  /** Every unigram (for building the diacritics vocabulary). */
  terms(): IterableIterator<string> {
    return this.unigrams.keys();
  }

  /** Documents and frequencies of a term (`word` or `word_word`), or `undefined`. */
  postings(term: string): Postings | undefined {
    const id = this.termId(term);
    if (id === undefined) return undefined;
    const from = this.offsets[id]!;
    const to = this.offsets[id + 1]!;
    return { docs: this.docs.subarray(from, to), tfs: this.tfs.subarray(from, to) };
  }
}
