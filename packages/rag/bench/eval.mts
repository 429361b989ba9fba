/**
 * Runs `evaluateRetrieval` on the `../shared/eval` sets and prints one JSON line per run.
 * Usage: `pnpm exec tsx packages/rag/bench/eval.mts [set/queries-file …]` (from the repo root).
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { evaluateRetrieval } from '../src/evaluation';

/** `../shared/eval` beside the repository (the layout CI uses). */
const EVAL_ROOT = fileURLToPath(new URL('../../../../shared/eval', import.meta.url));

const runs = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : ['vicovqa/queries-dev', 'vicovqa/queries-dev-unaccented', 'alqac/queries-dev', 'alqac/queries-dev-unaccented', 'xquad-vi/queries-dev', 'xquad-vi/queries-dev-unaccented'];
const root = EVAL_ROOT;
for (const run of runs) {
  const [set, queries] = run.split('/') as [string, string];
  const result = await evaluateRetrieval({ corpusPath: join(root, set, 'corpus.jsonl'), queriesPath: join(root, set, `${queries}.jsonl`), mode: 'bm25', k: 100 });
  const { ranked: _ranked, ...metrics } = result;
  console.log(JSON.stringify({ run, ...metrics }));
}
