import { createMemoryCache, createMemoryRateLimiter, ValidationError, type CacheV1, type RateLimiterV1 } from '@agent-chatbot/core';
import { describe, expect, it } from 'vitest';
import { cacheContractCases, cacheContractFixture } from './cache';
import { resolveSkips } from './contract-suite';
import { contractCatches, roundTrip } from './mutants.test-support';
import { rateLimiterContractCases, rateLimiterContractFixture } from './rate-limiter';

/** A memory cache with one behaviour replaced. */
function brokenCache(override: (real: CacheV1) => Partial<CacheV1>): () => CacheV1 {
  return () => {
    const real = createMemoryCache();
    return { ...real, ...override(real) };
  };
}

/** A plain Map cache without TTLs, with switchable bugs. */
function mapCache(bugs: { matchesPrefix?: (key: string, prefix: string) => boolean; sharesValues?: boolean }): () => CacheV1 {
  return () => {
    const keys = new Map<string, unknown>();
    const copy = (value: unknown) => (bugs.sharesValues || value === undefined ? value : structuredClone(value));
    const matches = bugs.matchesPrefix ?? ((key: string, prefix: string) => key.startsWith(prefix));
    return {
      specificationVersion: 'v1',
      get: async <T>(key: string) => copy(keys.get(key)) as T | undefined,
      set: async (key, value) => void keys.set(key, copy(value)),
      delete: async (key) => void keys.delete(key),
      setIfNotExists: async (key, value) => !keys.has(key) && Boolean(keys.set(key, copy(value))),
      increment: async (key, options) => {
        const next = ((keys.get(key) as number | undefined) ?? 0) + (options?.by ?? 1);
        keys.set(key, next);
        return next;
      },
      deleteByPrefix: async (prefix) => [...keys.keys()].filter((key) => matches(key, prefix) && keys.delete(key)).length,
    };
  };
}

const cacheMutants: Array<[bug: string, create: () => CacheV1, caughtBy: string]> = [
  ['ignores ttlMs', brokenCache((real) => ({ set: (key, value) => real.set(key, value) })), 'a key with ttlMs expires'],
  [
    'setIfNotExists checks then sets across a round trip',
    brokenCache((real) => ({
      async setIfNotExists(key, value, options) {
        if ((await real.get(key)) !== undefined) return false;
        await roundTrip();
        await real.set(key, value, options);
        return true;
      },
    })),
    'setIfNotExists is atomic under concurrency (exactly one winner)',
  ],
  [
    'increment reads then writes across a round trip',
    brokenCache((real) => ({
      async increment(key, options) {
        const current = ((await real.get<number>(key)) ?? 0) + (options?.by ?? 1);
        await roundTrip();
        await real.set(key, current);
        return current;
      },
    })),
    'increment is atomic under concurrency',
  ],
  [
    'increment concatenates strings instead of refusing them',
    brokenCache((real) => ({
      async increment(key, options) {
        const next = ((await real.get<number>(key)) ?? 0) + (options?.by ?? 1);
        await real.set(key, next);
        return next as number;
      },
    })),
    'increment on a non-numeric value rejects with a 4xx error',
  ],
  [
    'deleteByPrefix matches substrings',
    mapCache({ matchesPrefix: (key, prefix) => key.includes(prefix) }),
    'deleteByPrefix deletes exactly the keys under the prefix and returns the count',
  ],
  [
    'deleteByPrefix treats the prefix as a pattern',
    // A glob-to-regex conversion without escaping: `*` and `[1]` become wildcards.
    mapCache({ matchesPrefix: (key, prefix) => new RegExp(`^${prefix.replace(/\*/g, '.*')}`).test(key) }),
    'deleteByPrefix treats glob characters literally',
  ],
  ['get returns the stored object itself', mapCache({ sharesValues: true }), 'set overwrites and get returns a copy, not shared state'],
];

describe('cacheContract catches broken caches', () => {
  it.each(cacheMutants)('a cache that %s fails the suite', async (_bug, create, caughtBy) => {
    expect(await contractCatches(cacheContractCases, caughtBy, cacheContractFixture({ create: () => createMemoryCache() }))).toBe(false);
    expect(await contractCatches(cacheContractCases, caughtBy, cacheContractFixture({ create }))).toBe(true);
  });
});

