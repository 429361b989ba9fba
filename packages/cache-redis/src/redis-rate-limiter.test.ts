import { rateLimiterContract } from '@agent-chatbot/testkit';
import { describe, expect, it } from 'vitest';
import { createRedisRateLimiter, type RedisRateLimiter } from './redis-rate-limiter';
import { deleteKeysUnder, redisUnavailableReason, TEST_REDIS_URL, uniqueTestPrefix } from './testing/test-redis';

const unavailable = await redisUnavailableReason();
if (unavailable) console.warn(unavailable);

describe.skipIf(unavailable !== undefined)('createRedisRateLimiter', () => {
  const prefixes = new WeakMap<object, string>();
  rateLimiterContract({
    name: 'redis',
    create: () => {
      const keyPrefix = uniqueTestPrefix();
      const limiter = createRedisRateLimiter({ url: TEST_REDIS_URL }, { keyPrefix });
      prefixes.set(limiter, keyPrefix);
      return limiter;
    },
    cleanup: async (limiter) => {
      const redisLimiter = limiter as RedisRateLimiter;
      await deleteKeysUnder(redisLimiter.client, prefixes.get(redisLimiter)!);
      await redisLimiter.disconnect();
    },
  });

  it('keeps a bucket only until it would be full again, and reset deletes it', async () => {
    const prefix = uniqueTestPrefix();
    const limiter = createRedisRateLimiter({ url: TEST_REDIS_URL }, { keyPrefix: prefix });
    try {
      await limiter.consume('k', { capacity: 10, refillPerSecond: 1 }, { cost: 4 });
      const ttl = await limiter.client.pttl(`${prefix}k`);
      // 4 tokens at 1/s refill in 4 s; the script adds a 1 s margin.
      expect(ttl).toBeGreaterThan(4_000);
      expect(ttl).toBeLessThanOrEqual(5_000);
      await limiter.reset('k');
      expect(await limiter.client.exists(`${prefix}k`)).toBe(0);
    } finally {
      await limiter.disconnect();
    }
  });

  it('shares buckets between two instances (two replicas)', async () => {
    const prefix = uniqueTestPrefix();
    const replicaA = createRedisRateLimiter({ url: TEST_REDIS_URL }, { keyPrefix: prefix });
    const replicaB = createRedisRateLimiter({ url: TEST_REDIS_URL }, { keyPrefix: prefix });
    try {
      const bucket = { capacity: 6, refillPerSecond: 0.001 };
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? replicaA : replicaB).consume('shared', bucket)),
      );
      expect(results.filter((result) => result.allowed)).toHaveLength(6);
      await replicaA.reset('shared');
    } finally {
      await replicaA.disconnect();
      await replicaB.disconnect();
    }
  });
});
