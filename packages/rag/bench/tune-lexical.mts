/**
 * Tuning aid for the lexical arm with more knobs than `tune-bm25.mts`, used for the protocol in
 * docs/adr/0004-lexical-index.md (tune on ViCoV19QA train, report dev once): k1/b per n-gram
 * order, field and n-gram weights, query-side stop-word weight instead of dropping, IDF exponent,
 * BM25+ delta, df cut-off, pseudo-relevance feedback, a proximity field (ordered folded syllable
 * pairs 2..GAP+1 apart) and a lead field (each chunk's first LEAD folded syllables). It re-scores
 * in the script (same analyser, chunking and restoration as the pipeline; `{}` reproduces the
 * shipped ranking within 0.0005), so nothing here is in the product until ported to src/lexical.
 * Usage: `pnpm exec tsx packages/rag/bench/tune-lexical.mts vicovqa queries-train '[{}, {"k1":1.2}]'`
 * (env SPLIT=1: also each half of the queries; R10=1: also R@10; GAP, LEAD: field shapes).
 * Prints one JSON line per setting. Not part of the test run.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldDiacritics } from '@agent-chatbot/core';
import { analyzeDocumentTokens, documentTokens, queryTerms, tokenizeQuery } from '../src/lexical/analyzer';
import { isStopword } from '../src/lexical/stopwords';
import { chunkText } from '../src/chunking/chunk-text';
import { normaliseDocumentText } from '../src/ingestion/pipeline';
import { Bm25Index } from '../src/lexical/bm25-index';
import { InvertedField } from '../src/lexical/inverted-field';

const EVAL_ROOT = fileURLToPath(new URL('../../../../shared/eval', import.meta.url));
const [set = 'vicovqa', files = 'queries-train', grid = '[{}]'] = process.argv.slice(2);
const root = join(EVAL_ROOT, set);
const readJsonl = <T,>(path: string): T[] =>
  readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
const corpus = readJsonl<{ id: string; text: string }>(join(root, 'corpus.jsonl'));
const owners: string[] = [];
const docs = corpus.flatMap((doc) =>
  chunkText(normaliseDocumentText(doc.text)).map((chunk) => {
    owners.push(doc.id);
    return analyzeDocumentTokens(documentTokens(chunk.text));
  }),
);
const base = new Bm25Index(docs);
const fields = { accented: new InvertedField(docs.map((d) => d.accented)), folded: new InvertedField(docs.map((d) => d.folded)) };
const N = docs.length;
const LEAD = Number(process.env.LEAD ?? 40);
const leadField = new InvertedField(docs.map((d) => d.folded.slice(0, LEAD)));

interface Params {
  k1: number; b: number; k1Bi?: number; bBi?: number; acc: number; fold: number; bi: number; qtf: number;
  stop: number; // weight of query stop-word unigrams (0 = dropped, as today)
  delta: number; // BM25+ lower bound per matching term
  idfCut?: number; // drop query unigrams whose df/N exceeds this
  syn?: boolean;
  near?: number;
  lead?: number; // weight of a field holding each chunk's first LEAD folded syllables
  idfPow?: number; // IDF raised to this power (1 = BM25)
  prfDocs?: number; // pseudo-relevance feedback: top documents used
  prfTerms?: number; // expansion terms taken
  prfWeight?: number; // weight of the expansion terms (relative) // weight of ordered folded pairs 2..gap+1 apart (proximity), 0 = off
  gap?: number;
}
const DEFAULT: Params = { k1: 0.9, b: 0.9, acc: 1, fold: 0.5, bi: 0.5, qtf: 0.5, stop: 0, delta: 0, syn: true };

/** One weighted query term. `extra`: a synonym or kept abbreviation (not typed); `boost`: PRF weight. */
interface QTerms {
  field: 'accented' | 'folded' | 'near' | 'lead';
  term: string;
  count: number;
  bigram: boolean;
  stop: boolean;
  extra?: boolean;
  boost?: number;
}
function terms(text: string): QTerms[] {
  const query = tokenizeQuery(text);
  const accented = query.unaccented ? base.restoreDiacritics(query.tokens) : query.tokens;
  // Reference terms (current analyser) minus unigrams; rebuild unigrams with a stop flag.
  const ref = queryTerms(query, {}, accented);
  const out = new Map<string, QTerms>();
  const add = (field: QTerms['field'], term: string, stop: boolean): void => {
    const key = `${field}:${term}`;
    const e = out.get(key);
    if (e) e.count += 1;
    else out.set(key, { field, term, count: 1, bigram: term.includes('_'), stop });
  };
  const folded = query.tokens.map((t) => foldDiacritics(t));
  const anyKept = query.tokens.some((t) => !isStopword(t));
  accented.forEach((t, i) => add('accented', t, anyKept && isStopword(query.tokens[i]!)));
  folded.forEach((t, i) => add('folded', t, anyKept && isStopword(query.tokens[i]!)));
  // bigrams, originals, synonyms from the reference analyser
  const uniA = new Set(accented); const uniF = new Set(folded);
  for (const t of ref.accented) if (t.includes('_') || !uniA.has(t)) add('accented', t, false);
  for (const t of ref.folded) if (t.includes('_') || !uniF.has(t)) add('folded', t, false);
  for (const t of ref.accented) if (!t.includes('_') && !uniA.has(t)) out.get(`accented:${t}`)!.extra = true;
  for (const t of ref.folded) if (!t.includes('_') && !uniF.has(t)) out.get(`folded:${t}`)!.extra = true;
  for (const pair of nearPairs(folded)) add('near', pair, false);
  for (const q of [...out.values()]) if (q.field === 'folded' && !q.extra) out.set(`lead:${q.term}`, { ...q, field: 'lead' });
  return [...out.values()];
}

