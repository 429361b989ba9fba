/**
 * The platform LLM account as a platform admin's runtime setting, on PGlite and Postgres against
 * fake OpenAI servers: tenants cannot touch it (403); a refused key is a bilingual 422 and nothing
 * is stored; a saved key is encrypted, audit-logged, masked in every answer and used at once by a
 * tenant on platform credits (usage recorded as platform and billable); a second runtime on the
 * same database picks it up within its reload interval; the runtime role cannot read the table;
 * DELETE reverts to the environment's account.
 */
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantBotsIdle } from '../../src/bots/tenant-bot';
import { formatKeyring, generateSecretKey } from '../../src/config';
import type { Db } from '../../src/db/types';
import { platformLlmFeature } from '../../src/llm/platform-llm-feature';
import { platformLlmSource, savePlatformLlm, type PlatformLlmRuntime } from '../../src/llm/platform-llm-store';
import { createMemoryPubSub } from '@agent-chatbot/core';
import { createSecretBox } from '../../src/secrets';
import { platformConsoleRoutes } from '../../src/support/platform-console-routes';
import type { TestResponse } from '../http/harness';
import { createFixtureUser, loginAs } from '../http/fixtures';
import { testDrivers } from '../helpers/drivers';
import { startBotApp, type BotApp } from './bot-harness';

