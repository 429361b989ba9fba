/**
 * Gives the V8 heap's slack back to the system when a long-running process turns quiet after work
 * (ADR 0014).
 *
 * After a burst of requests V8 keeps its enlarged young generation and fragmented old-generation
 * pages (~25–30 MiB on the 30-FAQ benchmark) until its own memory reducer runs, which waits for a
 * low allocation rate it only measures at the next collection: 8–30 s after the last request, often
 * later. This watcher looks at the event loop twice a second; once it has been (nearly) idle for
 * `quietMs` and the heap holds at least `minSlackBytes` committed but unused, it runs
 * V8's memory-reducing collection (`gc({ flavor: 'last-resort' })`: compacting, new space shrunk to
 * its minimum) — ~60–80 ms of one core, at most once per `minIntervalMs`, and only after the loop has
 * been idle for `quietMs`. An ordinary full collection does not return these pages.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Settings and test seams of {@link startIdleMemoryRelease}. */
export interface IdleMemoryReleaseOptions {
  /** How often the event loop is looked at (ms). Default 500. */
  checkMs?: number;
  /** How long the loop must have been quiet before a release (ms). Default 1,000. */
  quietMs?: number;
  /** Event-loop utilisation (0–1) at or below which an interval counts as quiet. Default 0.05. */
  maxUtilization?: number;
  /** Committed but unused V8 heap (`total_heap_size − used_heap_size`) worth a release. Default 16 MiB. */
  minSlackBytes?: number;
  /** Least time between two releases (ms). Default 30,000. */
  minIntervalMs?: number;
  /** Called after each release with the committed heap before and after and its duration. */
  onRelease?: (release: MemoryRelease) => void;
  /** The collection to run (default {@link memoryReducingCollector}; tests pass their own). */
  collect?: () => void;
  /** The V8 heap's committed and used bytes (default from `v8.getHeapStatistics()`). */
  heap?: () => HeapSize;
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
  readonly ms: number;
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

  let lastReleaseAt = Number.NEGATIVE_INFINITY;
  let lastCheckAt = now();
  let quietSince: number | undefined;

  const check = (): MemoryRelease | undefined => {
    const at = now();
    const busy = utilization() > maxUtilization;
    // The interval that just ended was quiet: the quiet period began at its start.
    quietSince = busy ? undefined : (quietSince ?? lastCheckAt);
    lastCheckAt = at;
    if (quietSince === undefined || at - quietSince < quietMs || at - lastReleaseAt < minIntervalMs) return undefined;
    const before = heap();
    if (before.committed - before.used < minSlackBytes) return undefined;
    collect();
    const after = heap();
    const finishedAt = now();
    lastReleaseAt = finishedAt;
    // The collection itself used the loop; the next quiet period starts after it.
    quietSince = undefined;
    lastCheckAt = finishedAt;
    const release = { before, after, ms: finishedAt - at };
    options.onRelease?.(release);
    return release;
  };

  const timer = setInterval(check, checkMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
