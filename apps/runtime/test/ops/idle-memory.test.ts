/**
 * The idle memory release (ADR 0014, ADR 0016): when it collects and when it trims malloc (quiet
 * long enough, enough slack, not too soon after the last one, work since the last trim) on a
 * scripted clock; that V8's memory-reducing collection is really there and really shrinks the
 * committed heap, and glibc's malloc_trim really returns freed pages, through the real event loop
 * and timer.
 */
import { waitUntil } from '@agent-chatbot/testkit';
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { loadConfig, formatKeyring, generateSecretKey } from '../../src/config';
import { glibcHeap, memoryReducingCollector, startIdleMemoryRelease, type HeapSize, type MemoryRelease } from '../../src/ops/idle-memory';
import { allocationBurst, mallocBurst, rssAnonBytes } from '../helpers/heap';

const MiB = 1024 * 1024;

/**
 * A watcher on a scripted clock, loop and heap; `step` advances one check interval. With
 * `nativeFreeMiB` it also has a scripted malloc holding that much free (trimming keeps it counted,
 * as glibc does); without, no native heap.
 */
function scripted(options: { minIntervalMs?: number; nativeFreeMiB?: number } = {}) {
  let clock = 0;
  let utilization = 0;
  let heap: HeapSize = { committed: 80 * MiB, used: 50 * MiB };
  let collections = 0;
  let nativeFree = (options.nativeFreeMiB ?? 0) * MiB;
  let trims = 0;
  const native = options.nativeFreeMiB === undefined ? null : () => ({ free: () => nativeFree, trim: () => void (trims += 1) });
  const watcher = startIdleMemoryRelease({
    checkMs: 3_600_000, // the test drives every check itself
    quietMs: 1000,
    maxUtilization: 0.05,
    minSlackBytes: 16 * MiB,
    minIntervalMs: options.minIntervalMs ?? 30_000,
    now: () => clock,
    utilization: () => utilization,
    heap: () => heap,
    nativeHeap: native,
    collect: () => {
      collections += 1;
      heap = { committed: heap.used + 4 * MiB, used: heap.used };
    },
  })!;
  return {
    step(busy: number): MemoryRelease | undefined {
      clock += 500;
      utilization = busy;
      return watcher.check();
    },
    grow(slackMiB: number) {
      heap = { committed: heap.used + slackMiB * MiB, used: heap.used };
    },
    setNativeFree(mib: number) {
      nativeFree = mib * MiB;
    },
    get collections() {
      return collections;
    },
    get trims() {
      return trims;
    },
    stop: () => watcher.stop(),
  };
}

