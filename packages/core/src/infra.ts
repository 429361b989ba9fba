/**
 * In-memory infrastructure: the reference implementations of the cache, rate limiter, pub/sub and
 * meter specs, for development, the single-process embedded runtime and tests.
 */
export { createMemoryCache, type MemoryCache, type MemoryCacheOptions } from './cache/memory-cache';
export { createMemoryRateLimiter, type MemoryRateLimiterOptions } from './rate-limiter/memory-rate-limiter';
export { takeTokens, assertBucket, msUntilFull, RETRY_NEVER_MS, type TokenBucketState } from './rate-limiter/token-bucket';
export {
  createMemoryPubSub,
  createMemoryPubSubHub,
  type MemoryPubSubHub,
  type PubSubHubListener,
  type MemoryPubSubOptions,
} from './pubsub/memory-pubsub';
export { createMemoryMeter, type MemoryMeter, type MemoryMeterOptions, type MeterSummaryVnd } from './meter/memory-meter';
export {
  estimateCostVnd,
  eventCostVnd,
  priceOf,
  type ModelPriceTableVnd,
  type ModelPriceVnd,
} from './meter/usage-cost';
export { meterAuthorizeRequestSchema, usageEventSchema, parseMeterInput } from './meter/meter-schemas';
