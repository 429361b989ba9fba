/**
 * Long CPU-bound work written once as a generator that yields at safe points, run either to the
 * end at once ({@link runToEnd}) or in slices that give the event loop a turn ({@link runSliced}).
 * Building a 10,000-chunk tenant's BM25 index takes seconds of CPU; in one synchronous call it
 * stalled every other tenant's replies on the same process for as long.
 */

import { setImmediate as nextTurn } from 'node:timers/promises';

/** Work that yields (nothing) between steps and returns `T` when done. */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` synchronously to the end. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** How long a slice of sliced work runs before the event loop gets a turn (ms). */
export const DEFAULT_SLICE_MS = 8;

/**
 * Runs `steps`, giving the event loop a turn (`setImmediate`) whenever a slice has run
 * `sliceMs`: requests, timers and I/O wait at most about that long for it.
 */
export async function runSliced<T>(steps: Steps<T>, sliceMs = DEFAULT_SLICE_MS): Promise<T> {
  const turn = sliceTurns(sliceMs);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await turn();
  }
}

/** Documents processed between two safe points of a build. */
export const STEP_DOCUMENTS = 64;

/**
 * For a loop over many items in an async function: `await turn()` after each item gives the
 * event loop a turn once `sliceMs` has passed since the last one (and costs a microtask otherwise).
 */
export function sliceTurns(sliceMs = DEFAULT_SLICE_MS): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await nextTurn();
    sliceStart = performance.now();
  };
}
