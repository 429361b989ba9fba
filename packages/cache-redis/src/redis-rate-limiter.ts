import { assertBucket, RETRY_NEVER_MS, type RateLimiterV1 } from '@agent-chatbot/core';
import type { Redis } from 'ioredis';
import { openRedis, type RedisConnection, type RedisPluginOptions } from './connection';
import { luaScript, runLuaScript } from './lua-script';

/** The Redis rate limiter: a {@link RateLimiterV1} plus its client and ownership. */
export interface RedisRateLimiter extends RateLimiterV1 {
  /** The ioredis client (the bucket runs as one atomic Lua script). */
  readonly client: Redis;
  /** Whether `close()` also disconnects the client. */
  readonly ownsClient: boolean;
  disconnect(): Promise<void>;
}

/*
 * The token bucket of core's `takeTokens`, line for line, run atomically on the server. The clock is
 * Redis TIME, so replicas with skewed clocks share one timeline. Tokens travel as strings because
 * Redis truncates Lua numbers to integers in replies. The key expires once the bucket would be
 * full again (a missing bucket is a full one); a bucket that never refills (rate 0, a fixed quota)
 * keeps its key until `reset`, and a denied call on it answers -1, mapped to RETRY_NEVER_MS.
 */
const TAKE_TOKENS = luaScript(`
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = capacity
if state[1] and state[2] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  tokens = math.min(capacity, tonumber(state[1]) + elapsed * rate / 1000)
end
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
elseif rate > 0 then
  retry = math.ceil((cost - tokens) * 1000 / rate)
else
  retry = -1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%d', now))
if rate > 0 then
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * 1000 / rate) + 1000)
end
return { allowed, string.format('%.17g', tokens), retry }
`);

/**
 * Creates a {@link RateLimiterV1} on Redis: each `consume` is one Lua script (read, refill, take,
 * write, expire), so concurrent replicas can never grant more than the bucket holds. Passes the
 * testkit's `rateLimiterContract`.
 *
 * @example
 * ```ts
 * const limiter = createRedisRateLimiter({ url: process.env.REDIS_URL! }, { keyPrefix: 'chatbot:rl:' });
 * const { allowed, retryAfterMs } = await limiter.consume(`customer:${tenantId}:${customerId}`, {
 *   capacity: 10,
 *   refillPerSecond: 0.5,
 * });
 * ```
 */
export function createRedisRateLimiter(connection: RedisConnection, options: RedisPluginOptions = {}): RedisRateLimiter {
  const opened = openRedis(connection, options.logger);
  const client = opened.client;
  const prefix = options.keyPrefix ?? 'agent-chatbot:ratelimit:';

  return {
    specificationVersion: 'v1',
    client,
    ownsClient: opened.ownsClient,

    async consume(key, bucket, consumeOptions) {
      const cost = consumeOptions?.cost ?? 1;
      assertBucket(bucket, cost);
      const reply = (await runLuaScript(
        client,
        TAKE_TOKENS,
        [prefix + key],
        [String(bucket.capacity), String(bucket.refillPerSecond), String(cost)],
      )) as [number, string, number];
      const [allowed, tokens, retryAfterMs] = reply;
      return {
        allowed: allowed === 1,
        remaining: Math.floor(Number(tokens)),
        retryAfterMs: retryAfterMs < 0 ? RETRY_NEVER_MS : retryAfterMs,
      };
    },

    async reset(key) {
      await client.unlink(prefix + key);
    },

    disconnect: () => opened.close(),
  };
}
