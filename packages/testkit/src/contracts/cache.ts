import type { CacheV1 } from '@agent-chatbot/core';
import { expect } from 'vitest';
import {
  expectAgentError,
  registerContract,
  sleep,
  type ContractCase,
  type ContractSuiteOptions,
  type ContractTracker,
} from './contract-suite';

/** Options for {@link cacheContract}. */
export interface CacheContractOptions extends ContractSuiteOptions {
  /** Makes a fresh, empty cache (for a shared server: a unique key prefix per call). */
  readonly create: () => CacheV1 | Promise<CacheV1>;
  /** Frees what `create` made (delete keys, disconnect). Default: `cache.disconnect?.()`. */
  readonly cleanup?: (cache: CacheV1) => Promise<void> | void;
  /** Moves the cache's clock forward when `create` injects a fake one; otherwise TTL cases sleep. */
  readonly advanceTime?: (ms: number) => Promise<void> | void;
}

/** What each cache case receives. */
export interface CacheContractFixture {
  /** Creates a fresh cache for one test. */
  make(): Promise<CacheV1>;
  /** Lets `ms` pass on the cache's clock. */
  wait(ms: number): Promise<void>;
}

// Long enough that the reads before expiry land in time on a slow, loaded machine (a real clock
// and a network round trip per call), short enough to keep the suite quick.
const TTL_MS = 400;
const PAST_TTL_MS = 900;

