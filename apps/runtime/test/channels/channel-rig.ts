/**
 * A running runtime for channel tests: the real createRuntime over a test database, the channels
 * feature (short delivery backoff), pg-boss working, the Express app on 127.0.0.1:0, and every
 * log line captured (for the "credentials never logged" check).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannelsFeature } from '../../src/channels/index';
import type { ChannelFeatureOptions } from '../../src/channels/channel-context';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { RuntimeDb } from '../../src/db/index';
import { createApp } from '../../src/http/app';
import { createRuntime, type Runtime } from '../../src/runtime';
import { createLogger } from '../../src/secrets/logger';

/** A parsed response. */
export interface RigResponse {
  status: number;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
}

/** The running rig. */
export interface ChannelRig {
  readonly runtime: Runtime;
  readonly baseUrl: string;
  /** Every log line, raw JSON. */
  readonly logs: string[];
  /** Every response body the tests received through {@link ChannelRig.call}. */
  readonly responses: string[];
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<RigResponse>;
  /** Signs up a new tenant through the API; returns its id and admin access token. */
  signup(label: string): Promise<{ tenantId: string; token: string }>;
  close(): Promise<void>;
}

/** Starts a rig over `db` (closed with the rig). */
export async function startChannelRig(db: RuntimeDb, feature: ChannelFeatureOptions): Promise<ChannelRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-channels-'));
  const logs: string[] = [];
  const responses: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const config = loadConfig({
    CHATBOT_DATA_DIR: dataDir,
    CHATBOT_JWT_SECRET: 'channel-tests-secret-0123456789-0123456789-abcdef',
    CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    CHATBOT_PUBLIC_URL: 'https://bot.example.vn',
    LOG_LEVEL: 'debug',
  });
  const runtime = await createRuntime(config, { db, migrate: false, logger });
  const channels = createChannelsFeature(runtime, { delivery: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, pollingIntervalSeconds: 0.5, ...feature });
  channels.registerJobs?.();
  await runtime.jobs.start({ work: true });
  const app = createApp(runtime, {}, [channels]);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call: ChannelRig['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    responses.push(text);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, text, body };
  };
  let signups = 0;
  return {
    runtime,
    baseUrl,
    logs,
    responses,
    call,
    async signup(label) {
      signups += 1;
      const res = await call('POST', '/v1/auth/signup', {
        body: { tenant_name: `Cửa hàng ${label}`, email: `${label}-${signups}-${Date.now()}@example.vn`, password: 'Mat-khau-rat-dai-2024!' },
      });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
      return { tenantId: res.body.tenant.id as string, token: res.body.access_token as string };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await channels.close?.();
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Posts a driver-built request (exact bytes and headers) to a real URL. */
export async function postRequest(url: string, request: Request): Promise<Response> {
  const body = request.method === 'GET' ? undefined : await request.text();
  return fetch(url + new URL(request.url).search, { method: request.method, headers: request.headers, body });
}
