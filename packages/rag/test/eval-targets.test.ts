import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateRetrieval } from '../src/index';

// CI keeps the shared evaluation sets beside the clone: <repo>/../shared/eval.
const EVAL = resolve(__dirname, '..', '..', '..', '..', 'shared', 'eval');
const available = existsSync(join(EVAL, 'vicovqa', 'corpus.jsonl'));
if (!available) console.log(`[rag eval] skipped: no evaluation sets at ${EVAL}`);

const run = (set: string, queries: string) =>
  evaluateRetrieval({ corpusPath: join(EVAL, set, 'corpus.jsonl'), queriesPath: join(EVAL, set, `${queries}.jsonl`), mode: 'hybrid', k: 10 });

/** Retrieval targets of issue 3, offline (no embedding provider: hybrid falls back to BM25). */
describe.skipIf(!available)('retrieval targets on ../shared/eval', () => {
  it('ViCoV19QA: MRR@10 ≥ 0.40; unaccented within 0.02', { timeout: 120_000 }, async () => {
    const accented = await run('vicovqa', 'queries-dev');
    const unaccented = await run('vicovqa', 'queries-dev-unaccented');
    console.log('[rag eval] vicovqa', accented.mrrAt10, unaccented.mrrAt10, accented.latencyMs);
    expect(accented.mode).toBe('bm25');
    expect(accented.mrrAt10).toBeGreaterThanOrEqual(0.4);
    expect(unaccented.mrrAt10).toBeGreaterThanOrEqual(accented.mrrAt10 - 0.02);
    expect(accented.ranked[0]!.ranked.length).toBeLessThanOrEqual(10);
  });
  it('ALQAC: MRR@10 ≥ 0.86 accented and unaccented', { timeout: 120_000 }, async () => {
    for (const queries of ['queries-dev', 'queries-dev-unaccented']) {
      const result = await run('alqac', queries);
      console.log('[rag eval] alqac', queries, result.mrrAt10);
      expect(result.mrrAt10).toBeGreaterThanOrEqual(0.86);
    }
  });
  it('XQuAD-vi: R@10 ≥ 0.98', { timeout: 120_000 }, async () => {
    for (const queries of ['queries-dev', 'queries-dev-unaccented']) {
      const result = await run('xquad-vi', queries);
      console.log('[rag eval] xquad-vi', queries, result.recallAt10);
      expect(result.recallAt10).toBeGreaterThanOrEqual(0.98);
    }
  });
});
