/**
 * Tuning aid: scores BM25 parameter settings directly on the in-memory index (no storage), on
 * `../shared/eval` sets. Usage: `pnpm exec tsx packages/rag/bench/tune-bm25.mts vicovqa queries-train.jsonl`.
 * Prints JSON lines. Not part of the test run.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocumentTokens, documentTokens, queryTerms, tokenizeQuery } from '../src/lexical/analyzer';
import { chunkText } from '../src/chunking/chunk-text';
import { normaliseDocumentText } from '../src/ingestion/pipeline';
import { Bm25Index, type Bm25Params } from '../src/lexical/bm25-index';

/** `../shared/eval` beside the repository (the layout CI uses). */
const EVAL_ROOT = fileURLToPath(new URL('../../../../shared/eval', import.meta.url));

const [set = 'vicovqa', queriesFile = 'queries-train.jsonl', grid = '{}'] = process.argv.slice(2);
const root = join(EVAL_ROOT, set);
const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
const corpus = readJsonl<{ id: string; text: string }>(join(root, 'corpus.jsonl'));
const queries = readJsonl<{ id: string; text: string; relevant: string[] }>(join(root, queriesFile));
// Chunk like the pipeline does, so scores match `evaluateRetrieval`.
const owners: string[] = [];
const docs = corpus.flatMap((doc) =>
  chunkText(normaliseDocumentText(doc.text)).map((chunk) => {
    owners.push(doc.id);
    return analyzeDocumentTokens(documentTokens(chunk.text));
  }),
);
const settings = JSON.parse(grid) as Record<string, number[]>;
const keys = Object.keys(settings);
const combos: Array<Partial<Bm25Params>> = [{}];
for (const key of keys) {
  const next: Array<Partial<Bm25Params>> = [];
  for (const combo of combos) for (const value of settings[key]!) next.push({ ...combo, [key]: value });
  combos.splice(0, combos.length, ...next);
}
for (const params of combos) {
  const index = new Bm25Index(docs, params);
  const analysed = queries.map((q) => {
    const tokens = tokenizeQuery(q.text);
    return queryTerms(tokens, {}, tokens.unaccented && !process.env.NORESTORE ? index.restoreDiacritics(tokens.tokens) : tokens.tokens);
  });
  let mrr = 0;
  let r10 = 0;
  queries.forEach((query, i) => {
    const ranked = [...new Set(index.search(analysed[i]!, 30).map((hit) => owners[hit.doc]!))].slice(0, 10);
    const rank = ranked.findIndex((id) => query.relevant.includes(id));
    if (rank >= 0) {
      mrr += 1 / (rank + 1);
      r10 += 1;
    }
  });
  console.log(JSON.stringify({ ...params, mrr10: +(mrr / queries.length).toFixed(4), r10: +(r10 / queries.length).toFixed(4) }));
}
