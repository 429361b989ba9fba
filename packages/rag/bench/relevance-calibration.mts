/**
 * Calibration aid for the relevance threshold: top-hit relevance of matching questions versus
 * questions from another domain, on `../shared/eval` corpora. Prints percentiles as JSON.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocumentTokens, documentTokens, queryTerms, tokenizeQuery } from '../src/lexical/analyzer';
import { Bm25Index } from '../src/lexical/bm25-index';

/** `../shared/eval` beside the repository (the layout CI uses). */
const EVAL_ROOT = fileURLToPath(new URL('../../../../shared/eval', import.meta.url));

const root = EVAL_ROOT;
const read = (path: string): Array<{ text: string }> => readFileSync(join(root, path), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string });
const pct = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.floor((p / 100) * (values.length - 1))]!;
for (const [corpus, own, foreign] of [
  ['vicovqa', 'vicovqa/queries-dev.jsonl', 'xquad-vi/queries-dev.jsonl'],
  ['xquad-vi', 'xquad-vi/queries-dev.jsonl', 'vicovqa/queries-dev.jsonl'],
  ['alqac', 'alqac/queries-dev.jsonl', 'xquad-vi/queries-dev.jsonl'],
] as const) {
  const index = new Bm25Index(read(`${corpus}/corpus.jsonl`).map((d) => analyzeDocumentTokens(documentTokens(d.text))));
  const top = (path: string): number[] =>
    read(path).slice(0, 500).map((q) => {
      const t = tokenizeQuery(q.text);
      const accented = t.unaccented ? index.restoreDiacritics(t.tokens) : t.tokens;
      const hit = index.search(queryTerms(t, {}, accented), 1)[0];
      return hit ? hit.score / index.scoreBound(queryTerms(t, { synonyms: false }, accented)) : 0;
    });
  for (const [label, values] of [['own', top(own)], ['foreign', top(foreign)]] as const) {
    console.log(JSON.stringify({ corpus, label, p5: pct(values, 5), p10: pct(values, 10), p50: pct(values, 50), p90: pct(values, 90), p95: pct(values, 95) }));
  }
}
