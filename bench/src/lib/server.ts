/**
 * The runtime under test: the built CLI (`node apps/runtime/dist/cli.js serve`) in its own
 * process (extra Node flags from `BENCH_NODE_ARGS`), on a temp data folder — the embedded default (PGlite + local LanceDB) — or on
 * Postgres/Redis when `BENCH_DATABASE_URL` / `BENCH_REDIS_URL` are set. Loopback only.
 *
 * A separate process, as in production: the load generator and the fake providers in this process
 * do not share the runtime's event loop, and the RSS read from `/proc/<pid>/status` is the
 * runtime's alone. `make bench` builds first; run `pnpm run build` before a benchmark run by hand.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatKeyring, generateSecretKey } from '../../../apps/runtime/src/config';
import { DEFAULT_BILLING_CONFIG } from '../../../packages/billing/src/plans';

/** This checkout's runtime build. */
export const BUILT_CLI = join(dirname(fileURLToPath(import.meta.url)), '../../../apps/runtime/dist/cli.js');
/** The runtime build under test; `BENCH_CLI` points at another build's `cli.js` (an A/B against an older commit). */
const CLI = process.env.BENCH_CLI ?? BUILT_CLI;

/**
 * The default plans with rate limits and included chats raised out of the way: the benchmark
 * measures the answering path, not the per-plan guard (which the billing tests cover).
 */
function benchBillingConfig(): unknown {
  const open = { tenant: { capacity: 1_000_000, refillPerSecond: 100_000 }, customer: { capacity: 1_000_000, refillPerSecond: 100_000 } };
  return { ...DEFAULT_BILLING_CONFIG, plans: DEFAULT_BILLING_CONFIG.plans.map((plan) => ({ ...plan, includedChats: 10_000_000, rateLimits: open })) };
}

/** A running runtime process plus small HTTP helpers. */
export interface BenchServer {
  readonly url: string;
  readonly db: 'pglite' | 'postgres';
  readonly pid: number;
  /** The runtime's data folder (`CHATBOT_DATA_DIR`). */
  readonly dataDir: string;
  /** Milliseconds from spawning the process until it printed that it listens. */
  readonly startMs: number;
  /** The runtime process's resident set size now, in MiB (Linux `/proc`). */
  rssMb(): number;
  /** The same, split into anonymous memory (heaps, WebAssembly memory) and mapped files (code). */
  rssParts(): RssParts;
  /** CPU time the runtime process has used so far (user + system), in milliseconds. */
  cpuMs(): number;
  /** JSON call; throws on a non-2xx unless `allow` lists the status. */
  json<T = Record<string, unknown>>(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string>; allow?: number[] }): Promise<{ status: number; body: T }>;
  /** Signs a tenant up through the API; returns its id and an admin token. */
  signup(label: string): Promise<{ tenantId: string; token: string }>;
  /** Graceful stop (SIGTERM); the data folder is kept for `restart`. */
  stop(): Promise<void>;
  /** Stops, then starts a new process on the same data folder (a restart of the service). */
  restart(): Promise<BenchServer>;
  /** Stops and deletes the data folder. */
  close(): Promise<void>;
}

/**
 * Starts the runtime with extra environment (e.g. provider API bases pointing at fakes).
 * `worker: false` runs no jobs in it; `worker: 'process'` (Postgres) runs them in a separate
 * `agent-chatbot worker` process beside it, as the compose and Helm deployments do. `cli` runs
 * another build's `cli.js` (default: `BENCH_CLI`, else this checkout's build).
 */
