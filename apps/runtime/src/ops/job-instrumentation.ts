/**
 * What the job queue calls around every enqueue and every run: the request id and trace context
 * ride in the job's envelope (`trace`), and each run gets a span (child of the enqueuing request),
 * a logger bound to `reqId`/`traceId`/`job`/`jobId`, and the `job_duration_seconds` and
 * `jobs_dead_letters_total` metrics. Kept here so `src/jobs` only needs two calls.
 */
import pino, { type Logger } from 'pino';
import type { PgBoss } from 'pg-boss';
import { metrics, secondsSince, setQueueDepthSource } from './metrics';
import { captureTraceCarrier, contextFromCarrier, currentTraceId, runWithRequestId, SpanKind, withSpan, type TraceCarrier } from './tracing';

/** What the queue knows about one run. */
export interface JobRunInfo {
  name: string;
  jobId: string;
  tenantId: string | null;
  attempt: number;
  /** Retries allowed after the first attempt (a failure with attempt > retryLimit is dead). */
  retryLimit: number;
  trace?: TraceCarrier;
  logger?: Logger;
}

const silent = pino({ level: 'silent' });

/** The trace carrier to store in a job's envelope (undefined outside requests and traces). */
export function captureJobTrace(): TraceCarrier | undefined {
  return captureTraceCarrier();
}

/**
 * Runs one job attempt inside its span and request scope, with a logger carrying the enqueuing
 * request's id and the trace id, and records its duration (`ok`, `retry` or `dead`).
 */
export async function runInstrumentedJob(info: JobRunInfo, run: (log: Logger) => Promise<void>): Promise<void> {
  const started = process.hrtime.bigint();
  const requestId = info.trace?.requestId;
  const body = () =>
    withSpan(
      `job ${info.name}`,
      {
        kind: SpanKind.CONSUMER,
        parent: contextFromCarrier(info.trace),
        attributes: { 'messaging.system': 'pg-boss', 'messaging.destination.name': info.name, 'messaging.message.id': info.jobId, 'job.attempt': info.attempt },
      },
      async () => {
        const traceId = currentTraceId();
        const log = (info.logger ?? silent).child({
          job: info.name,
          jobId: info.jobId,
          attempt: info.attempt,
          ...(info.tenantId ? { tenantId: info.tenantId } : {}),
          ...(requestId ? { reqId: requestId } : {}),
          ...(traceId ? { traceId } : {}),
        });
        await run(log);
      },
    );
  const m = metrics();
  try {
    await (requestId ? runWithRequestId(requestId, body) : body());
    m.jobDuration.observe({ queue: info.name, status: 'ok' }, secondsSince(started));
  } catch (error) {
    const dead = info.attempt > info.retryLimit;
    m.jobDuration.observe({ queue: info.name, status: dead ? 'dead' : 'retry' }, secondsSince(started));
    if (dead) m.deadLetters.inc({ queue: info.name });
    throw error;
  }
}

/**
 * Makes `jobs_queue_depth` read this pg-boss instance's queues at scrape time (jobs waiting:
 * created or retry). Returns a function that stops it.
 */
export function collectQueueDepth(boss: PgBoss): () => void {
  setQueueDepthSource(async () => {
    const queues = await boss.getQueues();
    return queues.map((q) => ({ queue: q.name, depth: q.queuedCount ?? 0 }));
  });
  return () => setQueueDepthSource(undefined);
}
