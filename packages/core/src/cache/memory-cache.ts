import { ValidationError } from '../errors';
import type { CacheV1 } from './v1';
import { assertTtl, jsonCopy } from './json-copy';

/** Options for {@link createMemoryCache}. */
export interface MemoryCacheOptions {
  /**
   * Upper bound on stored keys. When a write would pass it, the least recently used key (read or
   * written) is evicted first. Unbounded when absent.
   */
  readonly maxEntries?: number;
  /** Clock in epoch milliseconds; inject one in tests to move time without sleeping. */
  readonly now?: () => number;
}

/** The in-memory cache: a {@link CacheV1} plus a `size()` for tests and metrics. */
export interface MemoryCache extends CacheV1 {
  /** Number of live (unexpired) keys. */
  size(): number;
}

interface Entry {
  value: unknown;
  /** Epoch ms after which the entry is gone; `undefined` = no TTL. */
  expiresAt: number | undefined;
}

// Expired keys nobody reads again would otherwise stay forever; sweep every so many writes.
const SWEEP_EVERY_WRITES = 1_000;

/**
 * Creates a process-local {@link CacheV1} backed by a `Map`: TTLs, atomic `setIfNotExists` and
 * `increment` (a single JS turn cannot interleave), prefix deletion and optional LRU bounding.
 * Values are copied through JSON so it behaves like the Redis cache. Use it for development, the
 * single-process embedded runtime and tests; use `@agent-chatbot/cache-redis` across replicas.
 *
 * @example
 * ```ts
 * const cache = createMemoryCache({ maxEntries: 10_000 });
 * if (await cache.setIfNotExists(`webhook:${eventId}`, 1, { ttlMs: 86_400_000 })) {
 *   await handle(event); // first delivery only
 * }
 * ```
 */
export function createMemoryCache(options: MemoryCacheOptions = {}): MemoryCache {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries;
  if (maxEntries !== undefined && (!Number.isInteger(maxEntries) || maxEntries < 1)) {
    throw new ValidationError('maxEntries must be a positive integer', 'maxEntries phải là số nguyên dương', {
      details: { maxEntries },
    });
  }
  const entries = new Map<string, Entry>();
  let writesSinceSweep = 0;

  /** Returns the live entry for `key`, dropping it when expired. */
  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function touch(key: string, entry: Entry): void {
    // Map keeps insertion order: re-inserting moves the key to the most-recently-used end.
    entries.delete(key);
    entries.set(key, entry);
  }

  function sweepExpired(): void {
    const current = now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= current) entries.delete(key);
    }
  }

  function write(key: string, entry: Entry): void {
    touch(key, entry);
    if (++writesSinceSweep >= SWEEP_EVERY_WRITES) {
      writesSinceSweep = 0;
      sweepExpired();
    }
    if (maxEntries !== undefined && entries.size > maxEntries) {
      sweepExpired();
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    }
  }

  function expiry(ttlMs: number | undefined): number | undefined {
    assertTtl(ttlMs);
    return ttlMs === undefined ? undefined : now() + ttlMs;
  }

  return {
    specificationVersion: 'v1',

    async get<T = unknown>(key: string): Promise<T | undefined> {
      const entry = live(key);
      if (entry === undefined) return undefined;
      if (maxEntries !== undefined) touch(key, entry);
      return jsonCopy(entry.value) as T;
    },

    async set(key, value, setOptions) {
      write(key, { value: jsonCopy(value), expiresAt: expiry(setOptions?.ttlMs) });
    },

    async delete(key) {
      entries.delete(key);
    },

    async setIfNotExists(key, value, setOptions) {
      const expiresAt = expiry(setOptions?.ttlMs);
      const copy = jsonCopy(value);
      if (live(key) !== undefined) return false;
      write(key, { value: copy, expiresAt });
      return true;
    },

    async increment(key, incrementOptions) {
      const by = incrementOptions?.by ?? 1;
      if (!Number.isFinite(by)) {
        throw new ValidationError('increment "by" must be a finite number', 'Giá trị "by" phải là số hữu hạn');
      }
      const entry = live(key);
      if (entry === undefined) {
        // The TTL applies when the counter is created (fixed windows), as in the Redis cache.
        write(key, { value: by, expiresAt: expiry(incrementOptions?.ttlMs) });
        return by;
      }
      assertTtl(incrementOptions?.ttlMs);
      if (typeof entry.value !== 'number') {
        throw new ValidationError(`Cache key "${key}" does not hold a number`, `Khóa cache "${key}" không chứa số`);
      }
      const next = entry.value + by;
      write(key, { value: next, expiresAt: entry.expiresAt });
      return next;
    },

    async deleteByPrefix(prefix) {
      let removed = 0;
      for (const key of [...entries.keys()]) {
        if (!key.startsWith(prefix)) continue;
        if (live(key) !== undefined) removed++;
        entries.delete(key);
      }
      return removed;
    },

    size() {
      sweepExpired();
      return entries.size;
    },

    async disconnect() {
      entries.clear();
    },
  };
}