const GAP = Number(process.env.GAP ?? 2);
/** Ordered pairs of syllables 2..GAP+1 apart (not adjacent: bigrams cover those). */
function nearPairs(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1)
    for (let g = 2; g <= GAP + 1 && i + g < tokens.length; g += 1) out.push(`${tokens[i]}_${tokens[i + g]}`);
  return out;
}
/** The proximity field as a postings map built from the folded syllables. */
const nearField = (() => {
  const map = new Map<string, { docs: number[]; tfs: number[] }>();
  const lengths = new Float32Array(N);
  let total = 0;
  docs.forEach((doc, d) => {
    const counts = new Map<string, number>();
    for (const pair of nearPairs(doc.folded)) counts.set(pair, (counts.get(pair) ?? 0) + 1);
    lengths[d] = doc.folded.length * 2 - 1;
    total += lengths[d]!;
    for (const [pair, tf] of counts) {
      let e = map.get(pair);
      if (!e) map.set(pair, (e = { docs: [], tfs: [] }));
      e.docs.push(d); e.tfs.push(tf);
    }
  });
  return { lengths, averageLength: total / N, postings: (t: string) => map.get(t) };
})();
const queryFiles = files.split(',');
const querySets = queryFiles.map((file) => {
  const qs = readJsonl<{ id: string; text: string; relevant: string[] }>(join(root, `${file}.jsonl`));
  return { file, qs, terms: qs.map((q) => terms(q.text)) };
});
const scores = new Float64Array(N);