const cases: ReadonlyArray<ContractCase<CacheContractFixture>> = [
  {
    title: 'get returns undefined for a missing key',
    async run({ make }) {
      const cache = await make();
      expect(await cache.get('missing')).toBeUndefined();
    },
  },
  {
    title: 'set then get round-trips JSON values, including Vietnamese text and null',
    async run({ make }) {
      const cache = await make();
      const values: Record<string, unknown> = {
        object: { name: 'Phở bò tái', price: 55_000, tags: ['món nước', 'bò'], nested: { ok: true } },
        array: [1, 'hai', { ba: 3 }],
        string: 'Xin chào quý khách',
        number: 12.5,
        boolean: false,
        null: null,
      };
      for (const [key, value] of Object.entries(values)) await cache.set(`value:${key}`, value);
      for (const [key, value] of Object.entries(values)) expect(await cache.get(`value:${key}`)).toEqual(value);
    },
  },
  {
    title: 'set overwrites and get returns a copy, not shared state',
    async run({ make }) {
      const cache = await make();
      await cache.set('item', { count: 1 });
      await cache.set('item', { count: 2 });
      const first = await cache.get<{ count: number }>('item');
      expect(first).toEqual({ count: 2 });
      first!.count = 99;
      expect(await cache.get('item')).toEqual({ count: 2 });
    },
  },
  {
    title: 'keys with colons, spaces and Vietnamese characters are distinct',
    async run({ make }) {
      const cache = await make();
      await cache.set('tenant:1:câu hỏi', 'a');
      await cache.set('tenant:1:cau hoi', 'b');
      expect(await cache.get('tenant:1:câu hỏi')).toBe('a');
      expect(await cache.get('tenant:1:cau hoi')).toBe('b');
    },
  },
  {
    title: 'delete removes a key and ignores a missing one',
    async run({ make }) {
      const cache = await make();
      await cache.set('gone', 1);
      await cache.delete('gone');
      await cache.delete('never-existed');
      expect(await cache.get('gone')).toBeUndefined();
    },
  },
  {
    title: 'a key with ttlMs expires',
    async run({ make, wait }) {
      const cache = await make();
      await cache.set('short', 'x', { ttlMs: TTL_MS });
      await cache.set('long', 'y');
      expect(await cache.get('short')).toBe('x');
      await wait(PAST_TTL_MS);
      expect(await cache.get('short')).toBeUndefined();
      expect(await cache.get('long')).toBe('y');
    },
  },
  {
    title: 'set without ttlMs replaces an earlier TTL',
    async run({ make, wait }) {
      const cache = await make();
      await cache.set('key', 1, { ttlMs: TTL_MS });
      await cache.set('key', 2);
      await wait(PAST_TTL_MS);
      expect(await cache.get('key')).toBe(2);
    },
  },
  {
    title: 'setIfNotExists stores only when the key is absent',
    async run({ make }) {
      const cache = await make();
      expect(await cache.setIfNotExists('event:1', 'first')).toBe(true);
      expect(await cache.setIfNotExists('event:1', 'second')).toBe(false);
      expect(await cache.get('event:1')).toBe('first');
    },
  },
  {
    title: 'setIfNotExists is atomic under concurrency (exactly one winner)',
    async run({ make }) {
      const cache = await make();
      const results = await Promise.all(Array.from({ length: 25 }, (_, index) => cache.setIfNotExists('lock', index)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await cache.get('lock')).toBe(results.indexOf(true));
    },
  },
  {
    title: 'setIfNotExists succeeds again after the TTL passes',
    async run({ make, wait }) {
      const cache = await make();
      expect(await cache.setIfNotExists('dedup', 1, { ttlMs: TTL_MS })).toBe(true);
      expect(await cache.setIfNotExists('dedup', 2, { ttlMs: TTL_MS })).toBe(false);
      await wait(PAST_TTL_MS);
      expect(await cache.setIfNotExists('dedup', 3)).toBe(true);
      expect(await cache.get('dedup')).toBe(3);
    },
  },
  {
    title: 'increment starts at by (default 1), adds, accepts negatives and is readable with get',
    async run({ make }) {
      const cache = await make();
      expect(await cache.increment('counter')).toBe(1);
      expect(await cache.increment('counter')).toBe(2);
      expect(await cache.increment('counter', { by: 10 })).toBe(12);
      expect(await cache.increment('counter', { by: -5 })).toBe(7);
      expect(await cache.get('counter')).toBe(7);
      expect(await cache.increment('other', { by: 4 })).toBe(4);
    },
  },
  {
    title: 'increment continues a number written with set',
    async run({ make }) {
      const cache = await make();
      await cache.set('visits', 41);
      expect(await cache.increment('visits')).toBe(42);
    },
  },
  {
    title: 'increment is atomic under concurrency',
    async run({ make }) {
      const cache = await make();
      const results = await Promise.all(Array.from({ length: 40 }, () => cache.increment('hits')));
      expect(new Set(results).size).toBe(40);
      expect(Math.max(...results)).toBe(40);
      expect(await cache.get('hits')).toBe(40);
    },
  },
  {
    title: 'increment with ttlMs makes a counter that expires',
    async run({ make, wait }) {
      const cache = await make();
      expect(await cache.increment('window', { ttlMs: TTL_MS })).toBe(1);
      expect(await cache.increment('window', { ttlMs: TTL_MS })).toBe(2);
      await wait(PAST_TTL_MS);
      expect(await cache.get('window')).toBeUndefined();
      expect(await cache.increment('window', { ttlMs: TTL_MS })).toBe(1);
    },
  },
  {
    title: 'increment on a non-numeric value rejects with a 4xx error',
    async run({ make }) {
      const cache = await make();
      await cache.set('text', 'không phải số');
      await expectAgentError(cache.increment('text'), { status: '4xx' });
      expect(await cache.get('text')).toBe('không phải số');
    },
  },
  {
    title: 'deleteByPrefix deletes exactly the keys under the prefix and returns the count',
    async run({ make }) {
      const cache = await make();
      await cache.set('tenant:a:1', 1);
      await cache.set('tenant:a:2', 2);
      await cache.increment('tenant:a:count');
      await cache.set('tenant:ab:1', 'kept: different prefix segment');
      await cache.set('tenant:b:1', 'kept');
      await cache.set('x-tenant:a:1', 'kept: prefix is not a substring match');
      expect(await cache.deleteByPrefix('tenant:a:')).toBe(3);
      expect(await cache.get('tenant:a:1')).toBeUndefined();
      expect(await cache.get('tenant:a:count')).toBeUndefined();
      expect(await cache.get('tenant:ab:1')).toBe('kept: different prefix segment');
      expect(await cache.get('tenant:b:1')).toBe('kept');
      expect(await cache.get('x-tenant:a:1')).toBe('kept: prefix is not a substring match');
      expect(await cache.deleteByPrefix('tenant:a:')).toBe(0);
    },
  },
  {
    title: 'deleteByPrefix treats glob characters literally',
    async run({ make }) {
      const cache = await make();
      await cache.set('a*[1]?', 'literal');
      await cache.set('ab[1]x', 'kept');
      await cache.set('a\\b', 'kept too');
      expect(await cache.deleteByPrefix('a*[1]')).toBe(1);
      expect(await cache.get('a*[1]?')).toBeUndefined();
      expect(await cache.get('ab[1]x')).toBe('kept');
      expect(await cache.get('a\\b')).toBe('kept too');
    },
  },
];

/** The cache contract's cases, for running against an implementation outside `describe` (self-tests). */
export const cacheContractCases = cases;

/** Builds the fixture a cache case receives from suite options. */
export function cacheContractFixture(options: Pick<CacheContractOptions, 'create' | 'cleanup' | 'advanceTime'>) {
  return (tracker: ContractTracker): CacheContractFixture => ({
    async make() {
      const cache = await options.create();
      return tracker.track(cache, options.cleanup ?? ((instance) => instance.disconnect?.()));
    },
    async wait(ms) {
      if (options.advanceTime) await options.advanceTime(ms);
      else await sleep(ms);
    },
  });
}

/**
 * Registers the {@link CacheV1} contract: round trips, TTLs, atomic `setIfNotExists` and
 * `increment`, literal prefix deletion. Every cache implementation runs it.
 *
 * @example
 * ```ts
 * import { cacheContract } from '@agent-chatbot/testkit';
 * import { createMemoryCache } from '@agent-chatbot/core';
 *
 * cacheContract({ name: 'memory', create: () => createMemoryCache() });
 * ```
 */
export function cacheContract(options: CacheContractOptions): void {
  registerContract({ suite: 'CacheV1', name: options.name, cases, skip: options.skip, fixture: cacheContractFixture(options) });
}
