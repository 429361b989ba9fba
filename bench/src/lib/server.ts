/**
 * The runtime under test: the real `serve` (`startServer` from apps/runtime/src/cli/serve.ts),
 * in this process, on a fresh temp data folder — the embedded default (PGlite + local LanceDB) —
 * or on Postgres/Redis when `BENCH_DATABASE_URL` / `BENCH_REDIS_URL` are set. Loopback only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../apps/runtime/src/cli/serve';
import { formatKeyring, generateSecretKey, loadConfig } from '../../../apps/runtime/src/config';
import { DEFAULT_BILLING_CONFIG } from '../../../packages/billing/src/plans';

/**
 * The default plans with rate limits and included chats raised out of the way: the benchmark
 * measures the answering path, not the per-plan guard (which the billing tests cover).
 */
function benchBillingConfig(): unknown {
  const open = { tenant: { capacity: 1_000_000, refillPerSecond: 100_000 }, customer: { capacity: 1_000_000, refillPerSecond: 100_000 } };
  return { ...DEFAULT_BILLING_CONFIG, plans: DEFAULT_BILLING_CONFIG.plans.map((plan) => ({ ...plan, includedChats: 10_000_000, rateLimits: open })) };
}

/** A running runtime plus small HTTP helpers. */
export interface BenchServer {
  readonly running: RunningServer;
  readonly url: string;
  readonly db: 'pglite' | 'postgres';
  /** Milliseconds from the call to `startServer` until it listened. */
  readonly startMs: number;
  /** JSON call; throws on a non-2xx unless `allow` lists the status. */
  json<T = Record<string, unknown>>(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string>; allow?: number[] }): Promise<{ status: number; body: T }>;
  /** Signs a tenant up through the API; returns its id and an admin token. */
  signup(label: string): Promise<{ tenantId: string; token: string }>;
  stop(): Promise<void>;
}

/** Starts the runtime with extra environment (e.g. provider API bases pointing at fakes); `worker: false` runs no jobs in it. */
export async function startBenchServer(env: Record<string, string> = {}, options: { worker?: boolean } = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-bench-'));
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const redisUrl = process.env.BENCH_REDIS_URL;
  const billingConfig = join(dataDir, 'bench-billing.json');
  writeFileSync(billingConfig, JSON.stringify(benchBillingConfig()));
  const config = loadConfig(
    {
      CHATBOT_DATA_DIR: dataDir,
      CHATBOT_JWT_SECRET: 'bench-jwt-secret-0123456789-0123456789-abcdefgh',
      CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
      CHATBOT_PUBLIC_URL: 'https://bot.bench.example.vn',
      LOG_LEVEL: 'silent',
      PORT: '0',
      CHATBOT_BILLING_CONFIG: billingConfig,
      HOST: '127.0.0.1',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      ...env,
    },
    dataDir,
  );
  const started = performance.now();
  // `worker: false` (Postgres only): the API process alone, as deployed beside separate workers.
  const running = await startServer(config, { print: () => undefined, ...(options.worker === false ? { worker: false } : {}) });
  const startMs = performance.now() - started;
  const url = running.url;
  const json: BenchServer['json'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    if ((res.status < 200 || res.status >= 300) && !(options.allow ?? []).includes(res.status)) {
      throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    }
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as never };
  };
  let signups = 0;
  return {
    running,
    url,
    db: running.runtime.db.kind === 'pglite' ? 'pglite' : 'postgres',
    startMs,
    json,
    async signup(label) {
      signups += 1;
      const { body } = await json<{ access_token: string; tenant: { id: string } }>('POST', '/v1/auth/signup', {
        body: { tenant_name: `Cửa hàng ${label} ${signups}`, email: `${label}-${signups}-${Date.now()}@bench.example.vn`, password: 'Mat-khau-rat-dai-2025!' },
      });
      return { tenantId: body.tenant.id, token: body.access_token };
    },
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
