import { ValidationError } from '../errors';
import type { RateLimitResultV1, TokenBucketV1 } from './v1';

/** Stored state of one bucket: tokens at the moment `updatedAt` (epoch ms). */
export interface TokenBucketState {
  /** Tokens left. */
  readonly tokens: number;
  /** When the bucket was last refilled (epoch ms). */
  readonly updatedAt: number;
}

/**
 * `retryAfterMs` of a denied call on a bucket that never refills (`refillPerSecond: 0`, a fixed
 * quota until `reset`): finite, so it survives JSON and `Retry-After` arithmetic.
 */
export const RETRY_NEVER_MS = Number.MAX_SAFE_INTEGER;

/** Checks a bucket definition and a cost; throws {@link ValidationError} on nonsense. */
export function assertBucket(bucket: TokenBucketV1, cost: number): void {
  if (!Number.isFinite(bucket.capacity) || bucket.capacity <= 0) {
    throw new ValidationError('Bucket capacity must be a positive number', 'Dung lượng bucket phải là số dương', {
      details: { capacity: bucket.capacity },
    });
  }
  if (!Number.isFinite(bucket.refillPerSecond) || bucket.refillPerSecond < 0) {
    throw new ValidationError('refillPerSecond must be zero or a positive number', 'refillPerSecond phải là số không âm', {
      details: { refillPerSecond: bucket.refillPerSecond },
    });
  }
  // A cost above capacity could never be granted: say so instead of answering "retry later" forever.
  if (!Number.isFinite(cost) || cost <= 0 || cost > bucket.capacity) {
    throw new ValidationError(
      `cost must be a positive number no larger than capacity (${bucket.capacity})`,
      `cost phải là số dương và không lớn hơn dung lượng (${bucket.capacity})`,
      { details: { cost, capacity: bucket.capacity } },
    );
  }
}

/**
 * One token-bucket step, pure so the in-memory limiter and the Redis Lua script share one definition
 * (the Lua mirrors this line by line). A missing state is a full bucket. Tokens refill continuously
 * at `refillPerSecond`, capped at `capacity`; a denied call takes nothing.
 */
export function takeTokens(
  state: TokenBucketState | undefined,
  bucket: TokenBucketV1,
  cost: number,
  now: number,
): { state: TokenBucketState; result: RateLimitResultV1 } {
  const elapsedMs = state === undefined ? 0 : Math.max(0, now - state.updatedAt);
  const available =
    state === undefined ? bucket.capacity : Math.min(bucket.capacity, state.tokens + (elapsedMs * bucket.refillPerSecond) / 1000);
  if (available >= cost) {
    const tokens = available - cost;
    return { state: { tokens, updatedAt: now }, result: { allowed: true, remaining: Math.floor(tokens), retryAfterMs: 0 } };
  }
  const retryAfterMs = bucket.refillPerSecond > 0 ? Math.ceil(((cost - available) * 1000) / bucket.refillPerSecond) : RETRY_NEVER_MS;
  return {
    state: { tokens: available, updatedAt: now },
    result: { allowed: false, remaining: Math.floor(available), retryAfterMs },
  };
}

/**
 * Milliseconds until a bucket with `tokens` is full again; after that its state can be forgotten.
 * `Infinity` for a partly used bucket that never refills.
 */
export function msUntilFull(tokens: number, bucket: TokenBucketV1): number {
  if (tokens >= bucket.capacity) return 0;
  if (bucket.refillPerSecond === 0) return Number.POSITIVE_INFINITY;
  return Math.ceil(((bucket.capacity - tokens) * 1000) / bucket.refillPerSecond);
}
