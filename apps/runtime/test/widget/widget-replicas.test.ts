/**
 * Two api replicas (two runtimes) on one Postgres database and one Redis (127.0.0.1:6379): the
 * visitor writes to replica A (which also runs the jobs), the widget's SSE stream is connected to
 * replica B, and everything — the visitor's echo, the typing indicator, the streamed deltas and the
 * final reply — reaches it through Redis pub/sub. A reconnect to B with Last-Event-ID replays what
 * was missed; a replica started later (empty buffer) replays from the database.
 */
import { Redis } from 'ioredis';
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import type { RealtimeMessageEvent } from '@agent-chatbot/channel-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey } from '../../src/config';
import { createPgDb } from '../../src/db/pg-db';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { openSse, startWidgetRig, type WidgetRig } from './widget-rig';
import { waitFor } from '../helpers/wait';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisUnavailable(): Promise<string | undefined> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `Redis not reachable at ${REDIS_URL}: ${String(error)}`;
  } finally {
    client.disconnect();
  }
}

const skip = (await postgresUnavailable()) ?? (await redisUnavailable());
if (skip) console.warn(`[widget-replicas] skipped: ${skip}`);
const SHOP = 'https://shop.test';
const ANSWER =
  'Dạ, shop giao hàng đến Đà Nẵng mất 3 ngày, phí giao hàng 30.000đ ạ. Shop gửi qua GHTK, anh/chị được kiểm tra hàng trước khi thanh toán. ' +
  'Đơn từ 500.000đ được miễn phí giao hàng, và shop có gói giao nhanh trong 1 ngày với phí 50.000đ. ' +
  'Nhân viên sẽ gọi xác nhận đơn trong vòng 30 phút trong giờ làm việc, từ 8h đến 21h hằng ngày ạ. Shop cảm ơn anh/chị nhiều ạ!';
const messages = (events: ReadonlyArray<{ type: string }>) => events.filter((e): e is RealtimeMessageEvent => e.type === 'message');

