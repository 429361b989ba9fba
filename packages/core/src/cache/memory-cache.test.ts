import { describe, expect, it } from 'vitest';
// Relative import: core cannot depend on testkit (testkit depends on core).
import { cacheContract } from '../../../testkit/src/index';
import { createMemoryCache } from './memory-cache';

cacheContract({ name: 'memory', create: () => createMemoryCache() });
let fakeNow = 1_700_000_000_000;
cacheContract({
  name: 'memory (bounded LRU, fake clock)',
  create: () => createMemoryCache({ maxEntries: 1_000, now: () => fakeNow }),
  advanceTime: (ms) => {
    fakeNow += ms;
  },
});

describe('createMemoryCache specifics', () => {
  it('expires on the injected clock without sleeping', async () => {
    let now = 1_000;
    const cache = createMemoryCache({ now: () => now });
    await cache.set('k', 'v', { ttlMs: 500 });
    now += 499;
    expect(await cache.get('k')).toBe('v');
    now += 1;
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.size()).toBe(0);
  });

  it('evicts the least recently used key when maxEntries is passed', async () => {
    const cache = createMemoryCache({ maxEntries: 3 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.set('c', 3);
    await cache.get('a'); // a is now the most recently used; b the least
    await cache.set('d', 4);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('c')).toBe(3);
    expect(await cache.get('d')).toBe(4);
    expect(cache.size()).toBe(3);
  });

  it('evicts expired keys before live ones', async () => {
    let now = 0;
    const cache = createMemoryCache({ maxEntries: 2, now: () => now });
    await cache.set('live', 1);
    await cache.set('short', 2, { ttlMs: 10 });
    now = 20;
    await cache.set('new', 3);
    expect(await cache.get('live')).toBe(1);
    expect(await cache.get('new')).toBe(3);
  });

  it('rejects invalid options and values with ValidationError', async () => {
    expect(() => createMemoryCache({ maxEntries: 0 })).toThrow(/maxEntries/);
    const cache = createMemoryCache();
    await expect(cache.set('k', 1, { ttlMs: -1 })).rejects.toMatchObject({ code: 'validation_failed', status: 400 });
    await expect(cache.set('k', undefined)).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(cache.set('k', { big: 1n })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
