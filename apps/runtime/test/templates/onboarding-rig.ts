/**
 * A running runtime for the onboarding tests: the real createRuntime over a test database (PGlite
 * or Postgres) with the bot (LLM settings, test chat), knowledge, onboarding (templates), branding and channels features, jobs
 * working, the Express app on 127.0.0.1:0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { botFeature } from '../../src/bots/bot-feature';
import { brandingFeature } from '../../src/branding/feature';
import type { ChannelProviderSettings } from '../../src/channels/channel-settings';
import { createChannelsFeature } from '../../src/channels/index';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { RuntimeDb } from '../../src/db/index';
import { closeFeatures, createFeatures, registerFeatureJobs } from '../../src/features/index';
import { createApp } from '../../src/http/app';
import { knowledgeFeature } from '../../src/knowledge/feature';
import { existingKnowledgeService, type KnowledgeService } from '../../src/knowledge/service';
import { createRuntime, type Runtime } from '../../src/runtime';
import { onboardingFeature } from '../../src/templates/feature';

/** A parsed response. */
export interface RigResponse {
  status: number;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
}

/** The running rig. */
export interface OnboardingRig {
  readonly runtime: Runtime;
  readonly service: KnowledgeService;
  readonly baseUrl: string;
  call(method: string, path: string, options?: { token?: string; body?: unknown; host?: string; accept?: string }): Promise<RigResponse & { headers: Record<string, string | string[] | undefined> }>;
  signup(label: string): Promise<{ tenantId: string; token: string }>;
  close(): Promise<void>;
}

/** Starts the rig over `db` (closed with it); `providers` aims the channels at fake servers. */
export async function startOnboardingRig(db: RuntimeDb, providers: ChannelProviderSettings = {}, rigOptions: { dashboardDist?: string } = {}): Promise<OnboardingRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-onboarding-'));
  const config = loadConfig({
    CHATBOT_DATA_DIR: dataDir,
    CHATBOT_JWT_SECRET: 'onboarding-tests-secret-0123456789-0123456789-abc',
    CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    CHATBOT_PUBLIC_URL: 'https://bot.example.vn',
    LOG_LEVEL: 'silent',
  });
  const runtime = await createRuntime(config, { db, migrate: false });
  const features = createFeatures(runtime, [botFeature, knowledgeFeature, onboardingFeature, brandingFeature, (r) => createChannelsFeature(r, { providers })]);
  registerFeatureJobs(features);
  await runtime.jobs.start({ work: true });
  const app = createApp(runtime, rigOptions.dashboardDist ? { dashboardDist: rigOptions.dashboardDist } : {}, features);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  // node:http rather than fetch: a test sets the Host header (fetch does not let it).
  const call: OnboardingRig['call'] = (method, path, options = {}) =>
    new Promise((resolve, reject) => {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const headers: Record<string, string> = { host: options.host ?? `127.0.0.1:${port}` };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (payload !== undefined) headers['content-type'] = 'application/json';
      if (options.accept) headers.accept = options.accept;
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, body, headers: res.headers });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  let signups = 0;
  return {
    runtime,
    service: existingKnowledgeService(runtime.db)!,
    baseUrl,
    call,
    async signup(label) {
      signups += 1;
      const res = await call('POST', '/v1/auth/signup', {
        body: { tenant_name: `Cửa hàng ${label}`, email: `${label}-${signups}-${Date.now()}@example.vn`, password: 'Mat-khau-rat-dai-2026!' },
      });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
      return { tenantId: res.body.tenant.id as string, token: res.body.access_token as string };
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
