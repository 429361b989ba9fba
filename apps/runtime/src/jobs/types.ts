import type { Logger } from 'pino';
import type { TraceCarrier } from '../ops/tracing';

/** What a job handler receives. */
export interface JobContext<P> {
  readonly payload: P;
  /** The tenant the job acts for (taken from the enqueuing transaction), or null for platform jobs. */
  readonly tenantId: string | null;
  /** 1 on the first run, 2 on the first retry, … */
  readonly attempt: number;
  readonly jobId: string;
  readonly name: string;
  /** Aborted when the job expires or the queue stops without waiting. */
  readonly signal: AbortSignal;
  /** Logger bound to the job and to the request id / trace id that enqueued it (set by the queue). */
  readonly log?: Logger;
}

/** A job handler; throwing makes the job retry (with backoff) and, when retries run out, dead. */
export type JobHandler<P = unknown> = (job: JobContext<P>) => Promise<void>;

/** Per-queue defaults (each enqueue may override the retry ones). */
export interface QueueOptions {
  /** Retries after the first attempt (default 5). */
  retryLimit?: number;
  /** Seconds before the first retry (default 5). */
  retryDelaySeconds?: number;
  /** Double the delay each retry, with jitter (default true). */
  retryBackoff?: boolean;
  /** Cap on one retry delay in seconds (default 3600). */
  retryDelayMaxSeconds?: number;
  /** A run longer than this fails (default 15 minutes). */
  expireInSeconds?: number;
  /** Jobs of this queue run at once in this process (default 2). */
  concurrency?: number;
  /**
   * Seconds between polls for new jobs when LISTEN/NOTIFY is unavailable (default 2; min 0.5). With
   * NOTIFY (the default on PGlite and Postgres) new jobs start at once, a worker that ran a job
   * fetches again at once, and retries and delayed jobs (`startAfter`) wake the queue when they come
   * due (wake-ups over a retry window are at least this far apart); each worker still polls every
   * 60 s (or this, if longer) as a safety net.
   */
  pollingIntervalSeconds?: number;
}

/** Options for one enqueue. */
export interface EnqueueOptions {
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** Run no earlier than this (a Date, or seconds from now). */
  startAfter?: Date | number;
  /** At most one queued job per key (a duplicate enqueue returns null). */
  singletonKey?: string;
  priority?: number;
  /** Only from a platform transaction: the tenant a platform-enqueued job acts for. */
  tenantId?: string;
}

/** A job that ran out of retries. */
export interface DeadLetter {
  id: string;
  name: string;
  tenantId: string | null;
  payload: unknown;
  /** The last error (message and stack) pg-boss recorded. */
  error: unknown;
  attempts: number;
  createdAt: Date;
  failedAt: Date | null;
}

/** The envelope stored in pg-boss's `data`: the tenant travels with the payload. */
export interface JobEnvelope<P = unknown> {
  tenantId: string | null;
  payload: P;
  /** Request id and W3C trace context of the enqueuing request (absent outside requests). */
  trace?: TraceCarrier;
}