describe.skipIf(skip)('widget realtime across two runtime replicas (Postgres + Redis)', { timeout: 90_000 }, () => {
  let database: TestDatabase;
  let llm: FakeLlmServer;
  let a: WidgetRig;
  let b: WidgetRig;
  let late: WidgetRig | undefined;
  let tenant: { tenantId: string; token: string };
  let key: string;
  let session: { token: string; conversationId: string };
  const env = {
    CHATBOT_JWT_SECRET: 'widget-replica-secret-0123456789-0123456789-abcdef',
    CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    REDIS_URL,
    CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
    CHATBOT_PLATFORM_LLM_API_KEY: 'sk-platform-replicas',
    CHATBOT_PLATFORM_CHEAP_MODEL: 'gpt-4o-mini',
    CHATBOT_PLATFORM_PREMIUM_MODEL: 'gpt-4o',
  };
  const send = (base: string, id: string, text: string) =>
    fetch(`${base}/widget-api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` }, body: JSON.stringify({ id, text }) });
  const sent = () =>
    a.runtime.db.tenant(tenant.tenantId, async (tx) =>
      Number((await tx.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE role = 'bot' AND delivery_status = 'sent'`)).rows[0]!.n),
    );

  beforeAll(async () => {
    database = await createTestDatabase({ max: 6 });
    llm = await startFakeOpenAI({ apiKey: 'sk-platform-replicas', responder: () => ANSWER, chunkDelayMs: 10 });
    const withLlm = { ...env, CHATBOT_PLATFORM_LLM_BASE_URL: llm.baseURL };
    a = await startWidgetRig(database.db, { env: withLlm });
    // Replica B answers HTTP only: no job runs there, so whatever it streams came through Redis.
    b = await startWidgetRig(createPgDb(database.url, { max: 4 }), { env: withLlm, work: false });
    tenant = await a.signup('replicas');
    expect((await a.call('PUT', '/v1/tenant/llm', { token: tenant.token, body: { provider: 'openai', key_mode: 'platform' } })).status).toBe(200);
    const widget = await a.call('PUT', '/v1/tenant/widget', { token: tenant.token, body: { allowed_domains: [SHOP] } });
    key = widget.body.public_key;
  }, 90_000);
  afterAll(async () => {
    await late?.close();
    await b?.close();
    await a?.close();
    await llm?.close();
    await database?.drop();
  });

  it('a question sent through replica A is streamed to the widget connected to replica B', async () => {
    // The session is issued by B (any replica verifies the token: the secret is shared).
    const res = await fetch(`${b.baseUrl}/widget-api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, origin: SHOP }) });
    expect(res.status).toBe(200);
    session = (await res.json()) as typeof session;
    const onB = await openSse(`${b.baseUrl}/widget-api/events?token=${encodeURIComponent(session.token)}`);
    expect(onB.status).toBe(200);
    expect((await send(a.baseUrl, 'r1', 'Giao hàng đến Đà Nẵng mất mấy ngày?')).status).toBe(200);
    const reply = await waitFor(() => messages(onB.events).find((m) => m.role === 'bot'), 30_000, 'reply on replica B');
    expect(reply.text).toBe(ANSWER);
    expect(messages(onB.events)[0]).toMatchObject({ role: 'visitor', clientId: 'r1' });
    const deltas = onB.events.filter((e) => e.type === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(onB.events.some((e) => e.type === 'typing')).toBe(true);
    // A direct publish on A's hub reaches B as well.
    const { widgetContextOf } = await import('../../src/widget/widget-context');
    const pushed = await widgetContextOf(a.runtime).hub.publish({ type: 'message', conversationId: session.conversationId, role: 'agent', text: 'Em Lan đây ạ', createdAt: new Date().toISOString() });
    await waitFor(() => messages(onB.events).some((m) => m.id === pushed.id), 10_000, 'direct publish on B');
    await onB.close();
  });

  it('reconnecting to replica B with Last-Event-ID replays what was missed; a replica started later replays from the database', async () => {
    await waitFor(async () => (await sent()) === 1, 10_000, 'first reply marked sent');
    const session1 = await (await fetch(`${b.baseUrl}/widget-api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, origin: SHOP, token: session.token }) })).json() as { messages: RealtimeMessageEvent[] };
    const lastSeen = session1.messages.at(-1)!;
    expect(lastSeen).toMatchObject({ role: 'bot', text: ANSWER });

    expect((await send(a.baseUrl, 'r2', 'Phí giao hàng đến Đà Nẵng bao nhiêu?')).status).toBe(200);
    await waitFor(async () => (await sent()) === 2, 30_000, 'second reply marked sent');
    const again = await openSse(`${b.baseUrl}/widget-api/events?token=${encodeURIComponent(session.token)}`, lastSeen.id);
    const replayed = await waitFor(() => (messages(again.events).filter((m) => m.role !== 'agent').length >= 2 ? messages(again.events) : undefined), 10_000, 'replay on B');
    expect(replayed.filter((m) => m.role !== 'agent').map((m) => [m.role, m.text])).toEqual([
      ['visitor', 'Phí giao hàng đến Đà Nẵng bao nhiêu?'],
      ['bot', ANSWER],
    ]);
    await again.close();

    late = await startWidgetRig(createPgDb(database.url, { max: 2 }), { env: { ...env, CHATBOT_PLATFORM_LLM_BASE_URL: llm.baseURL }, work: false });
    const fromDb = await openSse(`${late.baseUrl}/widget-api/events?token=${encodeURIComponent(session.token)}`, lastSeen.id);
    const stored = await waitFor(() => (messages(fromDb.events).length >= 2 ? messages(fromDb.events) : undefined), 10_000, 'replay from the database');
    expect(stored.map((m) => [m.role, m.text])).toEqual([
      ['visitor', 'Phí giao hàng đến Đà Nẵng bao nhiêu?'],
      ['bot', ANSWER],
    ]);
    // The delivered reply keeps the id it was streamed under, so a client that saw it drops the copy.
    expect(stored[1]!.id).toBe(replayed.find((m) => m.role === 'bot')!.id);
    await fromDb.close();
  });
});
