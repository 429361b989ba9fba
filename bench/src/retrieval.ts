/**
 * Retrieval latency at 1k, 10k, 50k and 200k chunks with 100 other tenants holding data, and
 * ingestion throughput: runs the rag package's own benchmark (packages/rag/bench/retrieval-latency.mts)
 * once per size in a child process and collects its JSON, reported against the CPU yardstick.
 *
 *   pnpm --filter @agent-chatbot/bench exec tsx src/retrieval.ts [--sizes 1000,10000,50000,200000] [--per-tenant 300] [--queries 500]
 *   (issue 3 target: p95 ≤ 30 ms at 50,000 chunks with 100 other tenants)
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './lib/args';
import { writeResult } from './lib/output';
import { cpuYardstickMs, ratio } from './lib/stats';

const flags = parseFlags();
const quick = flags.bool('quick');
const sizes = flags.string('sizes', quick ? '1000,10000' : '1000,10000,50000,200000').split(',').map(Number);
const perTenant = flags.number('per-tenant', quick ? 50 : 300);
const queries = flags.number('queries', quick ? 200 : 500);
const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'rag', 'bench', 'retrieval-latency.mts');
const tsx = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'tsx');

interface RagResult {
  bigTenantChunks: number;
  ingestion: { chunksPerSecond: number };
  retrievalMs: { p50: number; p95: number; p99: number };
}

const yardstick = cpuYardstickMs();
const runs = sizes.map((chunks) => {
  const started = performance.now();
  const out = execFileSync(tsx, [script, '--chunks', String(chunks), '--tenants', '100', '--per-tenant', String(perTenant), '--queries', String(queries)], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
    timeout: 30 * 60_000,
  });
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as RagResult & Record<string, unknown>;
  return {
    chunks,
    ...result,
    wallSeconds: Math.round((performance.now() - started) / 1000),
    p50VsYardstick: ratio(result.retrievalMs.p50, yardstick),
    p95VsYardstick: ratio(result.retrievalMs.p95, yardstick),
  };
});
const at50k = runs.find((run) => run.chunks === 50_000);
writeResult('retrieval', {
  cpuYardstickMs: yardstick,
  otherTenants: 100,
  perTenantChunks: perTenant,
  runs,
  targets: at50k ? { 'p95 ≤ 30 ms at 50,000 chunks': at50k.retrievalMs.p95 <= 30 } : { 'p95 ≤ 30 ms at 50,000 chunks': 'not run (use --sizes with 50000)' },
});
