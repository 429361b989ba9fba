/**
 * The whole runtime for the security sweep: the real createRuntime over a fresh Postgres test
 * database (cloned from the migrated template), EVERY feature of `featureFactories` (so the
 * OpenAPI document lists every operation), pg-boss working, the Express app on 127.0.0.1:0.
 * Plan rate limits and the per-person session bucket are opened (a fuzzer would otherwise only
 * ever see 429).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BILLING_CONFIG } from '@agent-chatbot/billing';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { closeFeatures, createFeatures, registerFeatureJobs, type RuntimeFeature } from '../../src/features/index';
import { createApp } from '../../src/http/app';
import { createRuntime, type Runtime } from '../../src/runtime';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

/** A parsed response. */
export interface SecurityResponse {
  status: number;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
}

/** Options of one call. */
export interface SecurityCall {
  token?: string;
  body?: unknown;
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** The running rig. */
export interface SecurityRig {
  readonly runtime: Runtime;
  readonly database: TestDatabase;
  readonly baseUrl: string;
  call(method: string, path: string, options?: SecurityCall): Promise<SecurityResponse>;
  /** Multipart upload of `files` under the field name `file`. */
  upload(path: string, token: string, files: ReadonlyArray<{ name: string; content: Uint8Array | string; type?: string }>): Promise<SecurityResponse>;
  /** Signs a tenant up through the API. */
  signup(label: string): Promise<{ tenantId: string; token: string; email: string }>;
  close(): Promise<void>;
}

/** Starts the rig (extra environment merged over the defaults). */
export async function startSecurityRig(env: Record<string, string> = {}): Promise<SecurityRig> {
  const database = await createTestDatabase({ max: 6 });
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-security-'));
  const open = { tenant: { capacity: 1_000_000, refillPerSecond: 100_000 }, customer: { capacity: 1_000_000, refillPerSecond: 100_000 } };
  const billingPath = join(dataDir, 'billing.json');
  writeFileSync(billingPath, JSON.stringify({ ...DEFAULT_BILLING_CONFIG, plans: DEFAULT_BILLING_CONFIG.plans.map((plan) => ({ ...plan, rateLimits: open })) }));
  const config = loadConfig({
    CHATBOT_DATA_DIR: dataDir,
    CHATBOT_JWT_SECRET: 'security-sweep-secret-0123456789-0123456789-abcdef',
    CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    CHATBOT_PUBLIC_URL: 'https://bot.example.vn',
    CHATBOT_BILLING_CONFIG: billingPath,
    CHATBOT_SESSION_RATE_CAPACITY: '1000000',
    CHATBOT_SESSION_RATE_PER_SECOND: '100000',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const runtime = await createRuntime(config, { db: database.db, migrate: false });
  const features: RuntimeFeature[] = createFeatures(runtime);
  registerFeatureJobs(features);
  await runtime.jobs.start({ work: true });
  const app = createApp(runtime, {}, features);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const parse = async (res: Response): Promise<SecurityResponse> => {
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, text, body };
  };
  const call: SecurityRig['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | Uint8Array | undefined = options.rawBody;
    if (payload === undefined && options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    return parse(await fetch(`${baseUrl}${path}`, { method, headers, body: payload }));
  };
  let signups = 0;
  return {
    runtime,
    database,
    baseUrl,
    call,
    async upload(path, token, files) {
      const form = new FormData();
      for (const file of files) form.append('file', new Blob([file.content], { type: file.type ?? 'application/octet-stream' }), file.name);
      return parse(await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }));
    },
    async signup(label) {
      signups += 1;
      const email = `${label}-${signups}-${Date.now()}@example.vn`;
      const res = await call('POST', '/v1/auth/signup', { body: { tenant_name: `Cửa hàng ${label} ${signups}`, email, password: 'Mat-khau-rat-dai-2025!' } });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
      return { tenantId: res.body.tenant.id as string, token: res.body.access_token as string, email };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeFeatures(features, () => undefined);
      await runtime.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
