/**
 * `@agent-chatbot/cache-redis`: Redis (ioredis) implementations of the cache, rate-limiter and
 * pub/sub specs — Cache, giới hạn tần suất và pub/sub trên Redis.
 * @packageDocumentation
 */
export { createRedisCache, type RedisCache } from './redis-cache';
export { createRedisRateLimiter, type RedisRateLimiter } from './redis-rate-limiter';
export { createRedisPubSub, type RedisPubSub, type RedisPubSubOptions } from './redis-pubsub';
export type { RedisConnection, RedisPluginOptions } from './connection';