function score(list: QTerms[], p: Params): number[] {
  const first = score1(list, p);
  if (!p.prfDocs) return first;
  // RM3-like: folded unigrams and bigrams of the top documents, weighted by tf/len × idf, summed.
  const have = new Set(list.filter((q) => q.field === 'folded').map((q) => q.term));
  const weights = new Map<string, number>();
  for (const d of first.slice(0, p.prfDocs)) {
    const toks = docs[d]!.folded;
    const counts = new Map<string, number>();
    for (let i = 0; i < toks.length; i += 1) {
      counts.set(toks[i]!, (counts.get(toks[i]!) ?? 0) + 1);
      if (i > 0) { const bg = `${toks[i - 1]}_${toks[i]}`; counts.set(bg, (counts.get(bg) ?? 0) + 1); }
    }
    for (const [t, c] of counts) {
      if (have.has(t)) continue;
      if (!t.includes('_') && isStopword(t)) continue;
      const df = fields.folded.postings(t)?.docs.length ?? 0;
      if (df < 2) continue;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      weights.set(t, (weights.get(t) ?? 0) + (c / toks.length) * idf);
    }
  }
  const extra = [...weights].sort((a, b) => b[1] - a[1]).slice(0, p.prfTerms ?? 10);
  const top = extra[0]?.[1] ?? 1;
  const expanded: QTerms[] = [...list, ...extra.map(([term, w]): QTerms => ({ field: 'folded', term, count: 1, bigram: term.includes('_'), stop: false, boost: (p.prfWeight ?? 0.3) * (w / top) }))];
  return score1(expanded, p);
}
function score1(list: QTerms[], p: Params): number[] {
  scores.fill(0);
  for (const q of list) {
    if (q.stop && p.stop === 0) continue;
    if (q.extra && p.syn === false) continue;
    if (q.field === 'near' && !p.near) continue;
    if (q.field === 'lead' && !p.lead) continue;
    const field = q.field === 'near' ? nearField : q.field === 'lead' ? leadField : fields[q.field];
    const postings = field.postings(q.term);
    if (!postings) continue;
    const df = postings.docs.length;
    if (!q.bigram && p.idfCut !== undefined && df / N > p.idfCut) continue;
    const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5)) ** (p.idfPow ?? 1);
    const k1 = q.bigram ? (p.k1Bi ?? p.k1) : p.k1;
    const b = q.bigram ? (p.bBi ?? p.b) : p.b;
    const w = (q.field === 'near' ? p.near! : q.field === 'lead' ? p.lead! : q.field === 'accented' ? p.acc : p.fold) * idf * q.count ** p.qtf * (q.bigram ? p.bi : 1) * (q.stop ? p.stop : 1) * (q.boost ?? 1);
    const norm = b / field.averageLength;
    const { docs: ds, tfs } = postings;
    for (let i = 0; i < ds.length; i += 1) {
      const d = ds[i]!; const tf = tfs[i]!;
      scores[d]! += w * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + norm * field.lengths[d]!)) + p.delta);
    }
  }
  const idx: number[] = [];
  for (let d = 0; d < N; d += 1) if (scores[d]! > 0) idx.push(d);
  idx.sort((a, b) => scores[b]! - scores[a]!);
  return idx.slice(0, 40);
}

const combos = JSON.parse(grid) as Array<Partial<Params>>;
for (const combo of combos) {
  const p = { ...DEFAULT, ...combo };
  const row: Record<string, unknown> = { ...combo };
  for (const { file, qs, terms: ts } of querySets) {
    let mrr = 0;
    let r10 = 0;
    const half = [0, 0];
    qs.forEach((q, i) => {
      const ranked = [...new Set(score(ts[i]!, p).map((d) => owners[d]!))].slice(0, 10);
      const rank = ranked.findIndex((id) => q.relevant.includes(id));
      if (rank >= 0) { r10 += 1; mrr += 1 / (rank + 1); half[i % 2]! += 1 / (rank + 1); }
    });
    row[file] = +(mrr / qs.length).toFixed(4);
    if (process.env.R10) row[`${file}-r10`] = +(r10 / qs.length).toFixed(4);
    if (process.env.SPLIT) row[`${file}-halves`] = half.map((h) => +((2 * h) / qs.length).toFixed(4));
  }
  console.log(JSON.stringify(row));
}
