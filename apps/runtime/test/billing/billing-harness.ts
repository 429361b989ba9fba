/**
 * Starts the real app with the bots and billing features over a test database: a runtime whose
 * billing settings point every gateway at fake servers, a mail capture, a plans config with a tiny
 * test plan (2 included chats, small rate buckets), and helpers to create tenants and sign in.
 */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryCache, createMemoryPubSub, createMemoryRateLimiter, type RetrieverV1 } from '@agent-chatbot/core';
import { DEFAULT_BILLING_CONFIG, parseBillingConfig, type BillingConfig } from '@agent-chatbot/billing';
import { createBillingFeature } from '../../src/billing/billing-feature';
import { billingIdle, configureBilling } from '../../src/billing/billing-service';
import { botFeature } from '../../src/bots/bot-feature';
import { configureTenantBots, tenantBotsIdle } from '../../src/bots/tenant-bot';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { Db } from '../../src/db/types';
import { createApp } from '../../src/http/app';
import type { MailMessage, Mailer } from '../../src/mail/mailer';
import type { Runtime } from '../../src/runtime';
import { createLogger, createSecretBox, createTenantSecretStore } from '../../src/secrets';
import { shopRetriever } from '../bots/bot-harness';
import { createFixtureUser, loginAs } from '../http/fixtures';
import { testJwtSecret, type CallOptions, type TestApp, type TestResponse } from '../http/harness';

/** The operator account and secrets the tests use. */
export const ACCOUNT = { bankBin: '970436', accountNumber: '0071000123456', accountName: 'CONG TY TRO LY AO' };
export const BANK_SECRET = 'bank-webhook-secret-0123456789';
export const VNPAY = { tmnCode: 'TESTTMN1', hashSecret: 'VNPAYSECRETKEY0123456789' };
export const MOMO = { partnerCode: 'MOMOTEST', accessKey: 'F8BBA842ECF85', secretKey: 'K951B6PE1waDMi640xX08PD3vg6EkVlz' };
export const STRIPE = { secretKey: 'sk_test_123', webhookSecret: 'whsec_test_456' };

/** The default plans plus `tiny`: free, 2 included chats, 3-request tenant bucket, 2-message customer bucket. */
export const TEST_BILLING_CONFIG: BillingConfig = parseBillingConfig({
  ...DEFAULT_BILLING_CONFIG,
  plans: [
    ...DEFAULT_BILLING_CONFIG.plans,
    {
      id: 'tiny',
      kind: 'free',
      name: 'Tiny',
      nameVi: 'Tí hon',
      includedChats: 2,
      rateLimits: { tenant: { capacity: 3, refillPerSecond: 0.01 }, customer: { capacity: 2, refillPerSecond: 0.01 } },
    },
  ],
});

/** The environment for `loadConfig` with gateways at the given fake base URLs. */
export function billingEnv(urls: { vnpay?: string; momo?: string; stripe?: string } = {}): Record<string, string> {
  return {
    CHATBOT_VIETQR_BANK_BIN: ACCOUNT.bankBin,
    CHATBOT_VIETQR_ACCOUNT_NUMBER: ACCOUNT.accountNumber,
    CHATBOT_VIETQR_ACCOUNT_NAME: ACCOUNT.accountName,
    CHATBOT_VIETQR_WEBHOOK_SECRET: BANK_SECRET,
    CHATBOT_VNPAY_TMN_CODE: VNPAY.tmnCode,
    CHATBOT_VNPAY_HASH_SECRET: VNPAY.hashSecret,
    CHATBOT_VNPAY_PAYMENT_URL: `${urls.vnpay ?? 'http://127.0.0.1:9'}/paymentv2/vpcpay.html`,
    CHATBOT_MOMO_PARTNER_CODE: MOMO.partnerCode,
    CHATBOT_MOMO_ACCESS_KEY: MOMO.accessKey,
    CHATBOT_MOMO_SECRET_KEY: MOMO.secretKey,
    CHATBOT_MOMO_ENDPOINT: urls.momo ?? 'http://127.0.0.1:9',
    CHATBOT_STRIPE_SECRET_KEY: STRIPE.secretKey,
    CHATBOT_STRIPE_WEBHOOK_SECRET: STRIPE.webhookSecret,
    CHATBOT_STRIPE_API_BASE: urls.stripe ?? 'http://127.0.0.1:9',
  };
}

/** A running billing app. */
export interface BillingApp extends TestApp {
  readonly runtime: Runtime;
  readonly mails: MailMessage[];
  /** A new tenant (plan `free` unless given) with a signed-in admin. */
  tenant(label: string, plan?: string): Promise<{ tenantId: string; token: string; email: string }>;
  /** A signed-in platform admin. */
  platformAdmin(): Promise<{ token: string; email: string; userId: string }>;
}

/** Starts the app over `db` (the test owns and closes `db`). */
export async function startBillingApp(db: Db, env: Record<string, string>, options: { retriever?: RetrieverV1; config?: BillingConfig } = {}): Promise<BillingApp> {
  const logs: string[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void logs.push(line) } });
  const dataDir = mkdtempSync(join(tmpdir(), 'billing-test-'));
  const config = loadConfig({ CHATBOT_JWT_SECRET: testJwtSecret, CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]), CHATBOT_DATA_DIR: dataDir, ...env }, dataDir);
  const secretBox = createSecretBox(config.secretKeys);
  const runtime = {
    config,
    db,
    logger,
    cache: createMemoryCache(),
    rateLimiter: createMemoryRateLimiter(),
    pubsub: createMemoryPubSub(),
    secretBox,
    secrets: createTenantSecretStore(secretBox),
    // Jobs are run directly by the tests (runInvoiceJob, runCostSpikeJob); nothing here enqueues.
    jobs: { register: () => undefined, schedule: async () => undefined },
    close: async () => undefined,
  } as unknown as Runtime;
  const mails: MailMessage[] = [];
  const mailer: Mailer = {
    send: async (message) => {
      mails.push(message);
      return { messageId: `m${mails.length}`, delivered: true };
    },
    close: () => undefined,
  };
  configureBilling(runtime, { mailer, config: options.config ?? TEST_BILLING_CONFIG, cacheMs: 0 });
  configureTenantBots(runtime, { retrieverForTenant: () => options.retriever ?? shopRetriever() });
  const app = createApp(runtime, {}, [botFeature(runtime), createBillingFeature(runtime)]);
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, call: CallOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...call.headers };
    if (call.token) headers['authorization'] = `Bearer ${call.token}`;
    const payload = call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
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
      await tenantBotsIdle(runtime);
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
      return { tenantId, token: (await loginAs(base, user.email)).access, email: user.email };
    },
    async platformAdmin() {
      const user = await createFixtureUser(db, { platformAdmin: true });
      return { token: (await loginAs(base, user.email)).access, email: user.email, userId: user.userId };
    },
  };
}
