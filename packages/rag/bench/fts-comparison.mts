/**
 * Measurement behind the BM25 storage choice: LanceDB's native full-text index (BM25 over one
 * pre-tokenised field) versus this package's in-memory two-field index, on a `../shared/eval`
 * set. Prints JSON lines. Usage: `pnpm exec tsx packages/rag/bench/fts-comparison.mts vicovqa queries-dev`.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, Index } from '@lancedb/lancedb';
import { analyzeDocumentTokens, documentTokens, queryTerms, tokenizeQuery } from '../src/lexical/analyzer';
import { Bm25Index } from '../src/lexical/bm25-index';
import { syllableBigrams } from '@agent-chatbot/core';

/** `../shared/eval` beside the repository (the layout CI uses). */
const EVAL_ROOT = fileURLToPath(new URL('../../../../shared/eval', import.meta.url));

const [set = 'vicovqa', queriesName = 'queries-dev'] = process.argv.slice(2);
const root = join(EVAL_ROOT, set);
const read = <T>(file: string): T[] => readFileSync(join(root, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
const corpus = read<{ id: string; text: string }>('corpus.jsonl');
const queries = read<{ id: string; text: string; relevant: string[] }>(`${queriesName}.jsonl`);
const pct = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1]!;
const mrr = (ranked: string[][]): number =>
  ranked.reduce((sum, ids, i) => {
    const rank = ids.slice(0, 10).findIndex((id) => queries[i]!.relevant.includes(id));
    return sum + (rank >= 0 ? 1 / (rank + 1) : 0);
  }, 0) / queries.length;

const tokens = corpus.map((doc) => documentTokens(doc.text));
const analysed = queries.map((q) => {
  const t = tokenizeQuery(q.text);
  return queryTerms(t, {}, t.tokens);
});

// In-memory two-field BM25 (this package).
let started = performance.now();
const index = new Bm25Index(tokens.map((list) => analyzeDocumentTokens(list)));
const buildMs = performance.now() - started;
const ours: string[][] = [];
const ourLatency: number[] = [];
for (const terms of analysed) {
  const t0 = performance.now();
  ours.push(index.search(terms, 10).map((hit) => corpus[hit.doc]!.id));
  ourLatency.push(performance.now() - t0);
}
console.log(JSON.stringify({ engine: 'in-memory two-field BM25', set, queries: queriesName, mrr10: +mrr(ours).toFixed(4), buildMs: Math.round(buildMs), p50: pct(ourLatency, 50), p95: pct(ourLatency, 95) }));

// LanceDB native FTS over the same accented unigrams + bigrams, whitespace-tokenised.
const dir = await mkdtemp(join(tmpdir(), 'fts-'));
try {
  const db = await connect(dir);
  const rows = corpus.map((doc, i) => ({ id: doc.id, terms: [...tokens[i]!, ...syllableBigrams(tokens[i]!)].join(' ') }));
  const table = await db.createTable('chunks', rows);
  started = performance.now();
  await table.createIndex('terms', { config: Index.fts({ baseTokenizer: 'whitespace', lowercase: false, stem: false, removeStopWords: false, asciiFolding: false, maxTokenLength: 100 }) });
  const ftsBuildMs = performance.now() - started;
  const theirs: string[][] = [];
  const latency: number[] = [];
  for (const terms of analysed) {
    const t0 = performance.now();
    const hits = (await table.query().fullTextSearch(terms.accented.join(' ')).select(['id', '_score']).limit(10).toArray()) as Array<{ id: string }>;
    latency.push(performance.now() - t0);
    theirs.push(hits.map((hit) => hit.id));
  }
  console.log(JSON.stringify({ engine: 'lancedb native FTS (accented field only)', set, queries: queriesName, mrr10: +mrr(theirs).toFixed(4), buildMs: Math.round(ftsBuildMs), p50: pct(latency, 50), p95: pct(latency, 95) }));
  db.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
