/**
 * Wake-ups for jobs that come due without a notification. pg-boss's NOTIFY wakes the workers when a
 * runnable job is committed, but a retry (its delay set by pg-boss when the handler failed) and a
 * job enqueued with `startAfter` become runnable later, silently. Instead of every worker polling
 * every second for them (about ten queries a second on an idle runtime), this process wakes the
 * queue's workers at the moments it knows such a job comes due: the retry window of a job that
 * failed here, the `startAfter` of a job enqueued here, and what the queue's periodic scan finds
 * (jobs another process delayed, jobs that expired: see job-queue.ts). A worker that ran a job
 * fetches again at once, so several jobs due together all run.
 */

/** The retry settings pg-boss gives a fetched job (`includeMetadata`). */
export interface RetrySettings {
  /** Retries already made (0 on the first run). */
  readonly retryCount: number;
  /** Seconds. */
  readonly retryDelay: number;
  readonly retryBackoff: boolean;
  /** Seconds; no cap when null or absent. */
  readonly retryDelayMax?: number | null;
}

/**
 * When pg-boss makes a job that just failed runnable again, in ms after the failure: `[earliest,
 * latest]`. It mirrors pg-boss's fail statement: without backoff exactly `retryDelay`; with backoff
 * `max(retryDelay, 1) · 2^n · (1 + random)` with `n = min(16, retryCount + 1) − 1`, capped at
 * `retryDelayMax`.
 */
export function retryWindowMs(job: RetrySettings): { earliest: number; latest: number } {
  if (!job.retryBackoff) return { earliest: job.retryDelay * 1000, latest: job.retryDelay * 1000 };
  const base = Math.max(job.retryDelay, 1) * 2 ** (Math.min(16, job.retryCount + 1) - 1);
  const cap = job.retryDelayMax ?? Number.POSITIVE_INFINITY;
  return { earliest: Math.min(cap, base) * 1000, latest: Math.min(cap, 2 * base) * 1000 };
}

/** Most wake-ups spread over one retry window (a long window gets wider steps). */
export const MAX_WAKEUPS_PER_RETRY = 10;
/** The earliest wake-up for a retry, in ms after the failure (pg-boss must have recorded it). */
export const MIN_RETRY_WAKE_MS = 250;
/** Added to a due time: pg-boss compares with the database clock, which may run a little behind. */
export const WAKE_SLACK_MS = 50;
/** The longest delay a Node timer holds (2³¹ − 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** See the module comment. */
export interface DueWakeups {
  /** Wakes `queue` at `atMs` (epoch ms); sooner than now wakes it at once. */
  at(queue: string, atMs: number): void;
  /** Wakes `queue` through the window in which pg-boss makes a job that failed just now runnable again. */
  retry(queue: string, job: RetrySettings): void;
  /** Cancels every pending wake-up (the queue stops). */
  clear(): void;
}

/**
 * Creates the wake-ups; `wake(queue)` must make this process's workers of `queue` fetch (a worker
 * that then runs a job fetches again right after it, so several jobs due at once all run), and
 * `pollMs(queue)` is the closest two wake-ups of a retry window may be (the queue's polling interval).
 */
export function createDueWakeups(wake: (queue: string) => void, pollMs: (queue: string) => number): DueWakeups {
  const timers = new Set<NodeJS.Timeout>();
  const at = (queue: string, atMs: number) => {
    const delay = Math.max(0, atMs - Date.now() + WAKE_SLACK_MS);
    // Beyond what a timer can hold (~24.8 days) Node would fire at once; the queue's scan finds it later.
    if (delay > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      wake(queue);
    }, delay);
    timer.unref();
    timers.add(timer);
  };

  return {
    at,
    retry(queue, job) {
      const { earliest, latest } = retryWindowMs(job);
      const step = Math.max(pollMs(queue), (latest - earliest) / (MAX_WAKEUPS_PER_RETRY - 1));
      const now = Date.now();
      // pg-boss records the failure right after the handler throws: the first wake-up comes after that.
      const first = Math.max(earliest, MIN_RETRY_WAKE_MS);
      for (let offset = first; offset < latest; offset += step) at(queue, now + offset);
      at(queue, now + Math.max(latest, first));
    },
    clear() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
