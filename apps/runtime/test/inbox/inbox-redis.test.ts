/**
 * Two runtime processes' worth of inbox (two runtimes, two HTTP servers, one Postgres database,
 * one Redis): an agent action on one replica reaches an SSE stream opened on the other, through
 * Redis pub/sub, and a ticket used on one replica cannot be used again on the other.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDb } from '../../src/db/pg-db';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { startInboxRig, type InboxRig } from './inbox-rig';

const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
async function redisUnavailable(): Promise<string | undefined> {
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  const up = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
  probe.disconnect();
  return up ? undefined : `Redis at ${redisUrl} does not answer; skipping the inbox fan-out test`;
}
const skip = (await postgresUnavailable()) ?? (await redisUnavailable());

describe.skipIf(skip !== undefined)('inbox events across replicas (Postgres + Redis)', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let one: InboxRig;
  let two: InboxRig;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 4 });
    one = await startInboxRig(database.db, { redisUrl });
    two = await startInboxRig(createPgDb(database.url, { max: 4 }), { redisUrl });
  }, 60_000);

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  it('a note written through replica one reaches a stream on replica two; tickets are single-use across replicas', async () => {
    const shop = await one.signup('fanout');
    const conversationId = await one.runtime.db.tenant(shop.tenantId, async (tx) =>
      (await tx.query<{ id: string }>(`INSERT INTO conversations (tenant_id, channel) VALUES ($1, 'api') RETURNING id`, [shop.tenantId])).rows[0]!.id,
    );
    const stream = await two.stream(shop.token);
    expect(stream.status).toBe(200);
    await stream.ready();

    const note = await one.call('POST', `/v1/tenant/inbox/conversations/${conversationId}/notes`, { token: shop.token, body: { content: 'Ghi chú từ bản sao một' } });
    expect(note.status, note.text).toBe(201);
    const event = await stream.next((e) => e.type === 'note.created' && e.conversation_id === conversationId);
    expect(event.payload).toMatchObject({ content: 'Ghi chú từ bản sao một', message_id: note.body.id });

    const taken = await one.call('POST', `/v1/tenant/inbox/conversations/${conversationId}/take-over`, { token: shop.token });
    expect(taken.status).toBe(200);
    await stream.next((e) => e.type === 'conversation.mode' && e.conversation_id === conversationId && e.payload.mode === 'human');

    const ticket = await one.call('POST', '/v1/tenant/inbox/stream-ticket', { token: shop.token });
    const first = await fetch(`${one.baseUrl}${ticket.body.url}`);
    expect(first.status).toBe(200);
    await first.body?.cancel();
    expect((await fetch(`${two.baseUrl}${ticket.body.url}`)).status).toBe(401);
  });
});
