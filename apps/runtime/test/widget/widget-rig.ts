/**
 * A whole runtime for the widget tests: the real createRuntime over a test database, the answering,
 * channel and widget features (channels answer and deliver, the widget serves and streams), pg-boss working, the
 * Express app on 127.0.0.1 with `CHATBOT_PUBLIC_URL` set to its real address, the platform LLM
 * pointed at a fake OpenAI server, and optional Redis (two rigs on one database and one Redis are
 * two api replicas).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealtimeEvent } from '@agent-chatbot/channel-web';
import { loadConfig } from '../../src/config';
import type { RuntimeDb } from '../../src/db/index';
import { botFeature } from '../../src/bots/bot-feature';
import { configureTenantBots } from '../../src/bots/tenant-bot';
import { shopRetriever } from '../bots/bot-harness';
import { createChannelsFeature } from '../../src/channels/index';
import { closeFeatures, createFeatures, registerFeatureJobs, type FeatureFactory, type RuntimeFeature } from '../../src/features/index';
import { widgetFeature } from '../../src/widget/index';
import { createApp } from '../../src/http/app';
import { createRuntime, type Runtime } from '../../src/runtime';
import { createLogger } from '../../src/secrets/logger';

/** A parsed response. */
export interface RigResponse {
  status: number;
  text: string;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
}

/** The running rig. */
export interface WidgetRig {
  readonly runtime: Runtime;
  readonly baseUrl: string;
  readonly logs: string[];
  call(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<RigResponse>;
  /** Signs a tenant up through the API; returns its id and admin token. */
  signup(label: string): Promise<{ tenantId: string; token: string }>;
  close(): Promise<void>;
}

/** Options of {@link startWidgetRig}. */
export interface WidgetRigOptions {
  /** Shared by replicas: the same JWT secret and keyring. */
  readonly env: Record<string, string>;
  /** Run the job workers in this process (default true). */
  readonly work?: boolean;
}

/**
 * The features the widget path needs: answering, channels (answer and delivery jobs), the widget.
 * (Listed here rather than every feature, so other areas' work in progress cannot break these tests.)
 */
export const WIDGET_FEATURES: readonly FeatureFactory[] = [botFeature, (runtime) => createChannelsFeature(runtime, { pollingIntervalSeconds: 0.5 }), widgetFeature];

/** Starts a rig over `db` (closed with the rig). */
export async function startWidgetRig(db: RuntimeDb, options: WidgetRigOptions): Promise<WidgetRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-widget-'));
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(line) } });
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({ CHATBOT_DATA_DIR: dataDir, CHATBOT_PUBLIC_URL: baseUrl, LOG_LEVEL: 'info', ...options.env });
  const runtime = await createRuntime(config, { db, migrate: false, logger });
  const features: RuntimeFeature[] = createFeatures(runtime, WIDGET_FEATURES);
  // The shop's knowledge (delivery policy, opening hours) stands in for the knowledge feature.
  configureTenantBots(runtime, { retrieverForTenant: () => shopRetriever() });
  registerFeatureJobs(features);
  await runtime.jobs.start({ work: options.work ?? true });
  server.on('request', createApp(runtime, {}, features));
  const call: WidgetRig['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
    if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body) });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, text, headers: res.headers, body };
  };
  let signups = 0;
  return {
    runtime,
    baseUrl,
    logs,
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
      await closeFeatures(features, () => {});
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An open SSE stream: every event with its SSE id, read until closed. */
export interface SseReader {
  readonly events: RealtimeEvent[];
  readonly ids: string[];
  readonly status: number;
  close(): Promise<void>;
}

/** Opens `GET <url>` as SSE (optionally with `Last-Event-ID`) and collects its events. */
export async function openSse(url: string, lastEventId?: string): Promise<SseReader> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
  const events: RealtimeEvent[] = [];
  const ids: string[] = [];
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (.+)$/m.exec(frame)?.[1];
            const data = /^data: (.+)$/m.exec(frame)?.[1];
            if (id) ids.push(id);
            if (data) events.push(JSON.parse(data) as RealtimeEvent);
          }
        }
      } catch {
        // Aborted.
      }
    })();
  }
  return { events, ids, status: res.status, close: async () => controller.abort() };
}
