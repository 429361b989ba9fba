/**
 * Gives the V8 heap's slack, and the C library's, back to the system when a long-running process
 * turns quiet after work (ADR 0014, ADR 0016).
 *
 * After a burst of requests V8 keeps its enlarged young generation and fragmented old-generation
 * pages (~25–30 MiB on the 30-FAQ benchmark) until its own memory reducer runs, which waits for a
 * low allocation rate it only measures at the next collection: 8–30 s after the last request, often
 * later. This watcher looks at the event loop twice a second; once it has been (nearly) idle for
 * `quietMs` and the heap holds at least `minSlackBytes` committed but unused, it runs
 * V8's memory-reducing collection (`gc({ flavor: 'last-resort' })`: compacting, new space shrunk to
 * its minimum) — ~60–80 ms of one core, at most once per `minIntervalMs`, and only after the loop has
 * been idle for `quietMs`. An ordinary full collection does not return these pages.
 *
 * glibc's malloc keeps freed memory inside its arenas (V8's background threads each get one, and
 * TurboFan's zones, PGlite's result buffers and Node's Buffers come and go there): ~15–40 MiB of
 * the runtime's RSS once quiet, in pages it does not give back on its own because they are not at
 * the top of an arena. In the same quiet moment, when there was work since the last time and
 * malloc holds at least `minSlackBytes` free, the watcher calls `malloc_trim(0)`, which returns
 * every whole free page of every arena (a few milliseconds), through koffi's FFI to the C library.
 */
import { createRequire } from 'node:module';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type Koffi from 'koffi';

/** Settings and test seams of {@link startIdleMemoryRelease}. */
export interface IdleMemoryReleaseOptions {
  /** How often the event loop is looked at (ms). Default 500. */
  checkMs?: number;
  /** How long the loop must have been quiet before a release (ms). Default 1,000. */
  quietMs?: number;
  /** Event-loop utilisation (0–1) at or below which an interval counts as quiet. Default 0.05. */
  maxUtilization?: number;
  /** Committed but unused V8 heap (`total_heap_size − used_heap_size`), or free bytes in malloc's arenas, worth a release. Default 16 MiB. */
  minSlackBytes?: number;
  /** Least time between two releases (ms). Default 30,000. */
  minIntervalMs?: number;
  /** Called after each release with the committed heap before and after and its duration. */
  onRelease?: (release: MemoryRelease) => void;
  /** The collection to run (default {@link memoryReducingCollector}; tests pass their own). */
  collect?: () => void;
  /** The V8 heap's committed and used bytes (default from `v8.getHeapStatistics()`). */
  heap?: () => HeapSize;
  /**
   * The C library's heap (default {@link glibcHeap}, looked up at the first quiet moment; `null`
   * leaves it alone). Where there is none (musl, macOS, Windows) only the V8 heap is released.
   */
  nativeHeap?: (() => NativeHeap | undefined) | null;
  /** Event-loop utilisation since the previous call (default from `performance.eventLoopUtilization`). */
  utilization?: () => number;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
}

/** Committed (`total_heap_size`) and used bytes of the V8 heap. */
export interface HeapSize {
  readonly committed: number;
  readonly used: number;
}

/** One release, as reported to {@link IdleMemoryReleaseOptions.onRelease}. */
export interface MemoryRelease {
  readonly before: HeapSize;
  readonly after: HeapSize;
  /** Whether V8's memory-reducing collection ran (the V8 heap had enough slack). */
  readonly collected: boolean;
  /** Free bytes in malloc's arenas when `malloc_trim` ran; absent when it did not. */
  readonly nativeFreeTrimmed?: number;
  readonly ms: number;
}

/** The C library's allocator, as far as the release needs it. */
export interface NativeHeap {
  /** Bytes free inside malloc's arenas (`mallinfo2().fordblks`; pages already returned still count). */
  free(): number;
  /** Returns every whole free page of every arena to the system (`malloc_trim(0)`). */
  trim(): void;
}

/**
 * glibc's `mallinfo2` and `malloc_trim` through koffi (a prebuilt FFI, no compiler needed), or
 * `undefined` off glibc (musl has neither; macOS and Windows have no `libc.so.6`) or without koffi.
 */
