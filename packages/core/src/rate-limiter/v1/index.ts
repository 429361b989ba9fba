/** The outcome of one {@link RateLimiterV1.consume}. */
export interface RateLimitResultV1 {
  /** Whether a token was taken. */
  readonly allowed: boolean;
  /** Tokens left after this call. */
  readonly remaining: number;
  /** When `allowed` is false: how long until enough tokens are back (ms), for `Retry-After`. */
  readonly retryAfterMs: number;
}

/** Token-bucket settings: `capacity` tokens, refilled at `refillPerSecond`. */
export interface TokenBucketV1 {
  /** Most tokens the bucket holds (the burst). */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
}

/**
 * Atomic token buckets, version 1 (per tenant, per customer, per login address). In-memory in core,
 * a Lua script on Redis in `@agent-chatbot/cache-redis`.
 */
export interface RateLimiterV1 {
  /** Contract version this limiter implements. */
  readonly specificationVersion: 'v1';
  /** Takes `cost` (default 1) tokens from the bucket `key` if it has them. */
  consume(key: string, bucket: TokenBucketV1, options?: { cost?: number }): Promise<RateLimitResultV1>;
  /** Empties the record of `key` (after a successful login, say). */
  reset(key: string): Promise<void>;
  /** Closes connections (Redis). */
  disconnect?(): Promise<void>;
}
