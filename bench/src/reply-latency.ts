/**
 * End-to-end reply latency through the runtime's HTTP API (`POST /v1/tenant/test-chat`, messages
 * stored), against the bare `/healthz` of the same server at the same concurrency:
 * - a 30-entry FAQ tenant (answers without a model), p50/p95 at concurrency 1, answers/s at 10;
 * - the model path with a fake OpenAI at 0 ms and 800 ms (uncached: `skip_cache`);
 * - the cache-hit path (same question, cache allowed);
 * - the runtime process's RSS (anonymous + mapped files) 2 s after a warm-up, after 30 s of quiet
 *   and at its peak under load (it runs in its own process: lib/server.ts);
 * - start → first answered request on the embedded default: the first start on an empty data
 *   folder (creating the database) and a restart of the same folder (what a deploy or a reboot does);
 * - 50 simultaneous conversations against a 1 s model, with event-loop lag.
 *
 *   pnpm --filter @agent-chatbot/bench exec tsx src/reply-latency.ts [--requests 300] [--slow-requests 20]
 */
import { startFakeOpenAI } from '@agent-chatbot/testkit/fake-llm';
import { parseFlags } from './lib/args';
import { closedLoop, type LoadResult } from './lib/load';
import { runtimeLag } from './lib/metrics';
import { writeResult } from './lib/output';
import { startBenchServer } from './lib/server';
import { faqEntries } from './lib/shop';
import { cpuYardstickMs, ratio, round, summarize } from './lib/stats';

const flags = parseFlags();
const REQUESTS = flags.number('requests', flags.bool('quick') ? 100 : 300);
const SLOW_REQUESTS = flags.number('slow-requests', flags.bool('quick') ? 10 : 20);
/** How long the server sits idle before the second idle reading (`--quiet-seconds`). */
const QUIET_MS = flags.number('quiet-seconds', flags.bool('quick') ? 10 : 30) * 1000;
const KEY = 'sk-bench-own-key-0123456789abcdef';
const JACKET_DOC =
  'Áo khoác gió hai lớp của shop chống nước nhẹ, có mũ trùm, màu xanh navy, đen và xám, size M, L, XL, giá 350.000đ. ' +
  'Áo khoác gió giặt máy được, bảo hành đường may 6 tháng, đổi size trong 7 ngày.';

