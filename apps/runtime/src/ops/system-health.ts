/**
 * System health for the platform-admin console, as JSON: the database round trip, job queues
 * (waiting, active, dead letters, failures in the last hour — read from pg-boss's table, so every
 * process sees every worker's jobs), and this API process's HTTP error rate since it started
 * (from its Prometheus counters; Prometheus/Grafana show the fleet-wide rates).
 */
import type { Db } from '../db/types';
import { metrics } from './metrics';

/** One queue's numbers. */
export interface QueueHealth {
  readonly name: string;
  /** Waiting to run (created or retry). */
  readonly queued: number;
  readonly active: number;
  /** Jobs that ran out of retries and are still retained (dead letters). */
  readonly deadLetters: number;
  readonly completedLastHour: number;
  readonly failedLastHour: number;
}

/** The whole report. */
export interface SystemHealth {
  readonly status: 'ok' | 'degraded';
  readonly checkedAt: Date;
  readonly database: { readonly ok: boolean; readonly latencyMs: number };
  /** Null when the job tables do not exist yet (the queue never started on this database). */
  readonly queues: readonly QueueHealth[] | null;
  readonly totals: { readonly queued: number; readonly deadLetters: number; readonly deadLettersLastDay: number; readonly jobErrorRateLastHour: number | null };
  readonly http: { readonly requests: number; readonly serverErrors: number; readonly errorRate: number | null };
  readonly process: { readonly uptimeSeconds: number; readonly rssBytes: number };
}

/** Thresholds above which the report says `degraded`. */
export const HEALTH_LIMITS = { queued: 1_000, deadLettersLastDay: 50, errorRate: 0.05 } as const;

const n = (value: unknown): number => Number(value ?? 0);

async function httpCounts(): Promise<{ requests: number; serverErrors: number }> {
  const { values } = await metrics().httpRequests.get();
  let requests = 0;
  let serverErrors = 0;
  for (const { labels, value } of values) {
    requests += value;
    if (String(labels.status ?? '').startsWith('5')) serverErrors += value;
  }
  return { requests, serverErrors };
}

/**
 * Reads the system health. `schema` is pg-boss's schema (default `pgboss`).
 *
 * @example const health = await readSystemHealth(runtime.db);
 */
export async function readSystemHealth(db: Db, options: { schema?: string } = {}): Promise<SystemHealth> {
  const schema = options.schema ?? 'pgboss';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid pg-boss schema name');
  const started = performance.now();
  let databaseOk = true;
  let queues: QueueHealth[] | null = null;
  let deadLettersLastDay = 0;
  try {
    await db.platform(async (tx) => {
      await tx.query('SELECT 1');
      const exists = await tx.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${schema}.job`]);
      if (!exists.rows[0]?.t) return;
      const { rows } = await tx.query<{ name: string; queued: unknown; active: unknown; dead: unknown; done_1h: unknown; failed_1h: unknown; dead_24h: unknown }>(
        `SELECT name,
                count(*) FILTER (WHERE state IN ('created', 'retry')) AS queued,
                count(*) FILTER (WHERE state = 'active') AS active,
                count(*) FILTER (WHERE state = 'failed') AS dead,
                count(*) FILTER (WHERE state = 'completed' AND completed_on > now() - interval '1 hour') AS done_1h,
                count(*) FILTER (WHERE state = 'failed' AND completed_on > now() - interval '1 hour') AS failed_1h,
                count(*) FILTER (WHERE state = 'failed' AND completed_on > now() - interval '1 day') AS dead_24h
           FROM ${schema}.job GROUP BY name ORDER BY name`,
      );
      queues = rows.map((r) => ({
        name: r.name,
        queued: n(r.queued),
        active: n(r.active),
        deadLetters: n(r.dead),
        completedLastHour: n(r.done_1h),
        failedLastHour: n(r.failed_1h),
      }));
      deadLettersLastDay = rows.reduce((sum, r) => sum + n(r.dead_24h), 0);
    });
  } catch {
    databaseOk = false;
  }
  const latencyMs = Math.round(performance.now() - started);
  const list: QueueHealth[] = queues ?? [];
  const done = list.reduce((s, q) => s + q.completedLastHour, 0);
  const failed = list.reduce((s, q) => s + q.failedLastHour, 0);
  const http = await httpCounts();
  const totals = {
    queued: list.reduce((s, q) => s + q.queued, 0),
    deadLetters: list.reduce((s, q) => s + q.deadLetters, 0),
    deadLettersLastDay,
    jobErrorRateLastHour: done + failed === 0 ? null : failed / (done + failed),
  };
  const errorRate = http.requests === 0 ? null : http.serverErrors / http.requests;
  const degraded =
    !databaseOk ||
    totals.queued > HEALTH_LIMITS.queued ||
    totals.deadLettersLastDay > HEALTH_LIMITS.deadLettersLastDay ||
    (errorRate ?? 0) > HEALTH_LIMITS.errorRate ||
    (totals.jobErrorRateLastHour ?? 0) > HEALTH_LIMITS.errorRate;
  return {
    status: degraded ? 'degraded' : 'ok',
    checkedAt: new Date(),
    database: { ok: databaseOk, latencyMs },
    queues,
    totals,
    http: { ...http, errorRate },
    process: { uptimeSeconds: Math.round(process.uptime()), rssBytes: process.memoryUsage().rss },
  };
}
