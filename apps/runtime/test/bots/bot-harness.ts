/**
 * Starts the real app with the bots feature over a test database: a full runtime (memory cache),
 * a logger whose every line is captured (for the key canary), a tenant with an admin signed in and
 * an API key, and a small keyword retriever standing in for the knowledge feature.
 */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryCache, createMemoryPubSub, createMemoryRateLimiter, type RetrieverV1 } from '@agent-chatbot/core';
import { MockRetrieverV1, type MockChunk } from '@agent-chatbot/core/test';
import { botFeature } from '../../src/bots/bot-feature';
import { configureTenantBots, tenantBotsIdle } from '../../src/bots/tenant-bot';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { Db } from '../../src/db/types';
import type { RuntimeFeature } from '../../src/features/index';
import { createApp } from '../../src/http/app';
import type { Runtime } from '../../src/runtime';
import { createLogger, createSecretBox, createTenantSecretStore } from '../../src/secrets';
import { createApiKey } from '../../src/tenants/api-key-service';
import { createFixtureUser, loginAs } from '../http/fixtures';
import { testJwtSecret, type CallOptions, type TestApp, type TestResponse } from '../http/harness';

/** The shop's knowledge: one FAQ entry and one document passage. */
export const SHOP_KNOWLEDGE: MockChunk[] = [
  {
    id: 'faq-hours',
    sourceId: 'faq.csv',
    text: 'Hỏi: Shop mở cửa mấy giờ?\nĐáp: Dạ, shop mở cửa từ 8h đến 21h tất cả các ngày ạ.',
    metadata: { kind: 'faq', question: 'Shop mở cửa mấy giờ?', answer: 'Dạ, shop mở cửa từ 8h đến 21h tất cả các ngày ạ.' },
  },
  {
    id: 'doc-ship',
    sourceId: 'chinh-sach.pdf',
    text: 'Chính sách giao hàng: shop giao hàng toàn quốc qua GHTK. Giao hàng đến Đà Nẵng mất 3 ngày, phí giao hàng 30.000đ.',
    metadata: { title: 'Chính sách giao hàng' },
  },
];

const fold = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase();

/** A keyword retriever over {@link SHOP_KNOWLEDGE}: chunks sharing a word of 3+ letters with the query. */
export function shopRetriever(): RetrieverV1 {
  return new MockRetrieverV1({
    doRetrieve: ({ query, topK }) => {
      const words = new Set(fold(query).split(/[^a-z0-9]+/).filter((word) => word.length >= 3));
      const chunks = SHOP_KNOWLEDGE.map((chunk) => {
        const text = fold(chunk.text);
        const hits = [...words].filter((word) => text.includes(word)).length;
        return { id: chunk.id, sourceId: chunk.sourceId ?? chunk.id, text: chunk.text, metadata: chunk.metadata ?? {}, score: words.size ? hits / words.size : 0 };
      })
        .filter((chunk) => chunk.score > 0)
        .sort((left, right) => right.score - left.score)
        .slice(0, topK);
      return { chunks, warnings: [] };
    },
  });
}

/** A running bot app. */
export interface BotApp extends TestApp {
  readonly runtime: Runtime;
  readonly tenantId: string;
  /** The tenant admin's access token. */
  readonly token: string;
  /** A tenant API key (`acb_…`). */
  readonly apiKey: string;
  /** Creates another tenant with its own admin; returns its id and token. */
  otherTenant(): Promise<{ tenantId: string; token: string }>;
}

/** Environment for the runtime config (platform LLM settings go here). */
export type BotAppEnv = Record<string, string>;

async function newTenant(app: TestApp, db: Db, label: string): Promise<{ tenantId: string; token: string }> {
  const tenantId = await db.platform(async (tx) => {
    const slug = `${label}-${Math.random().toString(36).slice(2, 8)}`;
    const { rows } = await tx.query<{ id: string }>('INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING id', [`Shop ${label}`, slug]);
    return rows[0]!.id;
  });
  const user = await createFixtureUser(db, { tenantId, role: 'tenant-admin' });
  return { tenantId, token: (await loginAs(app, user.email)).access };
}

/**
 * Starts the app over `db` (not closed by `close()`: the test's driver owns it). `extraFeatures`
 * adds features built from the same runtime (closed with the app).
 */
export async function startBotApp(
  db: Db,
  env: BotAppEnv = {},
  retriever: RetrieverV1 | undefined = shopRetriever(),
  extraFeatures: (runtime: Runtime) => RuntimeFeature[] = () => [],
): Promise<BotApp> {
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const dataDir = mkdtempSync(join(tmpdir(), 'bots-test-'));
  const config = loadConfig({ CHATBOT_JWT_SECRET: testJwtSecret, CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]), CHATBOT_DATA_DIR: dataDir, ...env }, dataDir);
  const secretBox = createSecretBox(config.secretKeys);
  // What the bots and the HTTP layer use; no job queue (nothing here enqueues) and the test owns the database.
  const runtime = {
    config,
    db,
    logger,
    cache: createMemoryCache(),
    rateLimiter: createMemoryRateLimiter(),
    pubsub: createMemoryPubSub(),
    secretBox,
    secrets: createTenantSecretStore(secretBox),
    jobs: undefined as never,
    close: async () => undefined,
  } as unknown as Runtime;
  configureTenantBots(runtime, { retrieverForTenant: () => retriever });
  const extra = extraFeatures(runtime);
  const app = createApp(runtime, {}, [botFeature(runtime), ...extra]);
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
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
      for (const feature of extra) await feature.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
    },
  };
  const first = await newTenant(base, db, 'shop');
  const key = await createApiKey(db, first.tenantId, { name: 'test' });
  return { ...base, runtime, tenantId: first.tenantId, token: first.token, apiKey: key.key, otherTenant: () => newTenant(base, db, 'other') };
}