interface LimiterBugs {
  noCapacityCap?: boolean;
  deniedCallsConsume?: boolean;
  fixedRetryAfter?: boolean;
  raceBetweenReadAndWrite?: boolean;
  resetIsNoop?: boolean;
  noValidation?: boolean;
}

/** A hand-written token bucket with switchable bugs, on a fake clock. */
function brokenLimiter(bugs: LimiterBugs, clock: { now: number }): RateLimiterV1 {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    specificationVersion: 'v1',
    async consume(key, bucket, options) {
      const cost = options?.cost ?? 1;
      if (!bugs.noValidation && (cost <= 0 || cost > bucket.capacity || bucket.capacity <= 0 || bucket.refillPerSecond <= 0)) {
        throw new ValidationError('bad bucket', 'bucket không hợp lệ');
      }
      const state = buckets.get(key) ?? { tokens: bucket.capacity, at: clock.now };
      if (bugs.raceBetweenReadAndWrite) await roundTrip();
      const refilled = state.tokens + ((clock.now - state.at) * bucket.refillPerSecond) / 1000;
      let tokens = bugs.noCapacityCap ? refilled : Math.min(bucket.capacity, refilled);
      const allowed = tokens >= cost;
      if (allowed || bugs.deniedCallsConsume) tokens = Math.max(0, tokens - cost);
      buckets.set(key, { tokens, at: clock.now });
      const retryAfterMs = allowed ? 0 : bugs.fixedRetryAfter ? 1000 : Math.ceil(((cost - tokens) * 1000) / bucket.refillPerSecond);
      return { allowed, remaining: Math.floor(tokens), retryAfterMs };
    },
    async reset(key) {
      if (!bugs.resetIsNoop) buckets.delete(key);
    },
  };
}

const limiterMutants: Array<[bug: string, bugs: LimiterBugs, caughtBy: string]> = [
  ['lets refill pass capacity', { noCapacityCap: true }, 'refill never exceeds capacity'],
  ['takes tokens on denied calls', { deniedCallsConsume: true }, 'cost takes several tokens and a denied call takes none'],
  ['answers a fixed retryAfterMs', { fixedRetryAfter: true }, 'retryAfterMs is the time until enough tokens refill'],
  ['races between read and write', { raceBetweenReadAndWrite: true }, 'consume is atomic under concurrency (never more than capacity)'],
  ['ignores reset', { resetIsNoop: true }, 'reset gives the key a full bucket again'],
  ['accepts impossible buckets', { noValidation: true }, 'impossible requests reject with a 4xx error'],
];

describe('rateLimiterContract catches broken limiters', () => {
  it.each(limiterMutants)('a limiter that %s fails the suite', async (_bug, bugs, caughtBy) => {
    const clock = { now: 0 };
    const fixture = (create: () => RateLimiterV1) =>
      rateLimiterContractFixture({ create, advanceTime: (ms) => void (clock.now += ms) });
    expect(await contractCatches(rateLimiterContractCases, caughtBy, fixture(() => brokenLimiter({}, clock)))).toBe(false);
    expect(await contractCatches(rateLimiterContractCases, caughtBy, fixture(() => brokenLimiter(bugs, clock)))).toBe(true);
  });

  it('the memory limiter passes the same cases on a fake clock', async () => {
    let now = 0;
    const fixture = rateLimiterContractFixture({ create: () => createMemoryRateLimiter({ now: () => now }), advanceTime: (ms) => void (now += ms) });
    for (const contractCase of rateLimiterContractCases) {
      expect(await contractCatches(rateLimiterContractCases, contractCase.title, fixture), contractCase.title).toBe(false);
    }
  });
});

describe('contract skips', () => {
  it('need a reason and must name existing cases', () => {
    expect(() => resolveSkips(cacheContractCases, [{ reason: ' ', tests: [] }])).toThrow(/reason/);
    expect(() => resolveSkips(cacheContractCases, [{ reason: 'x', tests: ['no such case'] }])).toThrow(/unknown case/);
    const reasons = resolveSkips(cacheContractCases, [{ reason: 'no TTL support', tests: ['a key with ttlMs expires'] }]);
    expect(reasons.get('a key with ttlMs expires')).toBe('no TTL support');
  });
});
