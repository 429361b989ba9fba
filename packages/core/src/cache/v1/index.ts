/**
 * A key-value cache with TTLs, version 1. Values are JSON-serialisable. In-memory in core
 * ({@link createMemoryCache}), Redis in `@agent-chatbot/cache-redis`; both pass the testkit's cache suite.
 */
export interface CacheV1 {
  /** Contract version this implementation follows. */
  readonly specificationVersion: 'v1';
  /** The stored value (a copy, never shared state), or `undefined` when absent or expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores `value`; without `ttlMs` the key never expires (and any earlier TTL is cleared). */
  set(key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
  /** Removes the key; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Atomic: stores and returns `true` only when the key was absent (dedup, locks). */
  setIfNotExists(key: string, value: unknown, options?: { ttlMs?: number }): Promise<boolean>;
  /** Atomically adds `by` (default 1) to a numeric key and returns the new value. */
  increment(key: string, options?: { by?: number; ttlMs?: number }): Promise<number>;
  /** Deletes every key starting with `prefix` (tenant cache invalidation). */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Closes connections (Redis); the cache is unusable afterwards. */
  disconnect?(): Promise<void>;
}
