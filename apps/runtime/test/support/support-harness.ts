/**
 * Starts the real app with the billing and support features over a test database (a full runtime
 * config from `loadConfig`, mails captured, the billing test plans), with helpers for tenants, a
 * tenant agent and a platform admin signed in through the real login.
 */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryCache, createMemoryPubSub, createMemoryRateLimiter } from '@agent-chatbot/core';
import type { BillingConfig } from '@agent-chatbot/billing';
import { createBillingFeature } from '../../src/billing/billing-feature';
import { billingIdle, configureBilling } from '../../src/billing/billing-service';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { Db } from '../../src/db/types';
import { createApp } from '../../src/http/app';
import type { MailMessage, Mailer } from '../../src/mail/mailer';
import type { Runtime } from '../../src/runtime';
import { createLogger, createSecretBox, createTenantSecretStore } from '../../src/secrets';
import { supportFeature } from '../../src/support/feature';
import { TEST_BILLING_CONFIG } from '../billing/billing-harness';
import { createFixtureUser, loginAs } from '../http/fixtures';
import { testJwtSecret, type CallOptions, type TestApp, type TestResponse } from '../http/harness';

/** A running app with billing + support. */
export interface SupportApp extends TestApp {
  readonly runtime: Runtime;
  /** Every mail the app sent (support notifications, …). */
  readonly mails: MailMessage[];
  /** A new tenant (plan `free` unless given) with a signed-in admin. */
  tenant(label: string, plan?: string): Promise<{ tenantId: string; token: string; email: string; userId: string }>;
  /** A signed-in member of `tenantId` with `role`. */
  member(tenantId: string, role: 'tenant-admin' | 'tenant-agent'): Promise<{ token: string; email: string }>;
  /** A signed-in platform admin. */
  platformAdmin(): Promise<{ token: string; email: string; userId: string }>;
}

/** Starts the app over `db` (the test owns and closes `db`). */
export async function startSupportApp(db: Db, options: { env?: Record<string, string>; config?: BillingConfig } = {}): Promise<SupportApp> {
  const logs: string[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void logs.push(line) } });
  const dataDir = mkdtempSync(join(tmpdir(), 'support-test-'));
  const config = loadConfig(
    { CHATBOT_JWT_SECRET: testJwtSecret, CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]), CHATBOT_DATA_DIR: dataDir, ...options.env },
    dataDir,
  );
  const secretBox = createSecretBox(config.secretKeys);
  const mails: MailMessage[] = [];
  const mailer: Mailer = {
    send: async (message: MailMessage) => {
      mails.push(message);
      return { messageId: `m${mails.length}`, delivered: true };
    },
    close: () => undefined,
  };
  const runtime = {
    config,
    db,
    logger,
    cache: createMemoryCache(),
    rateLimiter: createMemoryRateLimiter(),
    pubsub: createMemoryPubSub(),
    secretBox,
    secrets: createTenantSecretStore(secretBox),
    jobs: { register: () => undefined, schedule: async () => undefined },
    close: async () => undefined,
    mailer,
  } as unknown as Runtime;
  configureBilling(runtime, { mailer, config: options.config ?? TEST_BILLING_CONFIG, cacheMs: 0 });
  const app = createApp(runtime, {}, [createBillingFeature(runtime), supportFeature(runtime)]);
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, c: CallOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...c.headers };
    if (c.token) headers['authorization'] = `Bearer ${c.token}`;
    const payload = c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, text, body };
  };
  const base: TestApp = {
    baseUrl,
    db,
    logs,
    call,
    close: async () => {
      await billingIdle(runtime);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return {
    ...base,
    runtime,
    mails,
    async tenant(label, plan = 'free') {
      const tenantId = await db.platform(async (tx) => {
        const slug = `${label}-${Math.random().toString(36).slice(2, 8)}`;
        const { rows } = await tx.query<{ id: string }>('INSERT INTO tenants (name, slug, plan) VALUES ($1, $2, $3) RETURNING id', [`Shop ${label}`, slug, plan]);
        return rows[0]!.id;
      });
      const user = await createFixtureUser(db, { tenantId, role: 'tenant-admin' });
      return { tenantId, token: (await loginAs(base, user.email)).access, email: user.email, userId: user.userId };
    },
    async member(tenantId, role) {
      const user = await createFixtureUser(db, { tenantId, role });
      return { token: (await loginAs(base, user.email)).access, email: user.email };
    },
    async platformAdmin() {
      const user = await createFixtureUser(db, { platformAdmin: true });
      return { token: (await loginAs(base, user.email)).access, email: user.email, userId: user.userId };
    },
  };
}
