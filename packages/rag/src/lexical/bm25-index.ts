import { foldDiacritics } from '@agent-chatbot/core';
import { InvertedField as Field } from './inverted-field';
import { runSliced, runToEnd, STEP_DOCUMENTS, type Steps } from '../sliced';
import { analyzeSyllable } from './analyzer';
import { TopK } from './top-k';

/**
 * An in-memory BM25 inverted index with two fields (accented and accent-folded terms), real IDF
 * per field, compact typed-array postings and a score accumulator sized to the collection.
 */

/** BM25 parameters. `k1` saturates term frequency, `b` normalises by document length. */
export interface Bm25Params {
  /** Term-frequency saturation. */
  readonly k1: number;
  /** Length normalisation. */
  readonly b: number;
  /** Weight of the accented field's score (accents disambiguate: "bán" ≠ "bàn"). */
  readonly accentedWeight: number;
  /** Weight of the folded field's score (matches questions typed without diacritics). */
  readonly foldedWeight: number;
  /** Weight of bigram terms relative to unigrams (bigrams stand in for words). */
  readonly bigramWeight: number;
  /** A query term repeated n times weighs n^queryTfExponent (long questions repeat words). */
  readonly queryTfExponent: number;
}

/** Defaults tuned on the ViCoV19QA training questions (see packages/rag/README.md). */
export const DEFAULT_BM25_PARAMS: Bm25Params = {
  k1: 0.9,
  b: 0.9,
  accentedWeight: 1,
  foldedWeight: 0.5,
  bigramWeight: 0.5,
  queryTfExponent: 0.5,
};

/** One document to index: its syllables, accented and accent-folded (unigrams and bigrams are derived). */
export interface Bm25Document {
  /** Syllables with diacritics kept. */
  readonly accented: readonly string[];
  /** The same syllables with diacritics removed. */
  readonly folded: readonly string[];
}

/** A scored document position. */
export interface Bm25Hit {
  /** Document number in the index. */
  readonly doc: number;
  /** BM25 score. */
  readonly score: number;
}

/** One field's documents as ordinals of its vocabulary (distinct tokens in order of first occurrence). */
interface EncodedField {
  readonly documents: Int32Array[];
  readonly vocabulary: string[];
}

/** Assigns a field's tokens their ordinals as they first occur. */
class FieldEncoder {
  readonly documents: Int32Array[] = [];
  readonly vocabulary: string[] = [];
  private readonly ordinals = new Map<string, number>();

  ordinal(token: string): number {
    let ordinal = this.ordinals.get(token);
    if (ordinal === undefined) {
      ordinal = this.vocabulary.length;
      this.ordinals.set(token, ordinal);
      this.vocabulary.push(token);
    }
    return ordinal;
  }
}

/** Both fields' build from encoded documents, in steps (see sliced.ts). */
function* fieldSteps(accented: EncodedField, folded: EncodedField): Steps<{ accented: Field; folded: Field }> {
  return {
    accented: yield* Field.steps(accented.documents, accented.vocabulary),
    folded: yield* Field.steps(folded.documents, folded.vocabulary),
  };
}

/** Analysed documents (token strings per field) encoded, in steps. */
function* encodeSteps(docs: readonly Bm25Document[]): Steps<{ accented: EncodedField; folded: EncodedField }> {
  const accented = new FieldEncoder();
  const folded = new FieldEncoder();
  for (let doc = 0; doc < docs.length; doc += 1) {
    if (doc > 0 && doc % STEP_DOCUMENTS === 0) yield;
    accented.documents.push(Int32Array.from(docs[doc]!.accented, (token) => accented.ordinal(token)));
    folded.documents.push(Int32Array.from(docs[doc]!.folded, (token) => folded.ordinal(token)));
  }
  return { accented, folded };
}

/** Analysed documents' build, in steps. */
function* documentSteps(docs: readonly Bm25Document[]): Steps<{ accented: Field; folded: Field }> {
  const encoded = yield* encodeSteps(docs);
  return yield* fieldSteps(encoded.accented, encoded.folded);
}

/**
 * Stored chunk tokens (space-separated syllables, as ingestion writes them) encoded for both fields:
 * each distinct syllable is analysed ({@link analyzeSyllable}, as {@link analyzeDocumentTokens} does) once,
 * then every occurrence costs one lookup. Same documents as analysing each chunk's tokens.
 */
function* storedTokenSteps(tokenLists: readonly string[]): Steps<{ accented: Field; folded: Field }> {
  const accented = new FieldEncoder();
  const folded = new FieldEncoder();
  // Per distinct stored syllable: its accented and folded ordinals.
  const known = new Map<string, number>();
  const accentedOf: number[] = [];
  const foldedOf: number[] = [];
  for (let doc = 0; doc < tokenLists.length; doc += 1) {
    if (doc > 0 && doc % STEP_DOCUMENTS === 0) yield;
    const tokens = tokenLists[doc] === '' ? [] : tokenLists[doc]!.split(' ');
    const accentedIds = new Int32Array(tokens.length);
    const foldedIds = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i += 1) {
      const token = tokens[i]!;
      let id = known.get(token);
      if (id === undefined) {
        id = accentedOf.length;
        known.set(token, id);
        const terms = analyzeSyllable(token);
        accentedOf.push(accented.ordinal(terms.accented));
        foldedOf.push(folded.ordinal(terms.folded));
      }
      accentedIds[i] = accentedOf[id]!;
      foldedIds[i] = foldedOf[id]!;
    }
    accented.documents.push(accentedIds);
    folded.documents.push(foldedIds);
  }
  return yield* fieldSteps(accented, folded);
}

