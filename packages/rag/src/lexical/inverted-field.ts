/**
 * Compressed-sparse-row postings for one BM25 field.
 */
import { STEP_DOCUMENTS, type Steps } from '../sliced';

/** A term's postings: parallel document numbers and term frequencies. */
export interface Postings {
  readonly docs: Int32Array;
  readonly tfs: Uint16Array;
}

/** Unigram ids stay below this, so a bigram key `a * BIGRAM_BASE + b` is an exact integer. */
export const BIGRAM_BASE = 2 ** 26;

/**
 * One field's inverted index in compressed-sparse-row form over unigrams and bigrams of a token
 * list. Bigrams are keyed by their two unigram ids (numbers, not joined strings), and postings
 * live in two flat typed arrays, so 50,000 chunks index in seconds at a few bytes per posting.
 */
export class InvertedField {
  readonly lengths: Float32Array;
  readonly averageLength: number;
  private readonly unigrams: Map<string, number>;
  private readonly bigrams: Map<number, number>;
  private readonly offsets: Int32Array;
  private readonly docs: Int32Array;
  private readonly tfs: Uint16Array;
  /** Token → unigram ordinal (the numbers bigram keys are made of). */
  private readonly ordinals: Map<string, number>;

  private constructor(built: BuiltField) {
    ({ lengths: this.lengths, averageLength: this.averageLength, unigrams: this.unigrams, bigrams: this.bigrams } = built);
    ({ offsets: this.offsets, docs: this.docs, tfs: this.tfs, ordinals: this.ordinals } = built);
  }

  /**
   * The field's build in steps, yielding every {@link STEP_DOCUMENTS} documents (see sliced.ts).
   * Each document is its tokens' ordinals in `vocabulary` (the field's distinct tokens, in the
   * order they first occur): numbers, so a token costs one lookup wherever it repeats.
   */
  static *steps(documents: ReadonlyArray<Int32Array>, vocabulary: readonly string[]): Steps<InvertedField> {
    return new InvertedField(yield* buildSteps(documents, vocabulary));
  }

  /** The field's parts, for its file encoding (bm25-file.ts): the field's own arrays and maps, not copies. */
  parts(): BuiltField {
    const { lengths, averageLength, unigrams, bigrams, offsets, docs, tfs, ordinals } = this;
    return { lengths, averageLength, unigrams, bigrams, offsets, docs, tfs, ordinals };
  }

  /** A field from parts {@link InvertedField.parts} gave (decoded from a file, checked by the caller). */
  static fromParts(parts: BuiltField): InvertedField {
    return new InvertedField(parts);
  }

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

/** What a build produces (the field's parts). */
export interface BuiltField {
  readonly lengths: Float32Array;
  readonly averageLength: number;
  readonly unigrams: Map<string, number>;
  readonly bigrams: Map<number, number>;
  readonly offsets: Int32Array;
  readonly docs: Int32Array;
  readonly tfs: Uint16Array;
  readonly ordinals: Map<string, number>;
}

/** The build of one field, yielding every {@link STEP_DOCUMENTS} documents of each pass. */
function* buildSteps(documents: ReadonlyArray<Int32Array>, vocabulary: readonly string[]): Steps<BuiltField> {
  const lengths = new Float32Array(documents.length);
  const bigrams = new Map<number, number>();
  /** Unigram term id of each vocabulary ordinal (-1: not given one yet). */
  const unigramIds = new Int32Array(vocabulary.length).fill(-1);
  // Per term id: document frequency, the last document it was seen in (+1) and its pair there.
  // Typed arrays grown by doubling, and pairs in arrays sized up front: a plain array pushed to
  // millions of entries was copied whole each time it grew (one copy held the event loop for
  // ~0.2 s on a 10,000-chunk tenant, and took 8 bytes per entry).
  let terms = 0;
  let df = new Int32Array(1024);
  let seenIn = new Int32Array(1024);
  let slotOf = new Int32Array(1024);
  const newId = (): number => {
    if (terms === df.length) {
      const grow = (array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
        const grown = new Int32Array(array.length * 2);
        grown.set(array);
        return grown;
      };
      [df, seenIn, slotOf] = [grow(df), grow(seenIn), grow(slotOf)];
    }
    return terms++;
  };
  let capacity = 0;
  for (const tokens of documents) capacity += tokens.length === 0 ? 0 : tokens.length * 2 - 1;
  // Pass 1: per document, its distinct term ids with their frequencies, flattened.
  const pairTerms = new Int32Array(capacity);
  const pairTfs = new Uint16Array(capacity);
  let pairs = 0;
  const docEnds = new Int32Array(documents.length);
  let total = 0;
  const count = (id: number, doc: number): void => {
    if (seenIn[id] !== doc + 1) {
      seenIn[id] = doc + 1;
      slotOf[id] = pairs;
      pairTerms[pairs] = id;
      pairTfs[pairs] = 1;
      df[id]! += 1;
      pairs += 1;
    } else if (pairTfs[slotOf[id]!]! < 65_535) {
      pairTfs[slotOf[id]!]! += 1;
    }
  };
  for (let doc = 0; doc < documents.length; doc += 1) {
    if (doc > 0 && doc % STEP_DOCUMENTS === 0) yield;
    const tokens = documents[doc]!;
    const length = tokens.length === 0 ? 0 : tokens.length * 2 - 1;
    lengths[doc] = length;
    total += length;
    let previous = -1;
    for (let i = 0; i < tokens.length; i += 1) {
      const ordinal = tokens[i]!;
      let id = unigramIds[ordinal]!;
      if (id < 0) {
        id = newId();
        unigramIds[ordinal] = id;
      }
      count(id, doc);
      if (previous >= 0) {
        const key = previous * BIGRAM_BASE + ordinal;
        let bigram = bigrams.get(key);
        if (bigram === undefined) {
          bigram = newId();
          bigrams.set(key, bigram);
        }
        count(bigram, doc);
      }
      previous = ordinal;
    }
    docEnds[doc] = pairs;
  }
  // Pass 2: lay postings out term by term (each term's documents in increasing order).
  const offsets = new Int32Array(terms + 1);
  for (let id = 0; id < terms; id += 1) offsets[id + 1] = offsets[id]! + df[id]!;
  const docs = new Int32Array(pairs);
  const tfs = new Uint16Array(pairs);
  const cursor = offsets.slice(0, terms);
  let start = 0;
  for (let doc = 0; doc < documents.length; doc += 1) {
    if (doc > 0 && doc % STEP_DOCUMENTS === 0) yield;
    for (let k = start; k < docEnds[doc]!; k += 1) {
      const at = cursor[pairTerms[k]!]!++;
      docs[at] = doc;
      tfs[at] = pairTfs[k]!;
    }
    start = docEnds[doc]!;
  }
  const averageLength = documents.length > 0 ? total / documents.length : 0;
  const unigrams = new Map<string, number>();
  const ordinals = new Map<string, number>();
  vocabulary.forEach((token, ordinal) => {
    if (unigramIds[ordinal]! < 0) return;
    unigrams.set(token, unigramIds[ordinal]!);
    ordinals.set(token, ordinal);
  });
  return { lengths, averageLength, unigrams, bigrams, offsets, docs, tfs, ordinals };
}