// A fixed CPU workload timed before and after the run: how fast this (shared) machine was.
const yardstickBefore = cpuYardstickMs();
const fake = await startFakeOpenAI({ apiKey: KEY, responder: () => 'Dạ, sản phẩm này còn hàng ạ, anh/chị cần size nào ạ?' });
let server = await startBenchServer();
try {
  const tenant = await server.signup('bench');
  const chat = (message: string, extra: Record<string, unknown> = {}) => (i: number) =>
    fetch(`${server.url}/v1/tenant/test-chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: message.replace('{i}', String(i)), ...extra }),
    });
  const healthz = () => fetch(`${server.url}/healthz`);

  // Start → first answered request: one FAQ entry, then one test chat answered from it.
  const faq = faqEntries();
  await server.json('POST', '/v1/tenant/faq', { token: tenant.token, body: faq[0] });
  const first = performance.now();
  const firstAnswer = await (await chat(faq[0]!.question)(0)).json() as { route: string };
  const firstStartToFirstAnswerMs = server.startMs + (performance.now() - first);
  for (const entry of faq.slice(1)) await server.json('POST', '/v1/tenant/faq', { token: tenant.token, body: entry });
  // One product document, so questions outside the FAQ find knowledge and go to the model.
  const form = new FormData();
  form.append('file', new Blob([JACKET_DOC], { type: 'text/plain' }), 'ao-khoac-gio.txt');
  const upload = (await (await fetch(`${server.url}/v1/tenant/documents`, { method: 'POST', headers: { authorization: `Bearer ${tenant.token}` }, body: form })).json()) as { items: Array<{ document?: { id: string } }> };
  const docId = upload.items[0]?.document?.id;
  if (!docId) throw new Error(`upload failed: ${JSON.stringify(upload)}`);
  for (let i = 0; i < 600; i += 1) {
    const { body } = await server.json<{ status: string }>('GET', `/v1/tenant/documents/${docId}`, { token: tenant.token });
    if (body.status === 'ready') break;
    if (body.status === 'failed') throw new Error('document failed');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.json('PUT', '/v1/tenant/llm', { token: tenant.token, body: { provider: 'openai', base_url: fake.baseURL, api_key: KEY, key_mode: 'own', cheap_model: 'gpt-4o-mini' } });

  // Restart on the same data folder; time from spawning the process to the first answered request.
  server = await server.restart();
  const restarted = performance.now();
  const restartAnswer = await chat(faq[1]!.question)(0);
  const restartRoute = ((await restartAnswer.json()) as { route: string }).route;
  const restartToFirstAnswerMs = server.startMs + (performance.now() - restarted);

  // Warm up both paths, then let the heap settle for the idle figure.
  await closedLoop(healthz, { concurrency: 2, total: 50 });
  await closedLoop((i) => chat(faq[i % faq.length]!.question, { skip_cache: true })(i), { concurrency: 2, total: 30 });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssIdleMb = server.rssMb();
  const rssIdleParts = server.rssParts();
  // A server that stays idle: V8's memory reducer shrinks the heap ~8–30 s after the last activity.
  // Its CPU meanwhile is the background work (job polling, schedules, timers) a quiet shop pays for.
  const cpuBeforeQuiet = server.cpuMs();
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  const rssQuiet = server.rssParts();
  const idleCpuMsPerSecond = round((server.cpuMs() - cpuBeforeQuiet) / (QUIET_MS / 1000));

  const run = async (label: string, concurrency: number, total: number, send: (i: number) => Promise<Response>) => {
    const base = await closedLoop(healthz, { concurrency, total });
    // Which route answered each request (faq / cache / cheap model / fallback).
    const routes: Record<string, number> = {};
    const onBody = (text: string) => {
      const route = (JSON.parse(text) as { route?: string }).route ?? 'none';
      routes[route] = (routes[route] ?? 0) + 1;
    };
    const cpuBefore = server.cpuMs();
    const load = await closedLoop(send, { concurrency, total, onBody });
    // The runtime's own CPU per request: steadier across machines and load than answers/s, since
    // the load generator shares the two cores.
    const runtimeCpuMsPerRequest = round((server.cpuMs() - cpuBefore) / total);
    return { ...describe(label, load, base), routes, runtimeCpuMsPerRequest };
  };
  let rssPeakMb = rssIdleMb;
  let rssPeakParts = rssIdleParts;
  const peak = setInterval(() => {
    const parts = server.rssParts();
    if (parts.total > rssPeakMb) [rssPeakMb, rssPeakParts] = [parts.total, parts];
  }, 100);

  const faqSerial = await run('faq, concurrency 1', 1, REQUESTS, (i) => chat(faq[i % faq.length]!.question, { skip_cache: true })(i));
  const faqParallel = await run('faq, concurrency 10', 10, REQUESTS * 2, (i) => chat(faq[i % faq.length]!.question, { skip_cache: true })(i));
  const cacheHit = await run('cache hit, concurrency 1', 1, REQUESTS, chat('Áo khoác gió có chống nước không?'));
  fake.setLatency(0);
  const model0 = await run('model 0 ms, concurrency 1', 1, Math.ceil(REQUESTS / 2), chat('Áo khoác gió số {i} có chống nước không?', { skip_cache: true }));
  fake.setLatency(800);
  const model800 = await run('model 800 ms, concurrency 10', 10, SLOW_REQUESTS * 2, chat('Áo khoác gió số {i} còn màu xanh không?', { skip_cache: true }));

  // 50 simultaneous conversations against a 1 s model; the runtime's event loop must stay
  // responsive. Its lag comes from its own /metrics (prom-client resets the histogram on each
  // scrape, so the scrape before the run starts the window and the one after reads it).
  fake.setLatency(1000);
  await runtimeLag(server.url);
  const fifty = await closedLoop(chat('Khách số {i} hỏi: áo khoác gió có màu xám size XL không?', { skip_cache: true }), { concurrency: 50, total: 50 });
  const lag = await runtimeLag(server.url);
  clearInterval(peak);
  fake.setLatency(0);

  writeResult('reply-latency', {
    db: server.db,
    cpuYardstickMs: { before: yardstickBefore, after: cpuYardstickMs() },
    firstStart: { toFirstAnswerMs: round(firstStartToFirstAnswerMs), route: firstAnswer.route, note: 'empty data folder: creates and migrates the database' },
    restart: { toListenMs: round(server.startMs), toFirstAnswerMs: round(restartToFirstAnswerMs), route: restartRoute, status: restartAnswer.status },
    // Runtime CPU per second of the quiet period (no requests): background work only.
    idleCpuMsPerSecond,
    rssMb: {
      idle: rssIdleMb,
      peakUnderLoad: rssPeakMb,
      idleQuiet: rssQuiet.total,
      quietSeconds: QUIET_MS / 1000,
      parts: { idle: rssIdleParts, idleQuiet: rssQuiet, peakUnderLoad: rssPeakParts },
      note: 'the runtime process alone (VmRSS = anon + file), the load generator and fakes run in the benchmark process; idle is 2 s after the warm-up',
    },
    faqSerial,
    faqParallel,
    cacheHit,
    model0,
    model800,
    fiftyConversationsSlowModel: {
      ...summarize(fifty.samples.map((s) => s.ms)),
      errors: fifty.errors,
      eventLoopLagMs: { ...lag, of: 'the runtime process (its /metrics)' },
    },
    targets: {
      'faq p50 ≤ 10 ms': faqSerial.errors === 0 && faqSerial.latency.p50 <= 10,
      'faq p95 ≤ 25 ms': faqSerial.latency.p95 <= 25,
      '≥ 250 answers/s at concurrency 10': faqParallel.errors === 0 && faqParallel.ratePerSecond >= 250,
      'rss idle ≤ 200 MiB (2 s after the warm-up, and after the quiet period)': rssIdleMb <= 200 && rssQuiet.total <= 200,
      'rss under load ≤ 400 MiB': rssPeakMb <= 400,
      'start to first answer ≤ 2 s (restart)': restartAnswer.status === 200 && restartToFirstAnswerMs <= 2000,
      'start to first answer ≤ 2 s (first start, empty folder)': firstStartToFirstAnswerMs <= 2000,
      'cache hit p50 ≤ 5 ms': cacheHit.errors === 0 && cacheHit.latency.p50 <= 5,
      '50 conversations, no errors, lag < 50 ms': fifty.errors === 0 && lag.p99 < 50,
    },
  });
} finally {
  await server.close();
  await fake.close();
}

function describe(label: string, load: LoadResult, base: LoadResult) {
  const latency = summarize(load.samples.map((s) => s.ms));
  const baseline = summarize(base.samples.map((s) => s.ms));
  return {
    label,
    latency,
    errors: load.errors,
    statuses: countStatuses(load),
    ratePerSecond: round(load.rate),
    baselineHealthz: { ...baseline, ratePerSecond: round(base.rate) },
    p50VsBaseline: ratio(latency.p50, baseline.p50),
    rateVsBaseline: ratio(load.rate, base.rate),
  };
}

function countStatuses(load: LoadResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of load.samples) counts[sample.status] = (counts[sample.status] ?? 0) + 1;
  return counts;
}
