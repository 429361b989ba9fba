import { ForbiddenError, ValidationError } from '@agent-chatbot/core';
import { fromPglite, PgBoss, type Db as BossDb, type JobWithMetadata } from 'pg-boss';
import type { Logger } from 'pino';
import type { RuntimeDb } from '../db/index';
import { assertTenantId } from '../db/tenant-id';
import type { Tx } from '../db/types';
import { captureJobTrace, runInstrumentedJob } from '../ops/job-instrumentation';
import type { TraceCarrier } from '../ops/tracing';
import { createDueWakeups } from './due-wakeups';
import type { DeadLetter, EnqueueOptions, JobEnvelope, JobHandler, QueueOptions } from './types';

/** The runtime's job queue: pg-boss on Postgres and on PGlite. */
export interface JobQueue {
  /** Declares a queue this process enqueues into without handling it (API-only processes). */
  define(name: string, options?: QueueOptions): void;
  /** Declares a queue and its handler; the handler runs when `start({ work: true })`. */
  register<P>(name: string, handler: JobHandler<P>, options?: QueueOptions): void;
  /**
   * Enqueues inside the caller's transaction: if it rolls back, the job never existed. The tenant
   * is read from the transaction itself (`app.current_tenant()`), never trusted from the caller.
   * Returns the job id, or null when `singletonKey` deduplicated it.
   */
  enqueue<P>(tx: Tx, name: string, payload: P, options?: EnqueueOptions): Promise<string | null>;
  /**
   * Enqueues several jobs of one queue with one INSERT, inside the caller's transaction (same
   * tenant rule as {@link JobQueue.enqueue}; queue defaults for retries). Each item may carry the
   * trace of the request it came from. Returns how many were inserted.
   */
  enqueueMany<P>(tx: Tx, name: string, items: ReadonlyArray<{ payload: P; trace?: TraceCarrier }>): Promise<number>;
  /** Runs `name` on a cron schedule (5-field cron, default time zone UTC). Call after start(). */
  schedule<P>(name: string, cron: string, payload?: P, options?: { tenantId?: string; tz?: string }): Promise<void>;
  unschedule(name: string): Promise<void>;
  /** Installs pg-boss's schema, creates the declared queues and (with `work`) starts the handlers. */
  start(options?: { work?: boolean }): Promise<void>;
  /** Graceful: waits up to `timeoutMs` (default 30 s) for in-flight jobs to finish. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Jobs that ran out of retries, newest first. */
  deadLetters(options?: { name?: string; tenantId?: string; limit?: number }): Promise<DeadLetter[]>;
  /** Puts a dead job back in the queue. */
  retryDead(name: string, id: string): Promise<void>;
  readonly started: boolean;
  readonly boss: PgBoss;
}

const NAME = /^[a-z][a-z0-9_.-]{0,62}$/;

/** Options for {@link createJobQueue}. */
export interface CreateJobQueueOptions {
  logger?: Logger;
  /** pg-boss schema (default `pgboss`). */
  schema?: string;
  /** Cron schedules run only when true (default true). */
  schedule?: boolean;
}

/**
 * Creates the job queue over the runtime's database. On Postgres pg-boss keeps its own small pool;
 * on PGlite it goes through the same single connection (its adapter's queries wait for the
 * transaction lock, so they never run inside someone else's transaction).
 *
 * @example const jobs = createJobQueue(db); jobs.register('mail.send', async ({ payload }) => …);
 *          await jobs.start({ work: true }); await db.tenant(id, (tx) => jobs.enqueue(tx, 'mail.send', {…}));
 */
