import type { RateLimiterV1 } from './v1';
import { assertBucket, msUntilFull, takeTokens, type TokenBucketState } from './token-bucket';

/** Options for {@link createMemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Clock in epoch milliseconds; inject one in tests to move time without sleeping. */
  readonly now?: () => number;
}

interface StoredBucket extends TokenBucketState {
  /** When the bucket will be full again; the entry carries no information after that. */
  readonly forgetAt: number;
}

// Full buckets are indistinguishable from absent ones; drop them now and then so memory stays flat.
const SWEEP_EVERY_CALLS = 1_000;

/**
 * Creates a process-local {@link RateLimiterV1}: token buckets with continuous refill, exact
 * `retryAfterMs`, and atomic `consume` (one JS turn). Use it in development, the embedded runtime
 * and tests; use `createRedisRateLimiter` from `@agent-chatbot/cache-redis` across replicas.
 *
 * @example
 * ```ts
 * const limiter = createMemoryRateLimiter();
 * const result = await limiter.consume(`tenant:${tenantId}`, { capacity: 20, refillPerSecond: 1 });
 * if (!result.allowed) throw new RateLimitError({ retryAfterMs: result.retryAfterMs });
 * ```
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): RateLimiterV1 {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, StoredBucket>();
  let callsSinceSweep = 0;

  function sweep(current: number): void {
    for (const [key, stored] of buckets) if (stored.forgetAt <= current) buckets.delete(key);
  }

  return {
    specificationVersion: 'v1',

    async consume(key, bucket, consumeOptions) {
      const cost = consumeOptions?.cost ?? 1;
      assertBucket(bucket, cost);
      const current = now();
      if (++callsSinceSweep >= SWEEP_EVERY_CALLS) {
        callsSinceSweep = 0;
        sweep(current);
      }
      const stored = buckets.get(key);
      // A forgotten bucket is a full one, exactly what takeTokens assumes for `undefined`.
      const previous = stored !== undefined && stored.forgetAt > current ? stored : undefined;
      const { state, result } = takeTokens(previous, bucket, cost, current);
      buckets.set(key, { ...state, forgetAt: current + msUntilFull(state.tokens, bucket) });
      return result;
    },

    async reset(key) {
      buckets.delete(key);
    },

    async disconnect() {
      buckets.clear();
    },
  };
}