const ENV_KEY = 'sk-env-platform-canary-0a1b2c3d4e5f';
const DB_KEY = 'sk-admin-saved-canary-9z8y7x6w5v4u';
const drivers = await testDrivers();

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const driver of drivers) {
  if (driver.skip) console.warn(`[platform-llm-admin] ${driver.name} skipped: ${driver.skip}`);
  describe.skipIf(driver.skip)(`platform LLM settings by the platform admin (${driver.name})`, () => {
    let db: Db;
    let closeDb: () => Promise<void>;
    let app: BotApp;
    let second: BotApp;
    let envServer: FakeLlmServer;
    let dbServer: FakeLlmServer;
    let adminToken: string;
    let adminUserId: string;
    const seen: string[] = [];
    const admin = async (method: string, body?: unknown, token = adminToken): Promise<TestResponse> => {
      const res = await app.call(method, '/v1/admin/platform-llm', { token, ...(body === undefined ? {} : { body }) });
      seen.push(res.text);
      return res;
    };
    const chat = async (on: BotApp) => {
      const res = await on.call('POST', '/v1/tenant/test-chat', { token: on.token, body: { message: 'Giao hàng đến Đà Nẵng mất mấy ngày?', skip_cache: true } });
      seen.push(res.text);
      return res;
    };
    const storedRows = () => db.platform((tx) => tx.query<{ ciphertext: string | null; hint: string | null }>('SELECT ciphertext, hint FROM platform_settings'));

    beforeAll(async () => {
      ({ db, close: closeDb } = await driver.open());
      envServer = await startFakeOpenAI({ apiKey: ENV_KEY, responder: () => 'Dạ (môi trường), giao Đà Nẵng 3 ngày ạ.' });
      dbServer = await startFakeOpenAI({ apiKey: DB_KEY, responder: () => 'Dạ (khoá quản trị), giao Đà Nẵng 3 ngày ạ.' });
      const env = {
        CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
        CHATBOT_PLATFORM_LLM_API_KEY: ENV_KEY,
        CHATBOT_PLATFORM_LLM_BASE_URL: envServer.baseURL,
        // One deployment: both processes share the keyring that opens the saved key.
        CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
      };
      app = await startBotApp(db, env, undefined, (runtime) => [platformLlmFeature(runtime), { name: 'console', routes: platformConsoleRoutes(runtime) }]);
      // Another process on the same database: its own (in-memory) pub/sub never hears the first
      // one, so only its reload interval (shortened here) can bring the change.
      second = await startBotApp(db, env, undefined, (runtime) => {
        platformLlmSource(runtime, { reloadMs: 300 });
        return [platformLlmFeature(runtime)];
      });
      const user = await createFixtureUser(db, { platformAdmin: true });
      adminToken = (await loginAs(app, user.email)).access;
      adminUserId = user.userId;
      for (const on of [app, second]) {
        const res = await on.call('PUT', '/v1/tenant/llm', { token: on.token, body: { provider: 'openai', key_mode: 'platform' } });
        expect(res.status, res.text).toBe(200);
      }
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await second?.close();
      await envServer?.close();
      await dbServer?.close();
      await closeDb?.();
    });

    it('answers from the environment account before anything is saved', async () => {
      const view = await admin('GET');
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ configured: true, source: 'environment', provider: 'openai', base_url: envServer.baseURL, failover: null });
      const res = await chat(app);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ key_source: 'platform' });
      expect(res.body.answer).toContain('môi trường');
    });

    it('refuses tenants (403) on read, save and delete, and stores nothing', async () => {
      for (const [method, body] of [['GET'], ['PUT', { provider: 'openai', base_url: dbServer.baseURL, api_key: DB_KEY }], ['DELETE']] as const) {
        const res = await admin(method, body, app.token);
        expect(res.status, `${method} ${res.text}`).toBe(403);
        expect(res.body.error.message_vi).toBeTruthy();
      }
      expect((await app.call('GET', '/v1/admin/platform-llm')).status).toBe(401);
      expect((await storedRows()).rowCount).toBe(0);
      expect(dbServer.requests).toHaveLength(0);
    });

    it('answers a refused key with a bilingual 422 and stores nothing', async () => {
      const bad = await admin('PUT', { provider: 'openai', base_url: dbServer.baseURL, api_key: 'sk-wrong-platform-key-0000' });
      expect(bad.status, bad.text).toBe(422);
      expect(bad.body.error).toMatchObject({ code: 'invalid_llm_key' });
      expect(bad.body.error.message_vi).toMatch(/khoá API/);
      expect(bad.body.error.message).toMatch(/API key/);
      const missing = await admin('PUT', { provider: 'anthropic' });
      expect(missing.status).toBe(422);
      expect(missing.body.error).toMatchObject({ code: 'llm_key_required' });
      expect((await storedRows()).rowCount).toBe(0);
      expect((await admin('GET')).body.source).toBe('environment');
    });

    it('saves a validated key encrypted and audit-logged; a tenant on platform credits answers from it at once, billed', async () => {
      const saved = await admin('PUT', { provider: 'openai', base_url: dbServer.baseURL, api_key: DB_KEY, cheap_model: 'gpt-4o-mini', premium_model: 'gpt-4o' });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.body).toMatchObject({ configured: true, source: 'database', provider: 'openai', base_url: dbServer.baseURL, cheap_model: 'gpt-4o-mini', premium_model: 'gpt-4o' });
      expect(saved.body.api_key_hint).toBe(`sk-…${DB_KEY.slice(-4)}`);
      expect(saved.body.updated_at).toEqual(expect.any(String));
      // One cheap validation call on save.
      expect(dbServer.requests.length).toBeGreaterThanOrEqual(1);

      const rows = await storedRows();
      expect(rows.rowCount).toBe(1);
      expect(rows.rows[0]!.ciphertext).toMatch(/^v1:/);
      expect(rows.rows[0]!.ciphertext).not.toContain(DB_KEY);

      const audit = await db.platform((tx) =>
        tx.query<{ action: string; tenant_id: string | null; details: Record<string, unknown> }>(
          "SELECT action, tenant_id, details FROM audit_log WHERE action LIKE 'platform.llm.%' ORDER BY id",
        ),
      );
      expect(audit.rows).toHaveLength(1);
      expect(audit.rows[0]).toMatchObject({ action: 'platform.llm.update', tenant_id: null, details: { provider: 'openai', key: 'set' } });
      expect(JSON.stringify(audit.rows)).not.toContain(DB_KEY);

      const envCalls = envServer.requests.length;
      const res = await chat(app);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ key_source: 'platform' });
      expect(res.body.answer).toContain('khoá quản trị');
      expect(envServer.requests.length).toBe(envCalls);
      await tenantBotsIdle(app.runtime);
      const usage = await db.tenant(app.tenantId, (tx) =>
        tx.query<{ key_source: string; billable: boolean }>("SELECT key_source, billable FROM usage_events WHERE kind = 'llm' ORDER BY occurred_at DESC LIMIT 1"),
      );
      expect(usage.rows[0]).toEqual({ key_source: 'platform', billable: true });
    });

    it('keeps the saved key when a later save omits it, and re-validates it', async () => {
      const before = dbServer.requests.length;
      const saved = await admin('PUT', { provider: 'openai', base_url: dbServer.baseURL, cheap_model: 'gpt-4.1-mini' });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.body).toMatchObject({ cheap_model: 'gpt-4.1-mini', api_key_hint: `sk-…${DB_KEY.slice(-4)}` });
      expect(dbServer.requests.length).toBeGreaterThan(before);
    });

    it('adds a failover account (its key validated too) that answers when the main account fails', async () => {
      const bad = await admin('PUT', { provider: 'openai', base_url: dbServer.baseURL, failover: { provider: 'openai', base_url: envServer.baseURL, api_key: 'sk-wrong-failover-0000' } });
      expect(bad.status, bad.text).toBe(422);
      expect((await admin('GET')).body.failover).toBeNull();
      const saved = await admin('PUT', { provider: 'openai', base_url: dbServer.baseURL, failover: { provider: 'openai', base_url: envServer.baseURL, api_key: ENV_KEY, cheap_model: 'gpt-4o-mini' } });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.body.failover).toEqual({ provider: 'openai', base_url: envServer.baseURL, cheap_model: 'gpt-4o-mini', premium_model: 'gpt-4o-mini', api_key_hint: `sk-…${ENV_KEY.slice(-4)}` });
      dbServer.failNext({ type: 'status', status: 401 });
      const res = await chat(app);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ key_source: 'platform' });
      expect(res.body.answer).toContain('môi trường');
      // The main account answers again on the next message.
      expect((await chat(app)).body.answer).toContain('khoá quản trị');
    });

    it('falls back to the environment (and says why in the log) in a process whose keyring cannot open the saved key', async () => {
      const errors: string[] = [];
      const stranger = {
        db,
        secretBox: createSecretBox([generateSecretKey()]),
        logger: { warn: () => undefined, error: (_: unknown, message: string) => void errors.push(message) },
        config: { platformLlm: undefined },
      };
      const snapshot = await platformLlmSource(stranger as unknown as PlatformLlmRuntime).current();
      expect(snapshot).toMatchObject({ source: 'none', config: undefined });
      expect(errors.join('\n')).toMatch(/platform LLM settings unreadable/);
    });

    it('tells the other processes at once through pub/sub (no wait for the reload interval)', async () => {
      const pubsub = createMemoryPubSub(); // stands in for Redis, shared by two "processes"
      const processOf = () =>
        ({ db, secretBox: app.runtime.secretBox, logger: app.runtime.logger, config: { platformLlm: undefined }, pubsub }) as unknown as PlatformLlmRuntime;
      const writer = processOf();
      const reader = processOf();
      const readerSource = platformLlmSource(reader); // default interval (10 s)
      const before = await readerSource.current();
      expect(before.source).toBe('database');
      await savePlatformLlm(writer, { provider: 'openai', base_url: dbServer.baseURL, cheap_model: 'gpt-4o' }, { userId: adminUserId });
      // Delivery is asynchronous (as with Redis), but far inside the 10 s interval.
      const after = await waitFor(() => readerSource.current(), (snapshot) => snapshot.version !== before.version, 2_000);
      expect(after.version).not.toBe(before.version);
      expect(after.config).toMatchObject({ cheapModel: 'gpt-4o', apiKey: DB_KEY });
      await readerSource.close();
      await platformLlmSource(writer).close();
    });

    it('reaches a second runtime on the same database without a restart', async () => {
      const res = await waitFor(() => chat(second), (r) => typeof r.body?.answer === 'string' && r.body.answer.includes('khoá quản trị'));
      expect(res.body.answer).toContain('khoá quản trị');
      expect(res.body).toMatchObject({ key_source: 'platform' });
    }, 15_000);

    it('is out of reach of the runtime role (tenant transactions cannot read the table)', async () => {
      await expect(db.tenant(app.tenantId, (tx) => tx.query('SELECT ciphertext FROM platform_settings'))).rejects.toThrow(/permission denied/i);
      await expect(db.anonymous((tx) => tx.query('SELECT ciphertext FROM platform_settings'))).rejects.toThrow(/permission denied/i);
    });

    it('DELETE reverts to the environment account, in this process and the other one', async () => {
      const removed = await admin('DELETE');
      expect(removed.status, removed.text).toBe(200);
      expect(removed.body).toMatchObject({ source: 'environment', base_url: envServer.baseURL });
      expect((await storedRows()).rowCount).toBe(0);
      const res = await chat(app);
      expect(res.body.answer).toContain('môi trường');
      const other = await waitFor(() => chat(second), (r) => typeof r.body?.answer === 'string' && r.body.answer.includes('môi trường'));
      expect(other.body.answer).toContain('môi trường');
      const audit = await db.platform((tx) => tx.query("SELECT 1 FROM audit_log WHERE action = 'platform.llm.delete'"));
      expect(audit.rowCount).toBe(1);
    }, 15_000);

    it('never shows a platform key in a response or a log line', () => {
      const text = [...seen, ...app.logs, ...second.logs].join('\n');
      expect(text).not.toContain(DB_KEY);
      expect(text).not.toContain(ENV_KEY);
    });
  });
}