export function createJobQueue(db: RuntimeDb, options: CreateJobQueueOptions = {}): JobQueue {
  const schema = options.schema ?? 'pgboss';
  // LISTEN/NOTIFY: a job committed by any process wakes the workers of its queue at once (on PGlite
  // in-process, on Postgres through one listening connection of pg-boss's pool). Retries and
  // delayed jobs come due without a notification: this process wakes the queue when it knows one
  // does (due-wakeups.ts, and the scan below), and a slow poll remains as a safety net (see
  // backstopSeconds).
  const common = { schema, schedule: options.schedule ?? true, useListenNotify: true };
  const boss =
    db.kind === 'pglite'
      ? new PgBoss({ db: fromPglite(db.pglite), backend: 'pglite', ...common })
      : new PgBoss({ connectionString: db.url, max: 4, application_name: 'agent-chatbot-jobs', ...common });
  boss.on('error', (error) => options.logger?.error({ err: error }, 'job queue error'));
  // E.g. LISTEN unavailable (a transaction-pooling proxy): the workers then poll every pollingIntervalSeconds.
  boss.on('warning', (warning) => options.logger?.warn({ warning }, 'job queue warning'));

  const queues = new Map<string, QueueOptions>();
  const handlers = new Map<string, JobHandler<unknown>>();
  let started = false;
  let working = false;
  /** Makes this process's workers of `queue` fetch now, or right after their current job. */
  const wakeWorkers = (queue: string, onlyBusy = false) => {
    if (!working) return;
    for (const worker of boss.getWipData()) {
      if (worker.name === queue && (!onlyBusy || worker.count > 0)) boss.notifyWorker(worker.id);
    }
  };
  const wakeups = createDueWakeups(wakeWorkers, (queue) => pollingSeconds(queues.get(queue) ?? {}) * 1000);
  let scanTimer: NodeJS.Timeout | undefined;
  /**
   * Schedules a wake-up for every queued job of the queues this process works that comes due before
   * the next scan: one per queue and second, rounded up (never early; a woken worker drains the rest).
   * Relative times, so a database clock that differs from ours does not matter. Best effort.
   */
  const scanDueJobs = async (): Promise<void> => {
    try {
      const rows = await db.platform(
        async (tx) =>
          (
            await tx.query<{ name: string; in_ms: number | string }>(
              `SELECT name, greatest(ceil(extract(epoch FROM start_after - now())), 0) * 1000 AS in_ms
               FROM ${schema}.job
               WHERE name = ANY($1::text[]) AND state IN ('created', 'retry') AND start_after < now() + make_interval(secs => $2)
               GROUP BY 1, 2 ORDER BY 2 LIMIT 500`,
              [[...handlers.keys()], DUE_SCAN_SECONDS + 1],
            )
          ).rows,
      );
      const now = Date.now();
      for (const row of rows) wakeups.at(row.name, now + Number(row.in_ms));
    } catch (error) {
      options.logger?.warn({ err: error }, 'scanning the job queue for due jobs failed');
    }
  };

  const declare = (name: string, queueOptions: QueueOptions = {}) => {
    if (!NAME.test(name)) throw new ValidationError(`Invalid job name "${name}"`, `Tên job không hợp lệ "${name}"`);
    if (started) throw new Error(`Queue "${name}" must be declared before jobs.start()`);
    queues.set(name, queueOptions);
  };

  async function runHandler(name: string, job: JobWithMetadata<JobEnvelope>): Promise<void> {
    const handler = handlers.get(name)!;
    // A job sent without our envelope (by hand, or by an older version) still runs, as a platform job.
    const envelope: JobEnvelope = job.data && typeof job.data === 'object' && 'payload' in job.data ? job.data : { tenantId: null, payload: job.data };
    const attempt = job.retryCount + 1;
    try {
      // Metrics, the span and a logger bound to the enqueuing request's id (src/ops).
      await runInstrumentedJob(
        { name, jobId: job.id, tenantId: envelope.tenantId, attempt, retryLimit: job.retryLimit, trace: envelope.trace, logger: options.logger },
        (log) => handler({ payload: envelope.payload, tenantId: envelope.tenantId, attempt, jobId: job.id, name, signal: job.signal, log }),
      );
    } catch (error) {
      const last = attempt > job.retryLimit;
      if (!last) wakeups.retry(name, job);
      options.logger?.warn({ err: error, job: name, jobId: job.id, attempt, dead: last }, last ? 'job dead' : 'job failed, will retry');
      throw error;
    }
  }

  return {
    boss,
    get started() {
      return started;
    },
    define: declare,
    register(name, handler, queueOptions) {
      declare(name, queueOptions);
      handlers.set(name, handler as JobHandler<unknown>);
    },
    async enqueue<P>(tx: Tx, name: string, payload: P, enqueueOptions: EnqueueOptions = {}) {
      if (!started) throw new Error('jobs.start() has not run: the queue schema may not exist yet');
      if (!queues.has(name)) {
        throw new Error(`Queue "${name}" was not declared (jobs.define or jobs.register) before jobs.start()`);
      }
      const { rows } = await tx.query<{ role: string; tenant: string | null }>(
        'SELECT current_user::text AS role, app.current_tenant()::text AS tenant',
      );
      const scope = rows[0]!;
      let tenantId = scope.tenant;
      if (enqueueOptions.tenantId !== undefined) {
        const wanted = assertTenantId(enqueueOptions.tenantId);
        if (scope.role === 'chatbot_app' && wanted !== tenantId) {
          throw new ForbiddenError('A job cannot be enqueued for another tenant', 'Không thể tạo job cho tenant khác');
        }
        tenantId = wanted;
      }
      const trace = captureJobTrace();
      const envelope: JobEnvelope<P> = trace ? { tenantId, payload, trace } : { tenantId, payload };
      const txDb: BossDb = {
        executeSql: async (text: string, values?: unknown[]) => tx.query(text, values ?? []),
      };
      // pg-boss validates present keys, so absent options are left out rather than set to undefined.
      const sendOptions = Object.fromEntries(
        Object.entries({
          db: txDb,
          retryLimit: enqueueOptions.retryLimit,
          retryDelay: enqueueOptions.retryDelaySeconds,
          retryBackoff: enqueueOptions.retryBackoff,
          startAfter: enqueueOptions.startAfter,
          singletonKey: enqueueOptions.singletonKey,
          priority: enqueueOptions.priority,
        }).filter(([, v]) => v !== undefined),
      ) as { db: BossDb };
      // The queue tables are the platform's, not a tenant's: the runtime role has no grant on them.
      // Step out of chatbot_app for pg-boss's one INSERT, then back in, inside the same transaction.
      const stepOut = scope.role === 'chatbot_app';
      const send = async () => {
        const id = await boss.send(name, envelope as object, sendOptions);
        // A delayed job comes due without a notification: wake the queue then (harmless if the
        // transaction rolls back: one empty fetch).
        const { startAfter } = enqueueOptions;
        if (id && startAfter !== undefined) wakeups.at(name, startAfter instanceof Date ? startAfter.getTime() : Date.now() + startAfter * 1000);
        return id;
      };
      if (!stepOut) return send();
      await tx.query('RESET ROLE');
      let id: string | null;
      try {
        id = await send();
      } catch (error) {
        // Back to chatbot_app even when pg-boss failed before any SQL (option validation), so a
        // caller that catches the error cannot go on as the owner. In an aborted transaction the
        // SET itself fails, and nothing can run there anyway.
        await tx.query('SET LOCAL ROLE chatbot_app').catch(() => {});
        throw error;
      }
      await tx.query('SET LOCAL ROLE chatbot_app');
      return id;
    },
    async enqueueMany<P>(tx: Tx, name: string, items: ReadonlyArray<{ payload: P; trace?: TraceCarrier }>) {
      if (items.length === 0) return 0;
      if (!started) throw new Error('jobs.start() has not run: the queue schema may not exist yet');
      if (!queues.has(name)) {
        throw new Error(`Queue "${name}" was not declared (jobs.define or jobs.register) before jobs.start()`);
      }
      const { rows } = await tx.query<{ role: string; tenant: string | null }>('SELECT current_user::text AS role, app.current_tenant()::text AS tenant');
      const scope = rows[0]!;
      const jobs = items.map(({ payload, trace }) => ({ data: (trace ? { tenantId: scope.tenant, payload, trace } : { tenantId: scope.tenant, payload }) as object }));
      const txDb: BossDb = { executeSql: async (text: string, values?: unknown[]) => tx.query(text, values ?? []) };
      const stepOut = scope.role === 'chatbot_app';
      if (stepOut) await tx.query('RESET ROLE');
      try {
        const ids = await boss.insert(name, jobs, { db: txDb, returnId: true });
        return ids?.length ?? items.length;
      } finally {
        // Back to chatbot_app in any case (see enqueue); in an aborted transaction nothing runs anyway.
        if (stepOut) await tx.query('SET LOCAL ROLE chatbot_app').catch(() => {});
      }
    },
    async schedule(name, cron, payload, scheduleOptions = {}) {
      if (!queues.has(name)) throw new Error(`Queue "${name}" was not declared before jobs.start()`);
      const tenantId = scheduleOptions.tenantId === undefined ? null : assertTenantId(scheduleOptions.tenantId);
      await boss.schedule(name, cron, { tenantId, payload: payload ?? null }, { tz: scheduleOptions.tz ?? 'UTC' });
    },
    async unschedule(name) {
      await boss.unschedule(name);
    },
    async start(startOptions = {}) {
      if (!started) {
        await boss.start();
        // One read of the declared queues, not one per queue: after the first start they all
        // exist with these settings, so a restart writes nothing (on PGlite each write is ~5–10 ms
        // of a restart before the port opens).
        const existing = new Map((await boss.getQueues([...queues.keys()])).map((queue) => [queue.name, queue]));
        for (const [name, q] of queues) {
          const backoff = q.retryBackoff ?? true;
          const updatable = {
            retryLimit: q.retryLimit ?? 5,
            retryDelay: q.retryDelaySeconds ?? 5,
            retryBackoff: backoff,
            expireInSeconds: q.expireInSeconds ?? 900,
            notify: true,
          };
          const current = existing.get(name);
          // The backoff cap is set when the queue is created (pg-boss accepts it only with backoff on).
          if (!current) await boss.createQueue(name, { ...updatable, ...(backoff ? { retryDelayMax: q.retryDelayMaxSeconds ?? 3600 } : {}) });
          else if (Object.entries(updatable).some(([key, value]) => current[key as keyof typeof updatable] !== value)) await boss.updateQueue(name, updatable);
        }
        started = true;
      }
      if (startOptions.work && !working) {
        working = true;
        for (const [name] of handlers) {
          const q = queues.get(name) ?? {};
          await boss.work(
            name,
            {
              includeMetadata: true,
              batchSize: 1,
              localConcurrency: q.concurrency ?? 2,
              pollingIntervalSeconds: pollingSeconds(q),
              notifyPollingIntervalSeconds: backstopSeconds(q),
            },
            async (jobs) => {
              const job = jobs[0] as JobWithMetadata<JobEnvelope> | undefined;
              if (!job) return;
              try {
                await runHandler(name, job);
              } finally {
                // More may be waiting (one NOTIFY for several jobs, jobs that came due meanwhile): a
                // worker that ran a job fetches again at once instead of at the backstop poll.
                // Only busy workers are told (this one among them), so an idle queue fetches nothing.
                wakeWorkers(name, true);
              }
            },
          );
        }
        // Jobs that come due later and that this process did not delay (another process did, or a
        // previous run of this one, stopped mid-job, or a worker died and its job expired): found
        // now and every DUE_SCAN_SECONDS.
        await scanDueJobs();
        scanTimer = setInterval(() => void scanDueJobs(), DUE_SCAN_SECONDS * 1000);
        scanTimer.unref();
      }
    },
    async stop(stopOptions = {}) {
      if (!started) return;
      clearInterval(scanTimer);
      wakeups.clear();
      await boss.stop({ graceful: true, close: true, timeout: stopOptions.timeoutMs ?? 30_000 });
      started = false;
      working = false;
    },
    async deadLetters(query = {}) {
      const tenantId = query.tenantId === undefined ? null : assertTenantId(query.tenantId);
      const rows = await db.platform(
        async (tx) =>
          (
            await tx.query<{
              id: string;
              name: string;
              data: JobEnvelope | null;
              output: unknown;
              retry_count: number;
              created_on: Date;
              completed_on: Date | null;
            }>(
              `SELECT id, name, data, output, retry_count, created_on, completed_on FROM ${schema}.job
               WHERE state = 'failed' AND ($1::text IS NULL OR name = $1) AND ($2::text IS NULL OR data->>'tenantId' = $2)
               ORDER BY completed_on DESC NULLS LAST LIMIT $3`,
              [query.name ?? null, tenantId, Math.min(Math.max(query.limit ?? 100, 1), 1000)],
            )
          ).rows,
      );
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        tenantId: r.data?.tenantId ?? null,
        payload: r.data?.payload,
        error: r.output,
        attempts: r.retry_count + 1,
        createdAt: r.created_on,
        failedAt: r.completed_on,
      }));
    },
    async retryDead(name, id) {
      await boss.retry(name, id);
    },
  };
}

/** Seconds between polls while NOTIFY is unavailable (`pollingIntervalSeconds`, default 2, at least 0.5). */
function pollingSeconds(q: QueueOptions): number {
  return Math.max(0.5, q.pollingIntervalSeconds ?? 2);
}

/**
 * Seconds between each worker's polls while NOTIFY wakes the workers (60, or
 * `pollingIntervalSeconds` when longer): a safety net only. New jobs come with a NOTIFY, a worker
 * that ran a job fetches again at once, the retries and delayed jobs this process makes get wake-ups
 * at their due times (due-wakeups.ts), and a scan every {@link DUE_SCAN_SECONDS} finds the other
 * jobs coming due (another process delayed them, a worker died and its job expired).
 */
export function backstopSeconds(q: QueueOptions): number {
  return Math.max(pollingSeconds(q), BACKSTOP_SECONDS);
}

/** See {@link backstopSeconds}. */
export const BACKSTOP_SECONDS = 60;
/**
 * How often a working process looks for queued jobs of its queues coming due before the next look
 * (one query), and schedules a wake-up for each: a job another process delayed by less than this
 * may start up to this late; every other job starts on time.
 */
export const DUE_SCAN_SECONDS = 10;