/**
 * A BM25 index over stored chunk tokens (space-separated syllables, as ingestion writes them),
 * built in slices: the lexical cache's build. Equals `Bm25Index.build(lists.map((tokens) =>
 * analyzeDocumentTokens(tokens.split(' '))))`, at a fraction of the work.
 */
export async function buildIndexFromStoredTokens(tokenLists: readonly string[], params: Partial<Bm25Params> = {}, options: { readonly sliceMs?: number } = {}): Promise<Bm25Index> {
  return construct(await runSliced(storedTokenSteps(tokenLists), options.sliceMs), tokenLists.length, params);
}

/** A {@link Bm25Index} over fields already built (handed to the constructor, which reads them at once). */
function construct(fields: { accented: Field; folded: Field }, size: number, params: Partial<Bm25Params>): Bm25Index {
  prebuilt = { ...fields, size };
  try {
    return new Bm25Index([], params);
  } finally {
    prebuilt = undefined;
  }
}

/** Fields a build made, for the constructor called next (see `construct`). */
let prebuilt: { accented: Field; folded: Field; size: number } | undefined;

/** An index's fields and size (for bm25-file.ts; set by the class's static block). */
let fieldsOf: (index: Bm25Index) => { accented: Field; folded: Field; size: number };

/** The fields and size of `index` (its file encoding reads them). */
export function bm25Fields(index: Bm25Index): { accented: Field; folded: Field; size: number } {
  return fieldsOf(index);
}

/** An index over fields decoded from a file (bm25-file.ts). */
export function bm25FromFields(fields: { accented: Field; folded: Field }, size: number, params: Partial<Bm25Params> = {}): Bm25Index {
  return construct(fields, size, params);
}

/** A read-only BM25 index over a fixed collection; rebuild it when the collection changes. */
export class Bm25Index {
  /** Documents indexed. */
  readonly size: number;
  private readonly accented: Field;
  private readonly folded: Field;
  private readonly scores: Float32Array;
  private readonly params: Bm25Params;

  static {
    fieldsOf = (index) => ({ accented: index.accented, folded: index.folded, size: index.size });
  }

  /** Builds the index at once (seconds of CPU for tens of thousands of chunks: see {@link Bm25Index.build}). */
  constructor(docs: readonly Bm25Document[], params: Partial<Bm25Params> = {}) {
    const fields = prebuilt ?? { ...runToEnd(documentSteps(docs)), size: docs.length };
    prebuilt = undefined;
    this.params = { ...DEFAULT_BM25_PARAMS, ...params };
    this.size = fields.size;
    this.accented = fields.accented;
    this.folded = fields.folded;
    this.scores = new Float32Array(fields.size);
  }

  /**
   * The same index, built in slices of about `sliceMs` (default 8 ms) with the event loop getting
   * a turn between them: a server answering other requests keeps answering them while a large
   * collection is indexed (10,000 chunks: ~2–3 s of CPU, which one synchronous build kept the
   * whole process from serving).
   *
   * @example const index = await Bm25Index.build(chunks.map((chunk) => analyzeDocumentTokens(chunk.tokens.split(' '))));
   */
  static async build(docs: readonly Bm25Document[], params: Partial<Bm25Params> = {}, options: { readonly sliceMs?: number } = {}): Promise<Bm25Index> {
    return construct(await runSliced(documentSteps(docs), options.sliceMs), docs.length, params);
  }

  /**
   * Guesses the diacritics of a query typed without them, from this collection's own vocabulary:
   * a Viterbi pass over each syllable's accented variants scored by how often variants and
   * adjacent pairs occur here ("bao hanh" → "bảo hành" in a shop whose policy says so).
   */
  restoreDiacritics(foldedTokens: readonly string[]): string[] {
    const variants = this.variantsByFolded();
    const df = (term: string): number => this.accented.postings(term)?.docs.length ?? 0;
    type State = { token: string; score: number; path: string[] };
    let states: State[] = [{ token: '', score: 0, path: [] }];
    for (const folded of foldedTokens) {
      const candidates = variants.get(folded) ?? [folded];
      const next: State[] = [];
      for (const candidate of candidates) {
        const unigram = Math.log(df(candidate) + 1);
        let best: State | undefined;
        for (const state of states) {
          const pair = state.token === '' ? 0 : Math.log(df(`${state.token}_${candidate}`) + 0.01);
          const score = state.score + pair + 0.3 * unigram;
          if (!best || score > best.score) best = { token: candidate, score, path: [...state.path, candidate] };
        }
        if (best) next.push(best);
      }
      states = next;
    }
    return states.reduce((a, b) => (b.score > a.score ? b : a)).path;
  }

