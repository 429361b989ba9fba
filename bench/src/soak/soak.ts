/**
 * `make soak`: several tenants, all four channels, through the fake providers, with faults:
 * duplicate webhook deliveries, the worker process killed with SIGKILL and restarted, every
 * database connection of the soak database terminated (pg_terminate_backend, the shared server
 * stays up), ~10 % of model calls failing or timing out and ~10 % of channel sends failing.
 * Afterwards every inbound message must have exactly one bot reply (sent, or visible as a dead
 * letter), no reply may have gone out twice (counted at the fake servers) and nothing stored may
 * be lost. Prints the counts as JSON (bench/results/soak.json) and exits 1 otherwise.
 *
 *   pnpm --filter @agent-chatbot/bench run soak -- --minutes 2   (default 1, at most 10)
 *   Needs Postgres (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres); uses its own scratch database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeOpenAI } from '@agent-chatbot/testkit/fake-llm';
import { startServer } from '../../../apps/runtime/src/cli/serve';
import { formatKeyring, generateSecretKey, loadConfig } from '../../../apps/runtime/src/config';
import { loadConnection } from '../../../apps/runtime/src/channels/connection-store';
import { lineKit, messengerKit, telegramKit, zaloKit, type KitDriver, type ProviderKit } from '../../../apps/runtime/test/channels/provider-kits';
import { createTestDatabase, postgresUnavailable } from '../../../apps/runtime/test/helpers/postgres';
import { DEFAULT_BILLING_CONFIG } from '../../../packages/billing/src/plans';
import { parseFlags } from '../lib/args';
import { writeResult } from '../lib/output';
import { faqEntries } from '../lib/shop';
import { checkSoak } from './soak-checks';

const flags = parseFlags(process.argv.slice(2).filter((arg) => arg !== '--'));
const MINUTES = Math.min(10, flags.number('minutes', 1));
const RATE = flags.number('rate', 4); // inbound messages per second, all channels together
// A killed worker's jobs come back once they expire (3 minutes for the answering jobs) plus
// pg-boss's monitor interval: drain long enough to see them answered.
const DRAIN_SECONDS = flags.number('drain-seconds', 300);
const KEY = 'sk-soak-own-key-0123456789abcdef';
const JACKET_DOC =
  'Áo khoác gió hai lớp của shop chống nước nhẹ, có mũ trùm, màu xanh navy, đen và xám, size M, L, XL, giá 350.000đ. ' +
  'Áo khoác gió giặt máy được, bảo hành đường may 6 tháng, đổi size trong 7 ngày.';
const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

const unavailable = await postgresUnavailable();
if (unavailable) {
  log(`Postgres is required: ${unavailable}`);
  process.exit(2);
}

// Model: ~7 % answered 500, ~3 % slower than the runtime's 30 s call timeout.
let modelCalls = 0;
let modelFaults = 0;
const model = await startFakeOpenAI({
  apiKey: KEY,
  responder: async () => {
    modelCalls += 1;
    const roll = Math.random();
    if (roll < 0.07) {
      modelFaults += 1;
      throw new Error('injected model failure');
    }
    if (roll < 0.1) {
      modelFaults += 1;
      await sleep(35_000);
    }
    return 'Dạ, sản phẩm này còn hàng ạ, anh/chị cần thêm thông tin gì không ạ?';
  },
});
const kits: ProviderKit[] = [await zaloKit(), await messengerKit(), await telegramKit(), await lineKit()];
const database = await createTestDatabase({ max: 4 });
const dataDir = mkdtempSync(join(tmpdir(), 'acb-soak-'));
const open = { tenant: { capacity: 1_000_000, refillPerSecond: 100_000 }, customer: { capacity: 1_000_000, refillPerSecond: 100_000 } };
writeFileSync(join(dataDir, 'billing.json'), JSON.stringify({ ...DEFAULT_BILLING_CONFIG, plans: DEFAULT_BILLING_CONFIG.plans.map((plan) => ({ ...plan, includedChats: 10_000_000, rateLimits: open })) }));
const providerEnv = Object.fromEntries(
  Object.entries(Object.assign({}, ...kits.map((kit) => kit.providers)) as Record<string, string>).map(([key, value]) => [`CHATBOT_${key.replace(/([A-Z])/g, '_$1').toUpperCase()}`, value]),
);
const env: Record<string, string> = {
  DATABASE_URL: database.url,
  CHATBOT_DATA_DIR: dataDir,
  CHATBOT_JWT_SECRET: 'soak-jwt-secret-0123456789-0123456789-abcdefgh',
  CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
  CHATBOT_PUBLIC_URL: 'https://bot.soak.example.vn',
  CHATBOT_BILLING_CONFIG: join(dataDir, 'billing.json'),
  LOG_LEVEL: 'silent',
  PORT: '0',
  HOST: '127.0.0.1',
  ...providerEnv,
};

let worker: ChildProcess | undefined;
const startWorkerProcess = async () => {
  // node itself (tsx as a loader), not the tsx CLI: the CLI forwards signals to a child node, so a
  // SIGKILL aimed at it would kill only the wrapper and leave the real worker running.
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'worker-main.ts')], {
    cwd: join(here, '..', '..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  worker = child;
};

// The API server runs in this process. An uncaught error here is what would have killed a real API
// process: it is recorded (and fails the verdict) instead of ending the run, so the counts still come out.
const crashes: string[] = [];
process.on('uncaughtException', (error) => {
  crashes.push(`${(error as Error).message} (${(error as { code?: string }).code ?? 'no code'})`);
  log(`API process would have crashed: ${(error as Error).stack?.split('\n').slice(0, 8).join(' | ')}`);
});
const server = await startServer(loadConfig(env, dataDir), { worker: false, print: () => undefined });
const faults = { workerKills: 0, dbTerminations: 0, terminatedBackends: 0, sendFailuresInjected: 0 };
try {
  await startWorkerProcess();
  // Four tenants, one channel each (the fakes know one account per provider), FAQ + a model key.
  const drivers: Array<{ kit: ProviderKit; driver: KitDriver; tenantId: string; connectionId: string }> = [];
  for (const kit of kits) {
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${server.url}${path}`, { method: path.endsWith('/llm') ? 'PUT' : 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- setup responses
      if (res.status >= 300) throw new Error(`${path} → ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const signup = await post('/v1/auth/signup', { tenant_name: `Shop soak ${kit.type}`, email: `soak-${kit.type}-${Date.now()}@example.vn`, password: 'Mat-khau-rat-dai-2025!' });
    const token = signup.access_token as string;
    const tenantId = signup.tenant.id as string;
    for (const entry of faqEntries().slice(0, 10)) await post('/v1/tenant/faq', entry, token);
    await post('/v1/tenant/llm', { provider: 'openai', base_url: model.baseURL, api_key: KEY, key_mode: 'own', cheap_model: 'gpt-4o-mini' }, token);
    // A product document, so most questions go to the (faulty) model rather than the FAQ.
    const form = new FormData();
    form.append('file', new Blob([JACKET_DOC], { type: 'text/plain' }), 'ao-khoac-gio.txt');
    const upload = (await (await fetch(`${server.url}/v1/tenant/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })).json()) as { items: Array<{ document?: { id: string } }> };
    const docId = upload.items[0]?.document?.id;
    for (let i = 0; docId && i < 600; i += 1) {
      const doc = (await (await fetch(`${server.url}/v1/tenant/documents/${docId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string };
      if (doc.status === 'ready' || doc.status === 'failed') break;
      await sleep(100);
    }
    const channel = await post('/v1/tenant/channels', { type: kit.type, config: kit.config() }, token);
    const stored = await server.runtime.db.tenant(tenantId, (tx) => loadConnection(tx, server.runtime.secretBox, channel.id as string));
    drivers.push({ kit, driver: kit.driver(`${server.url}/webhooks/${kit.type}/${channel.id}`, stored.config), tenantId, connectionId: channel.id as string });
  }
  log(`4 tenants ready; sending ${RATE}/s for ${MINUTES} min; worker pid ${worker?.pid}`);

  // About a third FAQ hits (no model), the rest about the jacket document (model path).
  const questions = [
    ...faqEntries().slice(0, 4).map((entry) => entry.question),
    'Áo khoác gió có màu xám không?', 'Áo khoác gió size XL giá bao nhiêu?', 'Áo khoác gió có chống nước không?', 'Áo khoác gió giặt máy được không?',
    'Áo khoác gió bảo hành bao lâu?', 'Áo khoác gió có mũ trùm không?', 'Áo khoác gió màu đen còn size M không?', 'Áo khoác gió đổi size được không?',
  ];
  let sent = 0;
  let duplicatesSent = 0;
  let webhookErrors = 0;
  const durationMs = MINUTES * 60_000;
  const started = Date.now();
  const killAt = [0.3, 0.7].map((f) => started + f * durationMs);
  const terminateAt = [0.5].map((f) => started + f * durationMs);
  const inflight = new Set<Promise<void>>();
  for (let i = 0; Date.now() - started < durationMs; i += 1) {
    const { kit, driver } = drivers[i % drivers.length]!;
    if (Math.random() < 0.1) {
      kit.failSends(1);
      faults.sendFailuresInjected += 1;
    }
    // A distinct text per message (an order number), so the answer cache does not hide the model.
    const raw = driver.textEvent(`${questions[i % questions.length]!} Mình hỏi cho đơn số ${1000 + i}.`);
    const copies = Math.random() < 0.2 ? 2 + Math.floor(Math.random() * 2) : 1;
    sent += 1;
    duplicatesSent += copies - 1;
    for (let c = 0; c < copies; c += 1) {
      // The provider retries until it gets a 200, like Zalo/Meta/Telegram/LINE do.
      const delivery = (async () => {
        for (let attempt = 0; attempt < 20; attempt += 1) {
          const status = await driver.post(raw).catch(() => 0);
          if (status === 200) return;
          webhookErrors += 1;
          await sleep(500);
        }
      })();
      inflight.add(delivery);
      void delivery.finally(() => inflight.delete(delivery));
    }
    if (killAt[0] !== undefined && Date.now() >= killAt[0]) {
      killAt.shift();
      const victim = worker;
      const gone = new Promise((resolve) => victim?.once('exit', resolve));
      victim?.kill('SIGKILL');
      await gone;
      faults.workerKills += 1;
      log(`SIGKILL worker ${worker?.pid}`);
      await sleep(1000);
      await startWorkerProcess();
      log(`worker restarted: ${worker?.pid}`);
    }
    if (terminateAt[0] !== undefined && Date.now() >= terminateAt[0]) {
      terminateAt.shift();
      const { rows } = await database.db.platform((tx) => tx.query<{ n: string }>('SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database.name]));
      faults.dbTerminations += 1;
      faults.terminatedBackends += Number(rows[0]!.n);
      log(`terminated ${rows[0]!.n} database connections`);
    }
    await sleep(1000 / RATE);
  }
  await Promise.all(inflight);
  log(`sent ${sent} messages (+${duplicatesSent} duplicate deliveries); draining up to ${DRAIN_SECONDS} s`);
  const report = await checkSoak({ db: database.db, drivers, expectedInbound: sent, drainSeconds: DRAIN_SECONDS, log });
  if (crashes.length) {
    report.ok = false;
    report.failures.push(`the API process hit ${crashes.length} uncaught error(s): ${crashes.join('; ')}`);
  }
  writeResult('soak', { apiProcessUncaughtErrors: crashes.length, minutes: MINUTES, rate: RATE, sent, duplicatesSent, webhookRetries: webhookErrors, faults: { ...faults, modelCalls, modelFaults }, ...report });
  process.exitCode = report.ok ? 0 : 1;
} finally {
  const last = worker;
  if (last && last.exitCode === null) {
    const exited = new Promise((resolve) => last.once('exit', resolve));
    last.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (last.exitCode === null) last.kill('SIGKILL');
  }
  await server.stop().catch(() => undefined);
  await Promise.all(kits.map((kit) => kit.close()));
  await model.close();
  await database.drop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit();
