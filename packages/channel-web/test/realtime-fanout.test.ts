import { createRedisPubSub } from '@agent-chatbot/cache-redis';
import { createMemoryPubSub, createMemoryPubSubHub, type PubSubV1 } from '@agent-chatbot/core';
import { createRecordingHost } from '@agent-chatbot/testkit/fake-channels';
import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeMessageEvent } from '../src/client/protocol';
import { createRealtimeHub, type RealtimeHub } from '../src/server/realtime-hub';
import { signVisitorToken } from '../src/server/visitor-token';
import { createWebChannel, type WebChannel } from '../src/server/web-channel';
import { createWidgetHandlers, type WidgetHandlers } from '../src/server/widget-handlers';
import { readSse, redisUnavailableReason, TEST_REDIS_URL, TOKEN_SECRET, waitFor } from './helpers';

const conversationId = 'web:pk_shop:c_fanout';
const token = signVisitorToken({ publicKey: 'pk_shop', conversation: 'c_fanout', visitorId: 'v_1', issuedAt: Date.now() }, TOKEN_SECRET);
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Replica {
  readonly channel: WebChannel;
  readonly hub: RealtimeHub;
  readonly handlers: WidgetHandlers;
}

async function replica(pubsub: PubSubV1, history?: Parameters<typeof createRealtimeHub>[0]['history']): Promise<Replica> {
  const hub = createRealtimeHub({ pubsub, bufferSize: 50, ...(history ? { history } : {}) });
  const channel = createWebChannel({ hub, tokenSecret: TOKEN_SECRET });
  await channel.initialize(createRecordingHost());
  const handlers = createWidgetHandlers({ channel, tokenSecret: TOKEN_SECRET, resolveWidget: async () => null, assets: async () => { throw new Error('unused'); } });
  cleanups.push(() => channel.disconnect?.());
  return { channel, hub, handlers };
}

async function connect(target: Replica, lastEventId?: string) {
  const controller = new AbortController();
  const response = await target.handlers.fetch(
    new Request(`http://api.test/widget-api/events?token=${encodeURIComponent(token)}`, { signal: controller.signal, headers: lastEventId ? { 'last-event-id': lastEventId } : {} }),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const sse = readSse(response);
  cleanups.push(async () => {
    controller.abort();
    await sse.close();
  });
  return sse;
}

const texts = (events: ReadonlyArray<{ type: string }>) => events.filter((e): e is RealtimeMessageEvent => e.type === 'message').map((e) => e.text);

function fanOutSuite(name: string, makePair: () => Promise<[PubSubV1, PubSubV1]> | [PubSubV1, PubSubV1], skip?: string) {
  describe.skipIf(skip !== undefined)(`realtime fan-out across two replicas (${name})`, () => {
    it('a reply sent through replica A reaches an SSE client connected to replica B, streamed deltas included', async () => {
      const [pubA, pubB] = await makePair();
      const a = await replica(pubA);
      const b = await replica(pubB);
      const sse = await connect(b);
      const stream = a.channel.streamReply(conversationId);
      await stream.write('Dạ, ');
      await stream.write('áo còn hàng ạ');
      const result = await stream.finish();
      expect(result.status).toBe('sent');
      await waitFor(() => texts(sse.events).length === 1, 3000, 'final message at B');
      expect(sse.events.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text)).toEqual(['Dạ, ', 'áo còn hàng ạ']);
      expect(texts(sse.events)).toEqual(['Dạ, áo còn hàng ạ']);
      expect(sse.ids).toEqual([result.status === 'sent' ? result.messageId : '']);
    });

    it('reconnecting to the other replica with Last-Event-ID resumes without loss or duplicates', async () => {
      const [pubA, pubB] = await makePair();
      const a = await replica(pubA);
      const b = await replica(pubB);
      const first = await connect(b);
      await a.channel.doSend({ conversationId, message: { text: 'Một' } });
      await waitFor(() => first.ids.length === 1, 3000, 'first message');
      const lastSeen = first.ids[0];
      await first.close();
      // While the visitor is offline, two more replies are sent from B itself.
      await b.channel.doSend({ conversationId, message: { text: 'Hai' } });
      await b.channel.doSend({ conversationId, message: { text: 'Ba' }, providerOptions: { web: { role: 'agent' } } });
      const resumedAtA = await connect(a, lastSeen);
      await waitFor(() => resumedAtA.ids.length === 2, 3000, 'replayed messages at A');
      expect(texts(resumedAtA.events)).toEqual(['Hai', 'Ba']);
      expect((resumedAtA.events[1] as RealtimeMessageEvent).role).toBe('agent');
      await a.channel.doSend({ conversationId, message: { text: 'Bốn' } });
      await waitFor(() => resumedAtA.ids.length === 3, 3000, 'live message after replay');
      expect(texts(resumedAtA.events)).toEqual(['Hai', 'Ba', 'Bốn']);
    });
  });
}