describe('idle memory release', () => {
  it('collects once the loop has been quiet for quietMs and the heap holds enough slack', () => {
    const w = scripted();
    // Busy: never, however much slack there is.
    for (let i = 0; i < 6; i += 1) expect(w.step(0.6)).toBeUndefined();
    // Quiet for 500 ms: not yet; for 1,000 ms: collect.
    expect(w.step(0.01)).toBeUndefined();
    const release = w.step(0.02);
    expect(release).toMatchObject({ before: { committed: 80 * MiB, used: 50 * MiB }, after: { committed: 54 * MiB, used: 50 * MiB } });
    expect(w.collections).toBe(1);
    // Still quiet with 4 MiB of slack: nothing more to give back.
    for (let i = 0; i < 80; i += 1) w.step(0.01);
    expect(w.collections).toBe(1);
    w.stop();
  });

  it('a busy interval restarts the quiet period, and small slack is left alone', () => {
    const w = scripted({ minIntervalMs: 0 });
    w.grow(10); // below the 16 MiB threshold
    for (let i = 0; i < 10; i += 1) w.step(0.01);
    expect(w.collections).toBe(0);
    w.grow(20);
    w.step(0.5);
    w.step(0.01); // 500 ms quiet
    w.step(0.3); // busy again: starts over
    w.step(0.01);
    expect(w.collections).toBe(0);
    w.step(0.01);
    expect(w.collections).toBe(1);
    w.stop();
  });

  it('waits minIntervalMs between two releases', () => {
    const w = scripted({ minIntervalMs: 30_000 });
    w.step(0.01);
    w.step(0.01);
    expect(w.collections).toBe(1);
    // A burst grows the heap again, then the loop turns quiet 10 s after the first release.
    w.grow(40);
    for (let i = 0; i < 20; i += 1) w.step(0.01);
    expect(w.collections).toBe(1);
    // 30 s after it, the next quiet check collects.
    for (let i = 0; i < 40; i += 1) w.step(0.01);
    expect(w.collections).toBe(2);
    w.stop();
  });

  it("trims malloc's free pages in the same quiet moment, and again only after work", () => {
    const w = scripted({ nativeFreeMiB: 40 });
    w.grow(4); // the V8 heap has little slack: no collection, only the trim
    w.step(0.01);
    const release = w.step(0.01);
    expect(release).toMatchObject({ collected: false, nativeFreeTrimmed: 40 * MiB });
    expect([w.collections, w.trims]).toEqual([0, 1]);
    // Quiet for a minute: the trimmed pages still count as free, but there was no work since.
    for (let i = 0; i < 120; i += 1) w.step(0.01);
    expect(w.trims).toBe(1);
    // Work, then quiet again: trimmed again; with the V8 heap grown, collected too.
    w.grow(30);
    w.step(0.7);
    w.step(0.01);
    expect(w.step(0.01)).toMatchObject({ collected: true, nativeFreeTrimmed: 40 * MiB });
    expect([w.collections, w.trims]).toEqual([1, 2]);
    w.stop();
  });

  it('leaves malloc alone below minSlackBytes free, and collects V8 without it', () => {
    const w = scripted({ nativeFreeMiB: 10 });
    w.step(0.01);
    expect(w.step(0.01)).toMatchObject({ collected: true });
    expect([w.collections, w.trims]).toEqual([1, 0]);
    const quiet = scripted({ nativeFreeMiB: 10 });
    quiet.grow(4);
    for (let i = 0; i < 10; i += 1) expect(quiet.step(0.01)).toBeUndefined();
    quiet.setNativeFree(17);
    expect(quiet.step(0.01)).toMatchObject({ collected: false, nativeFreeTrimmed: 17 * MiB });
    w.stop();
    quiet.stop();
  });

  it.skipIf(process.platform !== 'linux')("glibc's malloc_trim through koffi returns the freed pages to the system", () => {
    const native = glibcHeap();
    expect(native).toBeDefined();
    const collect = memoryReducingCollector()!;
    // Free blocks between live ones, which free() and glibc's own trimming (only at the top of an
    // arena) do not give back (measured: 33 MiB free, RSS −31 MiB after the trim).
    const kept = mallocBurst(collect);
    expect(native!.free()).toBeGreaterThanOrEqual(24 * MiB);
    const before = rssAnonBytes();
    native!.trim();
    expect(rssAnonBytes()).toBeLessThan(before - 16 * MiB);
    expect(kept.every((buffer) => buffer[0] === 7 && buffer[32 * 1024 - 1] === 7)).toBe(true);
  });

  it("V8's memory-reducing collection is available without a gc global and shrinks the young generation", () => {
    const hadGlobal = typeof globalThis.gc === 'function';
    const collect = memoryReducingCollector();
    expect(collect).toBeTypeOf('function');
    expect(typeof globalThis.gc === 'function').toBe(hadGlobal);
    // Objects that live a while (a ring of 100,000) make V8 grow its young generation, as a burst
    // of requests does; an ordinary full collection keeps it grown (the pages RSS shows).
    const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
    const ring = allocationBurst();
    const before = { newSpace: newSpace(), committed: process.memoryUsage().heapTotal };
    expect(before.newSpace).toBeGreaterThanOrEqual(8 * MiB);
    collect!();
    expect(ring).toHaveLength(100_000);
    expect(newSpace()).toBeLessThan(before.newSpace / 2);
    expect(process.memoryUsage().heapTotal).toBeLessThan(before.committed - 4 * MiB);
  });

  it('runs on its own timer when the real event loop turns quiet', async () => {
    const releases: MemoryRelease[] = [];
    const watcher = startIdleMemoryRelease({ checkMs: 20, quietMs: 60, minSlackBytes: 0, minIntervalMs: 0, onRelease: (r) => releases.push(r) });
    try {
      await waitUntil(() => releases.length > 0, 'a release on a quiet loop', 5_000);
      expect(releases[0]!.after.committed).toBeLessThanOrEqual(releases[0]!.before.committed);
      expect(releases[0]!.ms).toBeGreaterThan(0);
    } finally {
      watcher!.stop();
    }
  });

  it('is on by default and turned off with CHATBOT_IDLE_GC=off; other values are refused', () => {
    const base = { CHATBOT_JWT_SECRET: 'k'.repeat(40), CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]) };
    expect(loadConfig(base).idleGc).toBe(true);
    expect(loadConfig({ ...base, CHATBOT_IDLE_GC: 'off' }).idleGc).toBe(false);
    expect(() => loadConfig({ ...base, CHATBOT_IDLE_GC: 'maybe' })).toThrow(/CHATBOT_IDLE_GC/);
  });
});
