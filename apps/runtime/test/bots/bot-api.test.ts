/**
 * The answering feature end to end over HTTP, on PGlite and real Postgres, against fake providers:
 * no-LLM answers with nothing configured, key validation on save, the SSE test chat, key modes
 * with failover, the OpenAI-compatible API through the official `openai` client, cross-tenant
 * 404s, and a canary: the tenant's LLM key never reaches a response or a log line.
 */
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantBotsIdle } from '../../src/bots/tenant-bot';
import type { Db } from '../../src/db/types';
import { expectAllCrossTenantDenied } from '../http/cross-tenant';
import type { TestResponse } from '../http/harness';
import { testDrivers } from '../helpers/drivers';
import { startBotApp, type BotApp } from './bot-harness';

const OWN_KEY = 'sk-own-canary-7f3a9c1e5b2d4a6f8e0c';
const PLATFORM_KEY = 'sk-platform-canary-1b2c3d4e5f6a7b8c';
const drivers = await testDrivers();

interface SseEvent {
  event: string;
  data: string;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
      return { event, data };
    });
}

for (const driver of drivers) {
  if (driver.skip) console.warn(`[bot-api] ${driver.name} skipped: ${driver.skip}`);
  describe.skipIf(driver.skip)(`answering APIs (${driver.name})`, () => {
    let db: Db;
    let closeDb: () => Promise<void>;
    let app: BotApp;
    let own: FakeLlmServer;
    let platform: FakeLlmServer;
    const seen: string[] = [];
    const call = async (method: string, path: string, options: Parameters<BotApp['call']>[2] = {}): Promise<TestResponse> => {
      const res = await app.call(method, path, { token: app.token, ...options });
      seen.push(res.text, JSON.stringify(Object.fromEntries(res.headers)));
      return res;
    };
    const chat = (message: string, extra: Record<string, unknown> = {}) => call('POST', '/v1/tenant/test-chat', { body: { message, ...extra } });
    const setLlm = (body: Record<string, unknown>) => call('PUT', '/v1/tenant/llm', { body });

    beforeAll(async () => {
      ({ db, close: closeDb } = await driver.open());
      own = await startFakeOpenAI({ apiKey: OWN_KEY, responder: () => 'Dạ, giao đến Đà Nẵng mất 3 ngày, phí 30.000đ ạ.' });
      platform = await startFakeOpenAI({ apiKey: PLATFORM_KEY, responder: () => 'Dạ (nền tảng), giao Đà Nẵng 3 ngày, phí 30.000đ ạ.' });
      app = await startBotApp(db, {
        CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
        CHATBOT_PLATFORM_LLM_API_KEY: PLATFORM_KEY,
        CHATBOT_PLATFORM_LLM_BASE_URL: platform.baseURL,
        CHATBOT_PLATFORM_CHEAP_MODEL: 'gpt-4o-mini',
        CHATBOT_PLATFORM_PREMIUM_MODEL: 'gpt-4o',
      });
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await own?.close();
      await platform?.close();
      await closeDb?.();
    });

    it('answers without a model when nothing is configured (mode own, no key)', async () => {
      expect((await setLlm({ provider: 'openai', key_mode: 'own' })).status).toBe(200);
      const faq = await chat('Shop mở cửa mấy giờ?');
      expect(faq.status).toBe(200);
      expect(faq.body).toMatchObject({ route: 'faq', cache_hit: false, tokens_in: 0, cost_vnd: 0, model: null });
      expect(faq.body.answer).toContain('8h đến 21h');
      const nothing = await chat('Shop có bán máy bay trực thăng không?', { skip_cache: true });
      expect(nothing.body).toMatchObject({ route: 'fallback', model: null });
      expect(nothing.body.answer).toContain('chưa có thông tin');
      const messages = await call('GET', `/v1/tenant/conversations/${faq.body.conversation_id}/messages`);
      expect(messages.status).toBe(200);
      expect(messages.body.items.map((m: { role: string }) => m.role)).toEqual(['customer', 'bot']);
      expect(messages.body.items[1]).toMatchObject({ route: 'faq', route_reason: 'faq-match', delivery_status: 'skipped' });
      expect(own.requests).toHaveLength(0);
    });

    it('validates a key on save: a bad key is a bilingual 422 and nothing is stored', async () => {
      const bad = await setLlm({ provider: 'openai', base_url: own.baseURL, api_key: 'sk-wrong-key-000000', key_mode: 'own' });
      expect(bad.status).toBe(422);
      expect(bad.body.error).toMatchObject({ code: 'invalid_llm_key' });
      expect(bad.body.error.message_vi).toMatch(/khoá API/);
      const after = await call('GET', '/v1/tenant/llm');
      expect(after.body).toMatchObject({ api_key_set: false, api_key_hint: null });
      expect(after.body.base_url).toBeUndefined();
      const stored = await db.tenant(app.tenantId, (tx) => tx.query("SELECT 1 FROM tenant_secrets WHERE name = 'llm_api_key'"));
      expect(stored.rowCount).toBe(0);
    });

    it('stores a good key encrypted and shows it masked', async () => {
      const before = await db.tenant(app.tenantId, (tx) => tx.query<{ config_version: number }>('SELECT config_version FROM tenants'));
      const saved = await setLlm({ provider: 'openai', base_url: own.baseURL, api_key: OWN_KEY, key_mode: 'own', cheap_model: 'gpt-4o-mini' });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ provider: 'openai', key_mode: 'own', api_key_set: true, cheap_model: 'gpt-4o-mini' });
      expect(saved.body.api_key_hint).toMatch(/…/);
      const row = await db.tenant(app.tenantId, (tx) =>
        tx.query<{ ciphertext: string; config_version: number }>("SELECT s.ciphertext, t.config_version FROM tenant_secrets s, tenants t WHERE s.name = 'llm_api_key'"),
      );
      expect(row.rows[0]!.ciphertext).not.toContain(OWN_KEY);
      expect(row.rows[0]!.config_version).toBeGreaterThan(before.rows[0]!.config_version);
    });

    it('streams the test chat: deltas, then a final event with sources, tokens, cost and route', async () => {
      const res = await call('POST', '/v1/tenant/test-chat', { body: { message: 'Giao hàng đến Đà Nẵng mất mấy ngày?', stream: true } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const events = parseSse(res.text);
      const deltas = events.filter((event) => event.event === 'delta').map((event) => (JSON.parse(event.data) as { text: string }).text);
      const final = JSON.parse(events.find((event) => event.event === 'final')!.data);
      expect(deltas.length).toBeGreaterThan(0);
      expect(deltas.join('')).toBe(final.answer);
      expect(final).toMatchObject({ route: 'cheap', model: 'openai:gpt-4o-mini', key_source: 'own', cache_hit: false });
      expect(final.answer).toContain('3 ngày');
      expect(final.tokens_in).toBeGreaterThan(0);
      expect(final.tokens_out).toBeGreaterThan(0);
      expect(final.cost_vnd).toBeGreaterThan(0);
      expect(final.sources.map((s: { id: string }) => s.id)).toContain('doc-ship');
      // The second time the answer cache answers; skip_cache asks the model again.
      const again = await chat('Giao hàng đến Đà Nẵng mất mấy ngày?');
      expect(again.body).toMatchObject({ route: 'cache', cache_hit: true, tokens_in: 0 });
      const calls = own.requests.filter((r) => r.kind === 'chat').length;
      const fresh = await chat('Giao hàng đến Đà Nẵng mất mấy ngày?', { skip_cache: true, tier: 'premium', max_output_tokens: 64 });
      expect(fresh.body).toMatchObject({ route: 'premium', cache_hit: false });
      const last = own.requests.filter((r) => r.kind === 'chat');
      expect(last.length).toBe(calls + 1);
      expect(last.at(-1)!.body).toMatchObject({ max_tokens: 64 });
      // Own-key usage is recorded, not billable (rows are written after the answer: wait for them).
      await tenantBotsIdle(app.runtime);
      const usage = await db.tenant(app.tenantId, (tx) => tx.query<{ key_source: string; billable: boolean; tokens_in: number }>('SELECT key_source, billable, tokens_in FROM usage_events'));
      expect(usage.rows.length).toBeGreaterThanOrEqual(2);
      expect(usage.rows.every((u) => u.key_source === 'own' && !u.billable && u.tokens_in > 0)).toBe(true);
    });

    it('key modes: own_then_platform fails over to the platform key; own does not; platform skips the own key', async () => {
      expect((await setLlm({ provider: 'openai', key_mode: 'own_then_platform' })).status).toBe(200);
      own.failNext({ type: 'status', status: 401 });
      const failover = await chat('Giao hàng đến Đà Nẵng mất mấy ngày?', { skip_cache: true });
      expect(failover.body).toMatchObject({ route: 'cheap', key_source: 'platform' });
      expect(failover.body.answer).toContain('nền tảng');
      await tenantBotsIdle(app.runtime);
      const billable = await db.tenant(app.tenantId, (tx) => tx.query("SELECT 1 FROM usage_events WHERE key_source = 'platform' AND billable"));
      expect(billable.rowCount).toBeGreaterThan(0);

      expect((await setLlm({ provider: 'openai', key_mode: 'own' })).status).toBe(200);
      own.failNext({ type: 'status', status: 401 });
      const platformCalls = platform.requests.length;
      const ownOnly = await chat('Giao hàng đến Đà Nẵng mất mấy ngày?', { skip_cache: true });
      expect(ownOnly.status).toBe(200);
      expect(ownOnly.body.key_source).not.toBe('platform');
      expect(platform.requests.length).toBe(platformCalls);

      expect((await setLlm({ provider: 'openai', key_mode: 'platform' })).status).toBe(200);
      const ownCalls = own.requests.length;
      const viaPlatform = await chat('Giao hàng đến Đà Nẵng mất mấy ngày?', { skip_cache: true });
      expect(viaPlatform.body).toMatchObject({ key_source: 'platform' });
      expect(own.requests.length).toBe(ownCalls);
      expect((await setLlm({ provider: 'openai', key_mode: 'own' })).status).toBe(200);
    });

    it('applies a persona change (PATCH /v1/tenant) on the next message, and length caps per tenant', async () => {
      const greeting = 'Chào anh/chị, Mai của shop đây ạ!';
      const patched = await call('PATCH', '/v1/tenant', { body: { settings: { persona: { name: 'Mai', greeting }, limits: { maxOutputTokens: 80 } } } });
      expect(patched.status).toBe(200);
      const res = await chat('Xin chào', { skip_cache: true });
      expect(res.body).toMatchObject({ route: 'no-llm', route_reason: 'greeting', answer: greeting });
      await chat('Giao hàng đến Đà Nẵng mất mấy ngày?', { skip_cache: true });
      expect(own.requests.filter((r) => r.kind === 'chat').at(-1)!.body).toMatchObject({ max_tokens: 80 });
    });

    it('asks for the new provider key when the provider changes, and removes a key on request', async () => {
      const change = await setLlm({ provider: 'anthropic' });
      expect(change.status).toBe(422);
      expect(change.body.error.code).toBe('llm_key_required');
      const removed = await setLlm({ provider: 'openai', api_key: null });
      expect(removed.body).toMatchObject({ api_key_set: false, api_key_hint: null });
      const restored = await setLlm({ provider: 'openai', api_key: OWN_KEY });
      expect(restored.body.api_key_set).toBe(true);
      const metadata = await setLlm({ provider: 'openai', base_url: 'http://169.254.169.254/v1' });
      expect(metadata.status).toBe(400);
      const deadOllama = await setLlm({ provider: 'ollama', base_url: 'http://127.0.0.1:9', key_mode: 'own' });
      expect(deadOllama.status).toBe(422);
      expect(deadOllama.body.error.code).toBe('llm_key_unverified');
      expect((await call('GET', '/v1/tenant/llm')).body).toMatchObject({ provider: 'openai', api_key_set: true });
    });

    it('answers the OpenAI-compatible API through the official openai client (plain, streaming, no-cache)', async () => {
      const client = new OpenAI({ apiKey: app.apiKey, baseURL: `${app.baseUrl}/v1`, maxRetries: 0 });
      const models = await client.models.list();
      expect(models.data.map((m) => m.id)).toContain('agent-chatbot');
      const question = 'Phí giao hàng đến Đà Nẵng là bao nhiêu?';
      const plain = await client.chat.completions.create({ model: 'agent-chatbot', messages: [{ role: 'system', content: 'Hãy nói tiếng Anh' }, { role: 'user', content: question }] });
      expect(plain.choices[0]!.message.content).toContain('30.000đ');
      expect(plain.usage!.prompt_tokens).toBeGreaterThan(0);
      seen.push(JSON.stringify(plain));

      const stream = await client.chat.completions.create({ model: 'agent-chatbot', messages: [{ role: 'user', content: question }], stream: true, stream_options: { include_usage: true } });
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage;
        seen.push(JSON.stringify(chunk));
      }
      expect(text).toContain('30.000đ');
      expect(usage).toBeDefined();

      const cached = await client.chat.completions.create({ model: 'agent-chatbot', messages: [{ role: 'user', content: question }] });
      expect((cached as unknown as { agent_chatbot: { cache_hit: boolean } }).agent_chatbot.cache_hit).toBe(true);
      const before = own.requests.length;
      const uncached = await client.chat.completions.create(
        { model: 'agent-chatbot', messages: [{ role: 'user', content: question }] },
        { headers: { 'Cache-Control': 'no-cache' } },
      );
      expect((uncached as unknown as { agent_chatbot: { cache_hit: boolean } }).agent_chatbot.cache_hit).toBe(false);
      expect(own.requests.length).toBe(before + 1);

      const anonymous = new OpenAI({ apiKey: 'acb_not-a-real-key', baseURL: `${app.baseUrl}/v1`, maxRetries: 0 });
      await expect(anonymous.chat.completions.create({ model: 'agent-chatbot', messages: [{ role: 'user', content: question }] })).rejects.toMatchObject({ status: 401 });
    });

    it('lists conversations with filters and search, and answers 404 across tenants', async () => {
      const list = await call('GET', '/v1/tenant/conversations?channel=test&limit=2');
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(2);
      expect(list.body.next_offset).toBe(2);
      const search = await call('GET', `/v1/tenant/conversations?q=${encodeURIComponent('trực thăng')}`);
      expect(search.body.items).toHaveLength(1);
      const conversationId = search.body.items[0].id as string;

      const other = await app.otherTenant();
      await expectAllCrossTenantDenied(
        app,
        other.token,
        [
          { method: 'GET', path: `/v1/tenant/conversations/${conversationId}/messages` },
          { method: 'POST', path: '/v1/tenant/test-chat', body: { message: 'xin chào', conversation_id: conversationId } },
        ],
        ['trực thăng', conversationId],
      );
      const foreignList = await call('GET', '/v1/tenant/conversations', { token: other.token });
      expect(foreignList.body.items).toHaveLength(0);
      const notUuid = await call('GET', '/v1/tenant/conversations/abc/messages');
      expect(notUuid.status).toBe(400);
    });

    it('never shows the LLM keys in a response or a log line', async () => {
      await app.runtime.logger.flush?.();
      for (const text of [...seen, ...app.logs]) {
        expect(text).not.toContain(OWN_KEY);
        expect(text).not.toContain(PLATFORM_KEY);
      }
      expect(seen.length).toBeGreaterThan(20);
      // The canary is meaningful: the runtime did log while answering.
      expect(app.logs.length).toBeGreaterThan(0);
    });
  });
}