fanOutSuite('shared in-memory hub', () => {
  const hub = createMemoryPubSubHub();
  return [createMemoryPubSub({ hub }), createMemoryPubSub({ hub })];
});

const redisSkip = await redisUnavailableReason();
if (redisSkip) console.warn(redisSkip);
fanOutSuite(
  'Redis',
  () => {
    const keyPrefix = `acb-web-test:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
    const pair: [PubSubV1, PubSubV1] = [createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix }), createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix })];
    for (const pubsub of pair) cleanups.unshift(() => pubsub.disconnect?.());
    return pair;
  },
  redisSkip,
);

describe('replay source', () => {
  it('asks the history callback when the Last-Event-ID is not in this replica’s buffer (restart, long offline)', async () => {
    const stored: RealtimeMessageEvent[] = [
      { type: 'message', id: 'db-2', conversationId, role: 'bot', text: 'Từ cơ sở dữ liệu', createdAt: new Date().toISOString() },
    ];
    const calls: Array<[string, string | undefined]> = [];
    const r = await replica(createMemoryPubSub(), async (id, after) => {
      calls.push([id, after]);
      return stored;
    });
    const sse = await connect(r, 'db-1');
    await waitFor(() => sse.ids.length === 1, 3000, 'history replay');
    expect(calls).toEqual([[conversationId, 'db-1']]);
    expect(texts(sse.events)).toEqual(['Từ cơ sở dữ liệu']);
  });

  it('subscribeAll sees live events of every conversation from every replica (the inbox feed)', async () => {
    const shared = createMemoryPubSubHub();
    const a = await replica(createMemoryPubSub({ hub: shared }));
    const b = await replica(createMemoryPubSub({ hub: shared }));
    const seen: string[] = [];
    const stop = await b.hub.subscribeAll((event) => seen.push(`${event.conversationId}/${event.type}`));
    await a.channel.doSend({ conversationId, message: { text: 'x' } });
    await a.hub.publish({ type: 'message', conversationId: 'zalo:123', role: 'visitor', text: 'sp nay con ko', createdAt: new Date().toISOString() });
    await waitFor(() => seen.length === 2, 3000, 'inbox events');
    expect(seen).toEqual([`${conversationId}/message`, 'zalo:123/message']);
    stop();
  });

  it('keeps only the last bufferSize messages per conversation', async () => {
    const hub = createRealtimeHub({ pubsub: createMemoryPubSub(), bufferSize: 3 });
    cleanups.push(() => hub.close());
    for (const text of ['1', '2', '3', '4', '5']) await hub.publish({ type: 'message', conversationId, role: 'bot', text, createdAt: new Date().toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await hub.recent(conversationId)).map((m) => m.text)).toEqual(['3', '4', '5']);
  });

  it('rejects an SSE request without a valid token with a bilingual 401', async () => {
    const r = await replica(createMemoryPubSub());
    const response = await r.handlers.fetch(new Request('http://api.test/widget-api/events?token=forged.token'));
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string; message_vi: string } };
    expect(body.error.message_vi).toMatch(/mã phiên/);
    expect(body.error.message).toMatch(/visitor token/);
  });
});
