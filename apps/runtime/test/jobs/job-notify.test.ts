/**
 * Jobs start as soon as they are committed (pg-boss LISTEN/NOTIFY), not at the next poll: the queue
 * here polls every 20 s and retries after 30 s, so a job that ran within a few seconds was woken.
 * On Postgres the job is enqueued by a second queue instance (its own pool), as an API process
 * does for a separate `agent-chatbot worker`. Retries and delayed jobs, which come due without a
 * notification, run on time although the backstop poll is 60 s away: the queue wakes itself then,
 * and a process that starts finds the jobs another one left coming due.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '@agent-chatbot/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createJobQueue, type JobQueue } from '../../src/jobs/index';
import { backstopSeconds, DUE_SCAN_SECONDS } from '../../src/jobs/job-queue';
import type { RuntimeDb } from '../../src/db/index';
import type { JobHandler, QueueOptions } from '../../src/jobs/types';
import { testDrivers } from '../helpers/drivers';

const SLOW_POLL = { pollingIntervalSeconds: 20, retryDelaySeconds: 30, retryLimit: 0 };

describe('backstop polling while NOTIFY wakes the workers', () => {
  it('polls every 60 s, or pollingIntervalSeconds when longer', () => {
    expect(backstopSeconds({})).toBe(60);
    expect(backstopSeconds({ pollingIntervalSeconds: 1, retryDelaySeconds: 1 })).toBe(60);
    expect(backstopSeconds({ pollingIntervalSeconds: 90 })).toBe(90);
  });
});

for (const driver of await testDrivers()) {
  describe.skipIf(driver.skip)(`jobs start when committed, not at the next poll (${driver.name})`, { timeout: 60_000 }, () => {
    const cleanup: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const step of cleanup.reverse()) await step();
    });
    const openDb = async (): Promise<RuntimeDb> => {
      const opened = await driver.open();
      cleanup.push(opened.close);
      return opened.db as RuntimeDb;
    };
    const startWorker = async <P>(db: RuntimeDb, name: string, handler: JobHandler<P>, options: QueueOptions): Promise<JobQueue> => {
      const queue = createJobQueue(db, { schedule: false });
      queue.register<P>(name, handler, options);
      await queue.start({ work: true });
      cleanup.push(() => queue.stop({ timeoutMs: 1000 }));
      return queue;
    };

    it('runs a job enqueued after the workers went idle within seconds, and one rolled back never', async () => {
      const db = await openDb();
      const ran: Array<{ n: number; at: number }> = [];
      const worker = await startWorker<{ n: number }>(db, 'notify.demo', async ({ payload }) => void ran.push({ n: payload.n, at: Date.now() }), SLOW_POLL);
      let producer: JobQueue = worker;
      if (driver.name === 'postgres') {
        producer = createJobQueue(db, { schedule: false });
        producer.define('notify.demo', SLOW_POLL);
        await producer.start();
        cleanup.push(() => producer.stop({ timeoutMs: 1000 }));
      }
      // The workers' first fetch (at start) found nothing; the next poll is 20 s away.
      await sleep(1500);
      expect(ran).toEqual([]);

      await db.platform((tx) => producer.enqueue(tx, 'notify.demo', { n: 1 }));
      await db
        .platform(async (tx) => {
          await producer.enqueue(tx, 'notify.demo', { n: 2 });
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      const committedAt = Date.now();
      await db.platform((tx) => producer.enqueue(tx, 'notify.demo', { n: 3 }));

      await waitUntil(() => ran.length >= 2, 'both committed jobs ran', 10_000);
      expect(ran.map((r) => r.n).sort()).toEqual([1, 3]);
      expect(Math.max(...ran.map((r) => r.at)) - committedAt).toBeLessThan(5000);
      // Nothing else arrives: the rolled-back job never existed.
      await sleep(500);
      expect(ran).toHaveLength(2);
    });

    it('retries a failed job when its retry comes due, not at the 60 s backstop poll', async () => {
      const db = await openDb();
      const runs: number[] = [];
      const queue = await startWorker(db, 'retry.demo', async () => {
        runs.push(Date.now());
        if (runs.length === 1) throw new Error('first attempt fails');
      }, { pollingIntervalSeconds: 1, retryDelaySeconds: 1, retryLimit: 2 });
      await db.platform((tx) => queue.enqueue(tx, 'retry.demo', {}));

      await waitUntil(() => runs.length >= 2, 'the retry ran', 10_000);
      expect(runs).toHaveLength(2);
      // pg-boss makes it runnable 1–2 s after the failure (backoff with jitter); woken then. The
      // bound leaves a busy machine seconds of slack and is still far from the 60 s backstop.
      const gap = runs[1]! - runs[0]!;
      expect(gap).toBeGreaterThanOrEqual(900);
      expect(gap).toBeLessThan(8000);
    });

    it('drains a burst larger than its workers at once: a worker that ran a job fetches again', async () => {
      const db = await openDb();
      const ran: number[] = [];
      const queue = await startWorker<{ n: number }>(db, 'burst.demo', async ({ payload }) => {
        await sleep(100);
        ran.push(payload.n);
      }, { pollingIntervalSeconds: 1, retryLimit: 0, concurrency: 2 });
      await sleep(500);
      // One INSERT, so one NOTIFY, for eight jobs and two workers.
      const committedAt = Date.now();
      await db.platform((tx) => queue.enqueueMany(tx, 'burst.demo', Array.from({ length: 8 }, (_, i) => ({ payload: { n: i + 1 } }))));

      await waitUntil(() => ran.length >= 8, 'all eight jobs ran', 15_000);
      expect([...ran].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(Date.now() - committedAt).toBeLessThan(5000);
    });

    it('runs delayed jobs when they come due, more of them than there are workers', async () => {
      const db = await openDb();
      const ran: Array<{ n: number; at: number }> = [];
      const queue = await startWorker<{ n: number }>(db, 'delayed.demo', async ({ payload }) => {
        await sleep(100);
        ran.push({ n: payload.n, at: Date.now() });
      }, { pollingIntervalSeconds: 1, retryLimit: 0, concurrency: 2 });
      const due = Date.now() + 1500;
      await db.platform(async (tx) => {
        for (let n = 1; n <= 6; n += 1) await queue.enqueue(tx, 'delayed.demo', { n }, { startAfter: new Date(due) });
      });

      await waitUntil(() => ran.length >= 6, 'all six delayed jobs ran', 15_000);
      expect(ran.map((r) => r.n).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(Math.min(...ran.map((r) => r.at))).toBeGreaterThanOrEqual(due);
      // Two workers, six jobs: woken at the due time, each worker then fetches again after each job.
      expect(Math.max(...ran.map((r) => r.at)) - due).toBeLessThan(10_000);
    });

    it('runs a job another process delayed: found by the scan at start, and by the periodic scan', async () => {
      const db = await openDb();
      // The process that delayed the job is gone by the time a worker starts (a restart).
      const producer = createJobQueue(db, { schedule: false });
      producer.define('later.demo', { pollingIntervalSeconds: 1 });
      await producer.start();
      const firstDue = Date.now() + 2000;
      await db.platform((tx) => producer.enqueue(tx, 'later.demo', { n: 1 }, { startAfter: new Date(firstDue) }));
      await producer.stop({ timeoutMs: 1000 });

      const ran: Array<{ n: number; at: number }> = [];
      await startWorker<{ n: number }>(db, 'later.demo', async ({ payload }) => void ran.push({ n: payload.n, at: Date.now() }), { pollingIntervalSeconds: 1, retryLimit: 0 });
      await waitUntil(() => ran.length >= 1, 'the job delayed before the worker started ran', 10_000);
      expect(ran.map((r) => r.n)).toEqual([1]);
      // Woken at the due time rounded up to the second, never early; the safety-net poll is 60 s away.
      expect(ran[0]!.at).toBeGreaterThanOrEqual(firstDue);
      expect(ran[0]!.at - firstDue).toBeLessThan(8000);
      if (driver.name !== 'postgres') return;

      // Delayed by a live process that does not work the queue, after the worker's first scan.
      const other = createJobQueue(db, { schedule: false });
      other.define('later.demo', { pollingIntervalSeconds: 1 });
      await other.start();
      cleanup.push(() => other.stop({ timeoutMs: 1000 }));
      const secondDue = Date.now() + (DUE_SCAN_SECONDS + 2) * 1000;
      await db.platform((tx) => other.enqueue(tx, 'later.demo', { n: 2 }, { startAfter: new Date(secondDue) }));
      await waitUntil(() => ran.length >= 2, 'the job another live process delayed ran', (DUE_SCAN_SECONDS + 10) * 1000);
      expect(ran.map((r) => r.n)).toEqual([1, 2]);
      // The scan after the enqueue saw it coming due and woke the queue then, not at its own next run.
      expect(ran[1]!.at).toBeGreaterThanOrEqual(secondDue);
      expect(ran[1]!.at - secondDue).toBeLessThan(8000);
    });
  });
}