  private variants: Map<string, string[]> | undefined;

  /** Accented unigrams grouped by their folded form, most frequent first (at most 6). */
  private variantsByFolded(): Map<string, string[]> {
    if (this.variants) return this.variants;
    const groups = new Map<string, Array<[string, number]>>();
    for (const term of this.accented.terms()) {
      if (term.includes('_')) continue;
      const key = foldDiacritics(term);
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push([term, this.documentFrequency('accented', term)]);
    }
    this.variants = new Map(
      [...groups].map(([key, list]) => [key, list.sort((a, b) => b[1] - a[1]).slice(0, 6).map(([term]) => term)]),
    );
    return this.variants;
  }

  /** Number of distinct terms (both fields), for diagnostics. */
  get termCount(): number {
    return this.accented.size + this.folded.size;
  }

  /** Document frequency of a term in a field, for tests and diagnostics. */
  documentFrequency(field: 'accented' | 'folded', term: string): number {
    return (field === 'accented' ? this.accented : this.folded).postings(term)?.docs.length ?? 0;
  }

  /**
   * The best `limit` documents for the query terms, highest score first. `accept` (optional)
   * rejects documents that are not live or do not match a metadata filter.
   */
  search(
    query: { readonly accented: readonly string[]; readonly folded: readonly string[] },
    limit: number,
    accept?: (doc: number) => boolean,
  ): Bm25Hit[] {
    const exponent = this.params.queryTfExponent;
    return this.searchWeighted(
      { accented: countTerms(query.accented, exponent), folded: countTerms(query.folded, exponent) },
      limit,
      accept,
    );
  }

  /** Like {@link Bm25Index.search} with an explicit weight per query term (query expansion). */
  searchWeighted(
    query: { readonly accented: ReadonlyMap<string, number>; readonly folded: ReadonlyMap<string, number> },
    limit: number,
    accept?: (doc: number) => boolean,
  ): Bm25Hit[] {
    if (this.size === 0 || limit <= 0) return [];
    const touched: number[] = [];
    const scores = this.scores;
    this.accumulate(this.accented, query.accented, this.params.accentedWeight, touched);
    this.accumulate(this.folded, query.folded, this.params.foldedWeight, touched);
    const heap = new TopK(limit);
    for (const doc of touched) {
      const score = scores[doc]!;
      scores[doc] = 0; // reset the shared accumulator for the next query
      if (score > 0 && (accept === undefined || accept(doc))) heap.push(doc, score);
    }
    return heap.sorted();
  }

  /**
   * The score a document of average length would get by containing every query term once: the
   * yardstick that turns a BM25 score into a relevance (about 0–1; repeated terms can exceed 1).
   * Terms the collection never saw still weigh, so a question about something absent scores low.
   */
  scoreBound(query: { readonly accented: readonly string[]; readonly folded: readonly string[] }): number {
    const { bigramWeight, queryTfExponent } = this.params;
    // Unseen terms count as if one document had them.
    const unseenIdf = Math.log(1 + (this.size - 0.5) / 1.5);
    let bound = 0;
    for (const [field, terms, weight] of [
      ['accented', query.accented, this.params.accentedWeight],
      ['folded', query.folded, this.params.foldedWeight],
    ] as const) {
      for (const [term, count] of countTerms(terms, queryTfExponent)) {
        const idf = this.documentFrequency(field, term) === 0 ? unseenIdf : this.idf(field, term);
        // A term met once in a document of average length scores exactly its weighted IDF.
        bound += weight * count * idf * (term.includes('_') ? bigramWeight : 1);
      }
    }
    return bound;
  }

  /** Inverse document frequency of a term in a field (0 when absent). */
  idf(field: 'accented' | 'folded', term: string): number {
    const df = this.documentFrequency(field, term);
    return df === 0 ? 0 : Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  private accumulate(field: Field, counts: ReadonlyMap<string, number>, weight: number, touched: number[]): void {
    if (weight === 0 || counts.size === 0) return;
    const { k1, b, bigramWeight } = this.params;
    const n = this.size;
    const scores = this.scores;
    const lengths = field.lengths;
    const norm = field.averageLength > 0 ? b / field.averageLength : 0;
    for (const [term, queryTf] of counts) {
      const postings = field.postings(term);
      if (!postings) continue;
      const df = postings.docs.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const termWeight = weight * idf * queryTf * (term.includes('_') ? bigramWeight : 1);
      const { docs, tfs } = postings;
      for (let i = 0; i < docs.length; i += 1) {
        const doc = docs[i]!;
        const tf = tfs[i]!;
        const denominator = tf + k1 * (1 - b + norm * lengths[doc]!);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (termWeight * tf * (k1 + 1)) / denominator;
      }
    }
  }
}

function countTerms(terms: readonly string[], exponent: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  if (exponent !== 1) for (const [term, count] of counts) counts.set(term, count ** exponent);
  return counts;
}
