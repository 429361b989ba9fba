import { pubSubContract } from '@agent-chatbot/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisPubSub, type RedisPubSub } from './redis-pubsub';
import { redisUnavailableReason, TEST_REDIS_URL, uniqueTestPrefix } from './testing/test-redis';

const unavailable = await redisUnavailableReason();
if (unavailable) console.warn(unavailable);

const quiet = { onListenerError: () => {} };

async function waitFor(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.skipIf(unavailable !== undefined)('createRedisPubSub', () => {
  pubSubContract({
    name: 'redis',
    create: () => createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix: uniqueTestPrefix(), ...quiet }),
    createConnected: () => {
      const keyPrefix = uniqueTestPrefix();
      return [
        createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix, ...quiet }),
        createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix, ...quiet }),
      ] as const;
    },
  });

  it('two separate instances on separate connections (two api replicas) deliver to each other', async () => {
    const keyPrefix = uniqueTestPrefix();
    const shared = new Redis(TEST_REDIS_URL);
    // Replica A borrows an app-wide client; replica B opens its own from the URL.
    const replicaA: RedisPubSub = createRedisPubSub({ client: shared }, { keyPrefix });
    const replicaB: RedisPubSub = createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix });
    try {
      const atA: unknown[] = [];
      const atB: unknown[] = [];
      await replicaA.subscribe('conversation:42', (message) => atA.push(message));
      await replicaB.subscribe('conversation:42', (message) => atB.push(message));
      await replicaB.publish('conversation:42', { type: 'reply-delta', text: 'Dạ, em chào anh' });
      await replicaA.publish('conversation:42', { type: 'message-received', from: 'A' });
      await waitFor(() => atA.length === 2 && atB.length === 2);
      expect(atA).toEqual([{ type: 'reply-delta', text: 'Dạ, em chào anh' }, { type: 'message-received', from: 'A' }]);
      expect(atB).toEqual(atA);
    } finally {
      await replicaA.disconnect();
      await replicaB.disconnect();
    }
    // A closed only its private subscriber connection; the borrowed client still works.
    expect(replicaA.ownsClient).toBe(false);
    expect(await shared.ping()).toBe('PONG');
    expect(replicaB.client.status).toBe('end');
    shared.disconnect();
  });

  it('holds one Redis subscription per channel and releases it with the last listener', async () => {
    const keyPrefix = uniqueTestPrefix();
    const pubsub = createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix });
    try {
      const count = async () => {
        const reply = (await pubsub.client.call('PUBSUB', 'NUMSUB', `${keyPrefix}room`)) as [string, number];
        return Number(reply[1]);
      };
      const first = await pubsub.subscribe('room', () => {});
      const second = await pubsub.subscribe('room', () => {});
      expect(await count()).toBe(1);
      await first();
      expect(await count()).toBe(1);
      await second();
      expect(await count()).toBe(0);
    } finally {
      await pubsub.disconnect();
    }
  });

  it('a publish-only instance opens no subscriber connection', async () => {
    const pubsub = createRedisPubSub({ url: TEST_REDIS_URL }, { keyPrefix: uniqueTestPrefix() });
    await pubsub.publish('nobody', { ok: true });
    await pubsub.disconnect();
    expect(pubsub.client.status).toBe('end');
  });
});
