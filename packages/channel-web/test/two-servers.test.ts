import { createRedisPubSub } from '@agent-chatbot/cache-redis';
import { createMemoryPubSub, createMemoryPubSubHub, type PubSubV1 } from '@agent-chatbot/core';
import { createRecordingHost } from '@agent-chatbot/testkit/fake-channels';
import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeMessageEvent, WidgetSession } from '../src/client/protocol';
import { createRealtimeHub } from '../src/server/realtime-hub';
import { createWebChannel, type WebChannel } from '../src/server/web-channel';
import { createWidgetHandlers } from '../src/server/widget-handlers';
import { fakeAnswerer, readSse, redisUnavailableReason, startTestServer, TEST_REDIS_URL, TOKEN_SECRET, waitFor } from './helpers';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One api replica: its own hub, channel, answerer and HTTP server; only the pub/sub is shared. */
async function apiReplica(pubsub: PubSubV1) {
  // The answerer needs the channel it is passed to: resolve it lazily.
  const holder: { channel?: WebChannel } = {};
  const answer = fakeAnswerer(() => holder.channel as WebChannel, 5);
  const channel = createWebChannel({ hub: createRealtimeHub({ pubsub }), tokenSecret: TOKEN_SECRET, onMessage: answer });
  holder.channel = channel;
  await channel.initialize(createRecordingHost());
  const handlers = createWidgetHandlers({
    channel,
    tokenSecret: TOKEN_SECRET,
    resolveWidget: async (key) => (key === 'pk_two' ? { publicKey: 'pk_two', allowedOrigins: ['https://shop.vn'] } : null),
    assets: async () => {
      throw new Error('unused');
    },
  });
  const server = await startTestServer(handlers);
  cleanups.push(() => channel.disconnect?.(), () => server.close());
  return server;
}

function suite(name: string, pair: () => [PubSubV1, PubSubV1], skip?: string) {
  describe.skipIf(skip !== undefined)(`two api servers over HTTP (${name})`, () => {
    it('a visitor posts to server A, listens on server B, and sees the streamed answer; reconnecting to A resumes', async () => {
      const [pubA, pubB] = pair();
      const a = await apiReplica(pubA);
      const b = await apiReplica(pubB);
      const session = (await (await fetch(`${a.url}/widget-api/session`, { method: 'POST', body: JSON.stringify({ key: 'pk_two', origin: 'https://shop.vn' }) })).json()) as WidgetSession;
      const controller = new AbortController();
      cleanups.push(() => controller.abort());
      const atB = await fetch(`${b.url}/widget-api/events?token=${encodeURIComponent(session.token)}`, { signal: controller.signal });
      expect(atB.headers.get('content-type')).toContain('text/event-stream');
      const sse = readSse(atB);
      const posted = await fetch(`${a.url}/widget-api/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'q1', text: 'Áo còn size M không?' }),
      });
      expect(posted.status).toBe(200);
      const messages = () => sse.events.filter((event): event is RealtimeMessageEvent => event.type === 'message');
      await waitFor(() => messages().length === 2, 5000, 'visitor message and answer at B');
      expect(messages().map((m) => m.role)).toEqual(['visitor', 'bot']);
      expect(messages()[1]?.text).toContain('150.000đ');
      expect(sse.events.some((event) => event.type === 'delta')).toBe(true);
      expect(sse.events.some((event) => event.type === 'typing')).toBe(true);
      controller.abort();

      // The visitor comes back later on server A, with the last id it saw: nothing new, nothing repeated.
      const resumed = readSse(await fetch(`${a.url}/widget-api/events?token=${encodeURIComponent(session.token)}&after=${sse.ids.at(-1) ?? ''}`));
      cleanups.push(() => resumed.close());
      await fetch(`${b.url}/widget-api/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'q2', text: 'Ship HN mất mấy ngày?' }),
      });
      await waitFor(() => resumed.ids.length === 2, 5000, 'second exchange at A');
      const texts = resumed.events.filter((event): event is RealtimeMessageEvent => event.type === 'message').map((m) => m.text ?? '');
      expect(texts[0]).toBe('Ship HN mất mấy ngày?');
      expect(texts[1]).toContain('Ship HN');
    });
  });
}

suite('shared in-memory hub', () => {
  const hub = createMemoryPubSubHub();
  return [createMemoryPubSub({ hub }), createMemoryPubSub({ hub })];
});

const redisSkip = await redisUnavailableReason();
if (redisSkip) console.warn(redisSkip);
suite(
  'Redis',
  () => {
    const keyPrefix = `acb-web-http:${Date.now()}:${Math.random().toString(36).slice(2)}:`;
    const pair: [PubSubV1, PubSubV1] = [createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix }), createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix })];
    for (const pubsub of pair) cleanups.unshift(() => pubsub.disconnect?.());
    return pair;
  },
  redisSkip,
);
