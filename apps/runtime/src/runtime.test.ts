import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig } from './config';
import { createPgliteDb } from './db/pglite-db';
import { createRuntime } from './runtime';
import { createLogger } from './secrets/logger';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisUnavailable(): Promise<string | undefined> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1500, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    const reason = `Redis at ${REDIS_URL} does not answer (${(error as Error).message}); skipping Redis runtime test`;
    console.warn(`[skip] ${reason}`);
    return reason;
  } finally {
    client.disconnect();
  }
}

const env = () => ({ CHATBOT_JWT_SECRET: 'j'.repeat(40), CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]), LOG_LEVEL: 'silent' as const });
const redisSkip = await redisUnavailable();

describe('createRuntime', { timeout: 60_000 }, () => {
  it('opens and migrates the embedded default with in-memory cache, limiter and pub/sub', async () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }) });
    const runtime = await createRuntime(loadConfig(env()), { db: await createPgliteDb('memory'), logger });
    try {
      const tables = await runtime.db.platform(async (tx) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM app.schema_migrations`)).rows[0]!.n);
      expect(tables).toBeGreaterThanOrEqual(2);
      await runtime.cache.set('k', { v: 1 }, { ttlMs: 10_000 });
      expect(await runtime.cache.get('k')).toEqual({ v: 1 });
      const received: unknown[] = [];
      await runtime.pubsub.subscribe('ch', (m) => void received.push(m));
      await runtime.pubsub.publish('ch', 'xin chào');
      await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual(['xin chào']);
      expect(lines.join('')).toContain('Migrations applied');
    } finally {
      await runtime.close();
      await runtime.close();
    }
  });

  it.skipIf(redisSkip)('uses Redis for cache, limiter and pub/sub when REDIS_URL is set', async () => {
    const runtime = await createRuntime(loadConfig({ ...env(), REDIS_URL }), { db: await createPgliteDb('memory') });
    try {
      const key = `runtime-test-${Date.now()}`;
      await runtime.cache.set(key, 'v', { ttlMs: 5000 });
      const direct = new Redis(REDIS_URL);
      try {
        expect(await direct.exists(`acb:cache:${key}`)).toBe(1);
        // The cache lives apart from rate-limit buckets: clearing it cannot reset a limiter.
        await runtime.rateLimiter.consume(key, { capacity: 1, refillPerSecond: 0 });
        await runtime.cache.deleteByPrefix('');
        expect((await runtime.rateLimiter.consume(key, { capacity: 1, refillPerSecond: 0 })).allowed).toBe(false);
      } finally {
        direct.disconnect();
      }
    } finally {
      await runtime.close();
    }
  });
});