export async function startBenchServer(env: Record<string, string> = {}, options: { worker?: boolean | 'process'; cli?: string } = {}): Promise<BenchServer> {
  const cli = options.cli ?? CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm run build\` (or \`make bench\`) first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-bench-'));
  const billingConfig = join(dataDir, 'bench-billing.json');
  writeFileSync(billingConfig, JSON.stringify(benchBillingConfig()));
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  const redisUrl = process.env.BENCH_REDIS_URL;
  const fullEnv: Record<string, string> = {
    CHATBOT_DATA_DIR: dataDir,
    CHATBOT_JWT_SECRET: 'bench-jwt-secret-0123456789-0123456789-abcdefgh',
    CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    CHATBOT_PUBLIC_URL: 'https://bot.bench.example.vn',
    LOG_LEVEL: 'silent',
    PORT: '0',
    CHATBOT_BILLING_CONFIG: billingConfig,
    // The signed-in owner's own bucket (600, then 10/s) would turn a long run into 429s.
    CHATBOT_SESSION_RATE_CAPACITY: '1000000',
    CHATBOT_SESSION_RATE_PER_SECOND: '100000',
    HOST: '127.0.0.1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...env,
  };
  // BENCH_NODE_ARGS: extra Node flags for the runtime, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...nodeArgs, cli, 'serve', ...(options.worker === false || options.worker === 'process' ? ['--no-worker'] : [])];
  const server = await spawnServer(args, fullEnv, dataDir, databaseUrl ? 'postgres' : 'pglite');
  if (options.worker !== 'process') return server;
  if (!databaseUrl) throw new Error("worker: 'process' needs BENCH_DATABASE_URL (PGlite allows one process)");
  const worker = await spawnWorker([...nodeArgs, cli, 'worker'], fullEnv);
  return {
    ...server,
    stop: async () => {
      await stopChild(worker);
      await server.stop();
    },
    close: async () => {
      await stopChild(worker);
      await server.close();
    },
    restart: () => Promise.reject(new Error('restart is not supported with a separate worker process')),
  };
}

/** An `agent-chatbot worker` process, once it logged that it runs. */
async function spawnWorker(args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env: { ...inheritedEnv(), ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-4000);
      if (out.includes('Worker running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before running: ${out}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

/** This shell's environment minus any runtime settings (the benchmark sets its own). */
function inheritedEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(CHATBOT_|DATABASE_URL$|REDIS_URL$|PORT$|HOST$)/.test(key)));
}

async function spawnServer(args: string[], env: Record<string, string>, dataDir: string, db: BenchServer['db']): Promise<BenchServer> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...inheritedEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`runtime exited (${code}) before listening: ${stderr}`)));
  });
  const startMs = performance.now() - started;
  const pid = child.pid!;
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
  const stop = () => stopChild(child);
  const server: BenchServer = {
    url,
    db,
    pid,
    dataDir,
    startMs,
    rssMb: () => rssPartsOf(pid).total,
    rssParts: () => rssPartsOf(pid),
    cpuMs: () => cpuMsOf(pid),
    json,
    async signup(label) {
      signups += 1;
      const { body } = await json<{ access_token: string; tenant: { id: string } }>('POST', '/v1/auth/signup', {
        body: { tenant_name: `Cửa hàng ${label} ${signups}`, email: `${label}-${signups}-${Date.now()}@bench.example.vn`, password: 'Mat-khau-rat-dai-2025!' },
      });
      return { tenantId: body.tenant.id, token: body.access_token };
    },
    stop,
    async restart() {
      await stop();
      return spawnServer(args, env, dataDir, db);
    },
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * VmRSS of a process split as Linux counts it, in MiB. `file` is mapped code (the `node` binary,
 * LanceDB's native library): shared, reclaimable page cache, whose size here depends on how the
 * kernel last read those files — on kernels with large page-cache folios (ext4, 6.16+) a file just
 * written by an install is mapped in 2 MiB pages and counts ~95 MiB more than after a cold read.
 */
export interface RssParts {
  readonly total: number;
  readonly anon: number;
  readonly file: number;
}

/** {@link RssParts} of a process (zeros when it has exited). */
export function rssPartsOf(pid: number): RssParts {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    const mb = (value: number) => Math.round(value / 1024);
    return { total: mb(kb('VmRSS')), anon: mb(kb('RssAnon')), file: mb(kb('RssFile') + kb('RssShmem')) };
  } catch {
    return { total: 0, anon: 0, file: 0 };
  }
}

/** User + system CPU time of a process in milliseconds (`/proc/<pid>/stat`, clock ticks of 10 ms; 0 when it has exited). */
export function cpuMsOf(pid: number): number {
  try {
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
