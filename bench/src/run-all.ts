/**
 * `make bench`: runs every benchmark in its own process (one at a time, so they do not compete),
 * then prints a short table from bench/results/*.json. Flags are passed to every benchmark
 * (`--quick` for a short smoke run); `--only a,b` picks benchmarks.
 *
 *   pnpm --filter @agent-chatbot/bench run bench [-- --quick] [-- --only reply-latency,webhook-ack]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './lib/args';
import { resultsDir } from './lib/output';

const here = dirname(fileURLToPath(import.meta.url));
const BENCHMARKS = ['engine-overhead', 'reply-latency', 'webhook-ack', 'big-tenant', 'retrieval'] as const;
const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const only = parseFlags(argv).string('only', '');
const chosen = only ? BENCHMARKS.filter((name) => only.split(',').includes(name)) : [...BENCHMARKS];
const passThrough = argv.filter((arg, i) => arg !== '--only' && argv[i - 1] !== '--only');
const tsx = join(here, '..', 'node_modules', '.bin', 'tsx');

const failed: string[] = [];
for (const name of chosen) {
  process.stderr.write(`\n▶ ${name}\n`);
  const run = spawnSync(tsx, [join(here, `${name}.ts`), ...passThrough], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 45 * 60_000 });
  if (run.status !== 0) failed.push(name);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- result files are read loosely for the table
const read = (name: string): Json | undefined => {
  try {
    return JSON.parse(readFileSync(join(resultsDir, `${name}.json`), 'utf8')) as Json;
  } catch {
    return undefined;
  }
};
const rows: Array<[string, string, string]> = [];
const add = (figure: string, value: unknown, baseline: unknown) => rows.push([figure, String(value ?? '—'), String(baseline ?? '—')]);
const engine = read('engine-overhead');
if (engine) add('engine overhead / message (ms, median)', engine.overheadPerMessageMs, `yardstick ${engine.cpuYardstickMs} ms`);
const reply = read('reply-latency');
if (reply) {
  add('FAQ answer p50 / p95 (ms, c=1)', `${reply.faqSerial.latency.p50} / ${reply.faqSerial.latency.p95}`, `healthz p50 ${reply.faqSerial.baselineHealthz.p50} (×${reply.faqSerial.p50VsBaseline})`);
  add('FAQ answers/s (c=10)', reply.faqParallel.ratePerSecond, `healthz ${reply.faqParallel.baselineHealthz.ratePerSecond}/s (×${reply.faqParallel.rateVsBaseline}); runtime CPU ${reply.faqParallel.runtimeCpuMsPerRequest ?? '?'} ms/answer`);
  add('cache hit p50 (ms)', reply.cacheHit.latency.p50, `×${reply.cacheHit.p50VsBaseline}`);
  add('model 0 ms p50 (ms)', reply.model0.latency.p50, `×${reply.model0.p50VsBaseline}`);
  add('model 800 ms p50 (ms, c=10)', reply.model800.latency.p50, `×${reply.model800.p50VsBaseline}`);
  add('50 convs @1 s model: errors, loop lag p99 (ms)', `${reply.fiftyConversationsSlowModel.errors}, ${reply.fiftyConversationsSlowModel.eventLoopLagMs.p99}`, '');
  add('runtime RSS idle / quiet / peak (MiB)', `${reply.rssMb.idle} / ${reply.rssMb.idleQuiet} / ${reply.rssMb.peakUnderLoad}`, `runtime process alone; anon + file at peak ${reply.rssMb.parts?.peakUnderLoad.anon} + ${reply.rssMb.parts?.peakUnderLoad.file}`);
  add('restart → first answer (ms)', reply.restart.toFirstAnswerMs, `${reply.db}, listening after ${reply.restart.toListenMs} ms`);
  add('first start → first answer (ms)', reply.firstStart.toFirstAnswerMs, 'empty data folder');
}
const hook = read('webhook-ack');
if (hook) {
  add(`webhook ack p50/p99 (ms) at ${hook.rate}/s`, `${hook.ackMs.p50} / ${hook.ackMs.p99}`, `healthz p99 ${hook.baselineHealthzMs.p99} (×${hook.p99VsBaseline})`);
  add('webhook sustainable rate (/s, p99 ≤ 50 ms)', hook.sustainableRatePerSecond, '');
}
const big = read('big-tenant');
if (big) {
  add(`${big.chunks}-chunk tenant p50 / p95 (ms)`, `${big.uncached.p50} / ${big.uncached.p95}`, `×${big.uncached.p50VsBaseline}`);
  add('HTTP ingestion (chunks/s)', big.ingestion.chunksPerSecond, '');
}
const retrieval = read('retrieval');
if (retrieval) {
  for (const run of retrieval.runs as Json[]) add(`retrieval ${run.chunks} chunks p50/p95 (ms)`, `${run.retrievalMs.p50} / ${run.retrievalMs.p95}`, `ingest ${run.ingestion.chunksPerSecond} chunks/s`);
}
const width = [Math.max(...rows.map((r) => r[0].length), 6), Math.max(...rows.map((r) => r[1].length), 5)];
process.stdout.write(`\n${'figure'.padEnd(width[0]!)}  ${'value'.padEnd(width[1]!)}  baseline\n`);
for (const [figure, value, baseline] of rows) process.stdout.write(`${figure.padEnd(width[0]!)}  ${value.padEnd(width[1]!)}  ${baseline}\n`);
if (failed.length) {
  process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
