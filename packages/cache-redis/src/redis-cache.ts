import { ValidationError, type CacheV1 } from '@agent-chatbot/core';
import type { Redis } from 'ioredis';
import { openRedis, type RedisConnection, type RedisPluginOptions } from './connection';
import { escapeGlob, fromJson, toJson } from './json';
import { luaScript, runLuaScript } from './lua-script';

/** The Redis cache: a {@link CacheV1} that also exposes its ioredis client and ownership. */
export interface RedisCache extends CacheV1 {
  /** The ioredis client. */
  readonly client: Redis;
  /** True when the cache created the client from a URL, and so closes it on `disconnect()`. */
  readonly ownsClient: boolean;
  disconnect(): Promise<void>;
}

// Adds to a JSON number and sets the TTL only when this call created the key (fixed windows).
// INCRBYFLOAT accepts integers and decimals alike and rejects non-numeric JSON (strings, objects).
const INCREMENT = luaScript(`
local existed = redis.call('EXISTS', KEYS[1])
local value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if existed == 0 and ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return value
`);

const SCAN_BATCH = 500;

function ttlArgument(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new ValidationError(
      `ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`,
      `ttlMs phải là số mili giây dương, nhận được ${String(ttlMs)}`,
      { details: { ttlMs } },
    );
  }
  return Math.ceil(ttlMs);
}

/**
 * Creates a {@link CacheV1} on Redis (ioredis). Values are stored as JSON strings under
 * `keyPrefix + key`; `setIfNotExists` is `SET NX`, `increment` a Lua script, `deleteByPrefix` a
 * non-blocking `SCAN` + `UNLINK`. Passes the testkit's `cacheContract`.
 *
 * @example
 * ```ts
 * const cache = createRedisCache({ url: process.env.REDIS_URL! }, { keyPrefix: 'chatbot:cache:' });
 * await cache.set(`answer:${tenantId}:${hash}`, answer, { ttlMs: 3_600_000 });
 * await cache.deleteByPrefix(`answer:${tenantId}:`); // after the tenant re-indexes
 * await cache.disconnect(); // closes the connection it created
 * ```
 */
export function createRedisCache(connection: RedisConnection, options: RedisPluginOptions = {}): RedisCache {
  const opened = openRedis(connection, options.logger);
  const client = opened.client;
  const prefix = options.keyPrefix ?? 'agent-chatbot:cache:';
  const full = (key: string) => prefix + key;

  return {
    specificationVersion: 'v1',
    client,
    ownsClient: opened.ownsClient,

    async get<T = unknown>(key: string): Promise<T | undefined> {
      const text = await client.get(full(key));
      return text === null ? undefined : (fromJson(text, key) as T);
    },

    async set(key, value, setOptions) {
      const ttl = ttlArgument(setOptions?.ttlMs);
      const text = toJson(value);
      if (ttl === undefined) await client.set(full(key), text);
      else await client.set(full(key), text, 'PX', ttl);
    },

    async delete(key) {
      await client.unlink(full(key));
    },

    async setIfNotExists(key, value, setOptions) {
      const ttl = ttlArgument(setOptions?.ttlMs);
      const text = toJson(value);
      const reply = ttl === undefined ? await client.set(full(key), text, 'NX') : await client.set(full(key), text, 'PX', ttl, 'NX');
      return reply === 'OK';
    },

    async increment(key, incrementOptions) {
      const by = incrementOptions?.by ?? 1;
      if (!Number.isFinite(by)) {
        throw new ValidationError('increment "by" must be a finite number', 'Giá trị "by" phải là số hữu hạn');
      }
      const ttl = ttlArgument(incrementOptions?.ttlMs) ?? 0;
      try {
        const reply = await runLuaScript(client, INCREMENT, [full(key)], [String(by), ttl]);
        return Number(reply);
      } catch (error) {
        if (error instanceof Error && /not a valid float|not an integer/i.test(error.message)) {
          throw new ValidationError(`Cache key "${key}" does not hold a number`, `Khóa cache "${key}" không chứa số`, {
            cause: error,
          });
        }
        throw error;
      }
    },

    async deleteByPrefix(keyPrefix) {
      const pattern = `${escapeGlob(full(keyPrefix))}*`;
      let cursor = '0';
      let removed = 0;
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
        cursor = next;
        if (keys.length > 0) removed += await client.unlink(...keys);
      } while (cursor !== '0');
      return removed;
    },

    disconnect: () => opened.close(),
  };
}