export function glibcHeap(): NativeHeap | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    // Loaded here, at the first quiet moment, not at start-up (~13 ms and ~6 MiB once).
    const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
    const libc = koffi.load('libc.so.6');
    const mallinfo2 = libc.func('mallinfo2', koffi.struct('acb_mallinfo2', {
      arena: 'size_t', ordblks: 'size_t', smblks: 'size_t', hblks: 'size_t', hblkhd: 'size_t',
      usmblks: 'size_t', fsmblks: 'size_t', uordblks: 'size_t', fordblks: 'size_t', keepcost: 'size_t',
    }), []) as () => { fordblks: number | bigint };
    const mallocTrim = libc.func('int malloc_trim(size_t pad)') as (pad: number) => number;
    return { free: () => Number(mallinfo2().fordblks), trim: () => void mallocTrim(0) };
  } catch {
    return undefined;
  }
}

function v8HeapSize(): HeapSize {
  const stats = getHeapStatistics();
  return { committed: stats.total_heap_size, used: stats.used_heap_size };
}

/** A running watcher. */
export interface IdleMemoryRelease {
  /** Looks once, as the timer does (exposed for tests). Returns the release it made, if any. */
  check(): MemoryRelease | undefined;
  /** Stops the timer. */
  stop(): void;
}

const MiB = 1024 * 1024;

/**
 * V8's memory-reducing full collection as a function, or `undefined` where this Node cannot give
 * it. `--expose-gc` is turned on only long enough to take `gc` from a fresh `vm` context, so no
 * `gc` global appears in the process.
 */
export function memoryReducingCollector(): (() => void) | undefined {
  let gc: unknown = globalThis.gc;
  if (typeof gc !== 'function') {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc');
    } catch {
      gc = undefined;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  if (typeof gc !== 'function') return undefined;
  const collect = gc as (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
  return () => collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

function eventLoopUtilization(): () => number {
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const current = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(current, previous);
    previous = current;
    return delta.utilization;
  };
}

/**
 * Starts the watcher (an unref'd timer: it never keeps the process alive). Returns `undefined`
 * when this Node offers no memory-reducing collection.
 *
 * @example const idle = startIdleMemoryRelease({ onRelease: (r) => logger.debug(r, 'heap released') }); // … idle?.stop();
 */
export function startIdleMemoryRelease(options: IdleMemoryReleaseOptions = {}): IdleMemoryRelease | undefined {
  const collect = options.collect ?? memoryReducingCollector();
  if (!collect) return undefined;
  const checkMs = options.checkMs ?? 500;
  const quietMs = options.quietMs ?? 1000;
  const maxUtilization = options.maxUtilization ?? 0.05;
  const minSlackBytes = options.minSlackBytes ?? 16 * MiB;
  const minIntervalMs = options.minIntervalMs ?? 30_000;
  const heap = options.heap ?? v8HeapSize;
  const utilization = options.utilization ?? eventLoopUtilization();
  const now = options.now ?? (() => performance.now());
  const findNativeHeap = options.nativeHeap === undefined ? glibcHeap : options.nativeHeap;
  let nativeHeap: NativeHeap | undefined | null = findNativeHeap ? null : undefined; // null: not looked up yet

  let lastReleaseAt = Number.NEGATIVE_INFINITY;
  let lastCheckAt = now();
  let quietSince: number | undefined;
  // malloc's free bytes stay counted once trimmed: trim again only after work (start-up counts).
  let busySinceTrim = true;

  const check = (): MemoryRelease | undefined => {
    const at = now();
    const busy = utilization() > maxUtilization;
    if (busy) busySinceTrim = true;
    // The interval that just ended was quiet: the quiet period began at its start.
    quietSince = busy ? undefined : (quietSince ?? lastCheckAt);
    lastCheckAt = at;
    if (quietSince === undefined || at - quietSince < quietMs || at - lastReleaseAt < minIntervalMs) return undefined;
    const before = heap();
    const collected = before.committed - before.used >= minSlackBytes;
    if (nativeHeap === null) nativeHeap = findNativeHeap?.();
    // After the collection: what it freed outside the V8 heap (Buffers, ArrayBuffers) is in malloc now.
    if (collected) collect();
    const nativeFree = nativeHeap && busySinceTrim ? nativeHeap.free() : 0;
    const trim = nativeHeap && nativeFree >= minSlackBytes ? nativeHeap : undefined;
    if (!collected && !trim) return undefined;
    if (trim) {
      trim.trim();
      busySinceTrim = false;
    }
    const after = heap();
    const finishedAt = now();
    lastReleaseAt = finishedAt;
    // The collection itself used the loop; the next quiet period starts after it.
    quietSince = undefined;
    lastCheckAt = finishedAt;
    const release: MemoryRelease = { before, after, collected, ...(trim ? { nativeFreeTrimmed: nativeFree } : {}), ms: finishedAt - at };
    options.onRelease?.(release);
    return release;
  };

  const timer = setInterval(check, checkMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
