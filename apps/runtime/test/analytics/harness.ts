/**
 * A runtime with the knowledge and analytics features over a test database (PGlite or Postgres):
 * HTTP app on 127.0.0.1:0, jobs working, data folder in a temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyticsFeature } from '../../src/analytics/feature';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { RuntimeDb } from '../../src/db/index';
import { closeFeatures, createFeatures, registerFeatureJobs } from '../../src/features/index';
import { createApp } from '../../src/http/app';
import { knowledgeFeature } from '../../src/knowledge/feature';
import { createRuntime, type Runtime } from '../../src/runtime';

/** A parsed response. */
export interface Res {
  status: number;
  text: string;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
}

/** A running analytics app. */
export interface AnalyticsApp {
  readonly runtime: Runtime;
  readonly baseUrl: string;
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<Res>;
  /** A plain GET that does not follow redirects. */
  get(path: string, headers?: Record<string, string>): Promise<Res>;
  signup(label: string): Promise<{ token: string; tenantId: string }>;
  close(): Promise<void>;
}

async function parse(res: Response): Promise<Res> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, text, headers: res.headers, body };
}

/** Starts the app over `db` (closed with the app). */
export async function startAnalyticsApp(db: RuntimeDb): Promise<AnalyticsApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-analytics-'));
  const config = loadConfig({
    CHATBOT_DATA_DIR: dataDir,
    CHATBOT_JWT_SECRET: 'analytics-test-secret-0123456789-0123456789-abcdef',
    CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    CHATBOT_PUBLIC_URL: 'https://bot.example.vn',
    LOG_LEVEL: 'silent',
  });
  const runtime = await createRuntime(config, { db });
  const features = createFeatures(runtime, [knowledgeFeature, analyticsFeature]);
  registerFeatureJobs(features);
  await runtime.jobs.start({ work: true });
  const app = createApp(runtime, {}, features);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call: AnalyticsApp['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return parse(await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) }));
  };
  let counter = 0;
  return {
    runtime,
    baseUrl,
    call,
    get: async (path, headers = {}) => parse(await fetch(`${baseUrl}${path}`, { redirect: 'manual', headers })),
    async signup(label) {
      counter += 1;
      const res = await call('POST', '/v1/auth/signup', {
        body: { tenant_name: `Cửa hàng ${label} ${counter}`, email: `${label}-${Date.now()}-${counter}@example.vn`, password: 'Mat-khau-rat-dai-2025!' },
      });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
      return { token: res.body.access_token as string, tenantId: res.body.tenant.id as string };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeFeatures(features, () => undefined);
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
