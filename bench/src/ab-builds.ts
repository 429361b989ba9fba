/**
 * Paired A/B of two runtime builds: both run at once, each on its own data folder with the same
 * 30-entry FAQ tenant, and one load generator alternates its requests between them (so both see
 * the same load at the same moments); the figure is each process's CPU
 * per answered request (from `/proc`) in each round, and the median over the rounds of the ratio
 * candidate/baseline.
 *
 * On a shared machine whose speed drifts by ±30 % within minutes, runs of one build after the
 * other cannot show a 5 % change; two builds loaded side by side see the same drift, so their ratio
 * can. Throughput is not reported: the two processes share the cores.
 *
 *   cp -r apps/runtime/dist apps/runtime/dist-baseline   # before the change (inside apps/runtime, so
 *                                                        # its imports resolve), then rebuild
 *   pnpm --filter @agent-chatbot/bench exec tsx src/ab-builds.ts --baseline ../apps/runtime/dist-baseline/cli.js \
 *     [--candidate path/cli.js] [--path faq|cache] [--concurrency 5] [--requests 1000] [--rounds 5]
 *
 * `--path faq`: FAQ answers, the answer cache skipped (`skip_cache`); `--path cache`: the same
 * question again and again (answer-cache hits); `--path restart`: each round restarts both builds
 * one after the other (the order alternating) and times spawn → first FAQ answer, the figure being
 * the median of the per-round ratios of that time. Writes `results/ab-builds.json`.
 */
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './lib/args';
import { closedLoop, type Sender } from './lib/load';
import { writeResult } from './lib/output';
import { BUILT_CLI, startBenchServer, type BenchServer } from './lib/server';
import { faqEntries } from './lib/shop';
import { median, round } from './lib/stats';

const flags = parseFlags();
const baselineFlag = flags.string('baseline', '');
if (!baselineFlag) throw new Error('--baseline <path to the other build’s cli.js> is required');
const builds = { baseline: resolve(baselineFlag), candidate: resolve(flags.string('candidate', BUILT_CLI)) };
const path = flags.string('path', 'faq');
if (path !== 'faq' && path !== 'cache' && path !== 'restart') throw new Error(`--path must be faq, cache or restart, got ${path}`);
const CONCURRENCY = flags.number('concurrency', path === 'cache' ? 1 : 5);
const REQUESTS = flags.number('requests', flags.bool('quick') ? 300 : 1000);
const ROUNDS = flags.number('rounds', path === 'restart' ? 8 : flags.bool('quick') ? 3 : 5);
const sides = ['baseline', 'candidate'] as const;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One side's tenant: a 30-entry FAQ; its token outlives restarts (same data folder and JWT secret). */
async function prepare(server: BenchServer): Promise<string> {
  const tenant = await server.signup('ab');
  for (const entry of faqEntries()) await server.json('POST', '/v1/tenant/faq', { token: tenant.token, body: entry });
  return tenant.token;
}

