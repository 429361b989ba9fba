import { cacheContract } from '@agent-chatbot/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisCache, type RedisCache } from './redis-cache';
import { redisUnavailableReason, TEST_REDIS_URL, uniqueTestPrefix } from './testing/test-redis';

const unavailable = await redisUnavailableReason();
if (unavailable) console.warn(unavailable);

async function dropAndDisconnect(cache: RedisCache): Promise<void> {
  await cache.deleteByPrefix('');
  await cache.disconnect();
}

describe.skipIf(unavailable !== undefined)('createRedisCache', () => {
  cacheContract({
    name: 'redis',
    create: () => createRedisCache({ url: TEST_REDIS_URL }, { keyPrefix: uniqueTestPrefix() }),
    cleanup: (cache) => dropAndDisconnect(cache as RedisCache),
  });

  it('closes a client it created, but never one it was given', async () => {
    const owned = createRedisCache({ url: TEST_REDIS_URL }, { keyPrefix: uniqueTestPrefix() });
    expect(owned.ownsClient).toBe(true);
    await owned.set('k', 1);
    await owned.deleteByPrefix('');
    await owned.disconnect();
    expect(owned.client.status).toBe('end');

    const shared = new Redis(TEST_REDIS_URL);
    try {
      const borrowed = createRedisCache({ client: shared }, { keyPrefix: uniqueTestPrefix() });
      expect(borrowed.ownsClient).toBe(false);
      await borrowed.set('k', 'v');
      await borrowed.disconnect();
      expect(await shared.ping()).toBe('PONG');
      expect(await borrowed.get('k')).toBe('v');
      await borrowed.deleteByPrefix('');
    } finally {
      shared.disconnect();
    }
  });

  it('stores JSON under the key prefix, with a real TTL', async () => {
    const prefix = uniqueTestPrefix();
    const cache = createRedisCache({ url: TEST_REDIS_URL }, { keyPrefix: prefix });
    try {
      await cache.set('greeting', { vi: 'Xin chào' }, { ttlMs: 60_000 });
      expect(await cache.client.get(`${prefix}greeting`)).toBe('{"vi":"Xin chào"}');
      const ttl = await cache.client.pttl(`${prefix}greeting`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await dropAndDisconnect(cache);
    }
  });

  it('reports a foreign non-JSON value as a corrupt cache entry', async () => {
    const prefix = uniqueTestPrefix();
    const cache = createRedisCache({ url: TEST_REDIS_URL }, { keyPrefix: prefix });
    try {
      await cache.client.set(`${prefix}raw`, 'not json');
      await expect(cache.get('raw')).rejects.toMatchObject({ code: 'cache_value_corrupt', status: 500 });
    } finally {
      await dropAndDisconnect(cache);
    }
  });
});

describe('createRedisCache input checks (no server needed)', () => {
  it('rejects a URL that is not redis:// with a ValidationError', () => {
    expect(() => createRedisCache({ url: 'http://localhost:6379' })).toThrow(
      expect.objectContaining({ code: 'validation_failed', status: 400 }),
    );
  });

  it('does no I/O at construction', async () => {
    const cache = createRedisCache({ url: 'redis://127.0.0.1:1' });
    expect(cache.client.status).toBe('wait');
    await cache.disconnect();
  });
});