/** The request one side sends: an FAQ answer (cache skipped), or the same question (cache hits). */
function sender(server: BenchServer, token: string): Sender {
  const faq = faqEntries();
  const chat = (message: string, extra: Record<string, unknown>) =>
    fetch(`${server.url}/v1/tenant/test-chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message, ...extra }),
    });
  return path === 'cache' ? () => chat(faq[3]!.question, {}) : (i) => chat(faq[i % faq.length]!.question, { skip_cache: true });
}

/** The median of the per-round ratios candidate/baseline, and in how many rounds the candidate was lower. */
function compare(values: Record<(typeof sides)[number], number[]>) {
  // Each round's ratio: the drift the two shared in that round cancels out.
  const ratios = values.candidate.map((value, i) => Math.round((value / values.baseline[i]!) * 1000) / 1000);
  return {
    ratioPerRound: ratios,
    candidateVsBaseline: median(ratios),
    candidateLowerInRounds: `${values.candidate.filter((value, i) => value < values.baseline[i]!).length}/${ROUNDS}`,
  };
}

/** Paths as seen from the repository's root. */
const buildPaths = () => ({ baseline: relative(repoRoot, builds.baseline), candidate: relative(repoRoot, builds.candidate) });

/** `--path restart`: spawn → listening and spawn → first FAQ answer of each build, restarted in turn. */
async function restartRounds(tokens: Record<(typeof sides)[number], string>): Promise<void> {
  const listen: Record<(typeof sides)[number], number[]> = { baseline: [], candidate: [] };
  const firstAnswer: Record<(typeof sides)[number], number[]> = { baseline: [], candidate: [] };
  let errors = 0;
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      servers[side] = await servers[side].restart();
      const asked = performance.now();
      const response = await sender(servers[side], tokens[side])(r);
      const route = ((await response.json()) as { route?: string }).route;
      if (response.status !== 200 || route !== 'faq') errors += 1;
      listen[side].push(round(servers[side].startMs));
      firstAnswer[side].push(round(servers[side].startMs + performance.now() - asked));
    }
  }
  writeResult('ab-builds', {
    builds: buildPaths(),
    path,
    rounds: ROUNDS,
    errors,
    startToListenMs: listen,
    startToFirstAnswerMs: firstAnswer,
    medianStartToFirstAnswerMs: { baseline: round(median(firstAnswer.baseline)), candidate: round(median(firstAnswer.candidate)) },
    ...compare(firstAnswer),
    note: 'each round restarts both builds one after the other (order alternating) on their own data folder; time from spawning the process to the first FAQ answer',
  });
  if (errors > 0) process.exitCode = 1;
}

/** `--path faq|cache`: both builds under one closed loop whose requests alternate between them. */
async function loadRounds(send: Record<(typeof sides)[number], Sender>): Promise<void> {
  // One closed loop whose requests alternate between the two: both get the same load at the same moments.
  const both: Sender = (i) => send[sides[i % 2]!](Math.floor(i / 2));
  await closedLoop(both, { concurrency: 2 * CONCURRENCY, total: 600 });
  const cpu: Record<(typeof sides)[number], number[]> = { baseline: [], candidate: [] };
  let errors = 0;
  for (let r = 0; r < ROUNDS; r += 1) {
    const before = { baseline: servers.baseline.cpuMs(), candidate: servers.candidate.cpuMs() };
    const load = await closedLoop(both, { concurrency: 2 * CONCURRENCY, total: 2 * REQUESTS });
    errors += load.errors;
    for (const side of sides) cpu[side].push(round((servers[side].cpuMs() - before[side]) / REQUESTS));
  }
  const medians = { baseline: median(cpu.baseline), candidate: median(cpu.candidate) };
  writeResult('ab-builds', {
    builds: buildPaths(),
    path,
    concurrencyEach: CONCURRENCY,
    // Requests alternate: with `concurrency` per build, the loop keeps twice that in flight.
    requestsPerRound: REQUESTS,
    rounds: ROUNDS,
    errors,
    runtimeCpuMsPerRequest: { baseline: cpu.baseline, candidate: cpu.candidate },
    medianCpuMsPerRequest: { baseline: round(medians.baseline), candidate: round(medians.candidate) },
    // One build against itself (A/A, two runs of 7 rounds on the 2-core machine) gave rounds of
    // 0.85–1.08 and medians of 0.98 and 1.02: a median within ±3 % is noise; read it with
    // `candidateLowerInRounds`.
    ...compare(cpu),
    note: 'both builds run at the same time, requests alternating between them; CPU per request of each runtime process (user + system)',
  });
  if (errors > 0) process.exitCode = 1;
}

const servers = { baseline: await startBenchServer({}, { cli: builds.baseline }), candidate: await startBenchServer({}, { cli: builds.candidate }) };
try {
  const tokens = { baseline: await prepare(servers.baseline), candidate: await prepare(servers.candidate) };
  if (path === 'restart') await restartRounds(tokens);
  else await loadRounds({ baseline: sender(servers.baseline, tokens.baseline), candidate: sender(servers.candidate, tokens.candidate) });
} finally {
  await Promise.all(sides.map((side) => servers[side].close()));
}
