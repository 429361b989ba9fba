import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeDb } from '../db/index';
import { testDrivers } from '../../test/helpers/drivers';
import { seedTwoTenants, type TwoTenants } from '../../test/helpers/seed';
import { createJobQueue, type JobQueue } from './job-queue';
import type { JobContext } from './types';

const drivers = await testDrivers();

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(drivers)('job queue (pg-boss) on $name', (driver) => {
  describe.skipIf(driver.skip)('jobs', () => {
    let db: RuntimeDb;
    let close: () => Promise<void>;
    let seed: TwoTenants;
    let jobs: JobQueue;
    const seen: JobContext<{ n: number }>[] = [];
    const flaky: number[] = [];
    const contactsSeen: number[] = [];
    let slowFinished = false;

    beforeAll(async () => {
      const opened = await driver.open();
      db = opened.db as RuntimeDb;
      close = opened.close;
      seed = await seedTwoTenants(db);
      jobs = createJobQueue(db, { schedule: false });
      const fast = { pollingIntervalSeconds: 0.5 };
      jobs.register<{ n: number }>('test.ok', async (job) => {
        // A handler opens its own tenant transaction (on PGlite this must not count as nested).
        contactsSeen.push(await db.tenant(job.tenantId!, async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts')).rows[0]!.n));
        seen.push(job);
      }, fast);
      jobs.register('test.flaky', async (job) => {
        flaky.push(job.attempt);
        throw new Error(`lỗi lần ${job.attempt}`);
      }, { ...fast, retryLimit: 1, retryDelaySeconds: 0, retryBackoff: false });
      jobs.register('test.slow', async () => {
        await new Promise((r) => setTimeout(r, 1500));
        slowFinished = true;
      }, fast);
      jobs.define('test.never');
      await jobs.start({ work: true });
    });
    afterAll(async () => {
      await jobs?.stop({ timeoutMs: 5000 });
      await close?.();
    });

    it('runs a job enqueued inside a tenant transaction, with its tenant and attempt', async () => {
      const id = await db.tenant(seed.a.tenantId, (tx) => jobs.enqueue(tx, 'test.ok', { n: 1 }));
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      await until(() => seen.length === 1);
      expect(seen[0]).toMatchObject({ payload: { n: 1 }, tenantId: seed.a.tenantId, attempt: 1, name: 'test.ok', jobId: id });
      expect(contactsSeen).toEqual([1]);
    });

    it('enqueues nothing when the transaction rolls back', async () => {
      await expect(
        db.tenant(seed.a.tenantId, async (tx) => {
          await jobs.enqueue(tx, 'test.never', { n: 2 });
          throw new Error('request failed');
        }),
      ).rejects.toThrow('request failed');
      const count = await db.platform(async (tx) =>
        (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'test.never'`)).rows[0]!.n,
      );
      expect(count).toBe(0);
      // The transaction's role is restored after the enqueue: still confined to tenant A.
      const seenAfter = await db.tenant(seed.a.tenantId, async (tx) => {
        await jobs.enqueue(tx, 'test.never', { n: 3 });
        return (await tx.query<{ u: string; n: number }>('SELECT current_user AS u, (SELECT count(*)::int FROM tenants) AS n')).rows[0];
      });
      expect(seenAfter).toEqual({ u: 'chatbot_app', n: 1 });
    });

    it('returns to the runtime role when pg-boss rejects the options', async () => {
      const role = await db.tenant(seed.a.tenantId, async (tx) => {
        await expect(jobs.enqueue(tx, 'test.never', {}, { priority: 1.5 })).rejects.toThrow(/priority/);
        return (await tx.query<{ u: string; n: number }>('SELECT current_user AS u, (SELECT count(*)::int FROM tenants) AS n')).rows[0];
      });
      expect(role).toEqual({ u: 'chatbot_app', n: 1 });
    });

    it('refuses to enqueue a job for another tenant from a tenant transaction', async () => {
      await expect(
        db.tenant(seed.a.tenantId, (tx) => jobs.enqueue(tx, 'test.ok', { n: 9 }, { tenantId: seed.b.tenantId })),
      ).rejects.toMatchObject({ status: 403 });
    });

    it('retries a failing job, then shows it as a dead letter', async () => {
      await db.tenant(seed.b.tenantId, (tx) => jobs.enqueue(tx, 'test.flaky', { n: 4 }));
      await until(async () => (await jobs.deadLetters({ name: 'test.flaky' })).length === 1, 15_000);
      expect(flaky).toEqual([1, 2]);
      const [dead] = await jobs.deadLetters({ tenantId: seed.b.tenantId });
      expect(dead).toMatchObject({ name: 'test.flaky', tenantId: seed.b.tenantId, payload: { n: 4 }, attempts: 2 });
      expect(JSON.stringify(dead!.error)).toContain('lỗi lần 2');
      expect(await jobs.deadLetters({ tenantId: seed.a.tenantId })).toEqual([]);
    });

    it('keeps cron schedules', async () => {
      const scheduled = createJobQueue(db);
      scheduled.define('test.cron');
      await scheduled.start();
      try {
        await scheduled.schedule('test.cron', '*/5 * * * *', { x: 1 }, { tenantId: seed.a.tenantId });
        const schedules = await scheduled.boss.getSchedules();
        expect(schedules).toEqual([expect.objectContaining({ name: 'test.cron', cron: '*/5 * * * *', data: { tenantId: seed.a.tenantId, payload: { x: 1 } } })]);
      } finally {
        await scheduled.stop();
      }
    });

    it('a restart reads the queues once and writes only the settings that changed', async () => {
      /** Starts (and stops) a queue declaring `test.ok` and `retryLimits`' queues, and returns the queue writes pg-boss was asked for. */
      const startWith = async (retryLimits: Record<string, number>): Promise<string[]> => {
        const queue = createJobQueue(db, { schedule: false });
        queue.define('test.ok'); // as declared above: pg-boss's polling is not a queue setting
        for (const [name, retryLimit] of Object.entries(retryLimits)) queue.define(name, { retryLimit, retryDelaySeconds: 0, retryBackoff: false });
        const writes: string[] = [];
        const createQueue = queue.boss.createQueue.bind(queue.boss);
        const updateQueue = queue.boss.updateQueue.bind(queue.boss);
        queue.boss.createQueue = async (name, options) => (writes.push(`create ${name}`), createQueue(name, options));
        queue.boss.updateQueue = async (name, options) => (writes.push(`update ${name}`), updateQueue(name, options));
        await queue.start();
        await queue.stop({ timeoutMs: 5000 });
        return writes;
      };
      expect(await startWith({ 'test.settings': 1 })).toEqual(['create test.settings']);
      expect(await startWith({ 'test.settings': 1 })).toEqual([]);
      expect(await startWith({ 'test.settings': 3, 'test.added': 2 })).toEqual(['update test.settings', 'create test.added']);
      const rows = await db.platform(async (tx) =>
        (await tx.query<{ name: string; retry_limit: number }>(`SELECT name, retry_limit FROM pgboss.queue WHERE name IN ('test.settings', 'test.added') ORDER BY name`)).rows,
      );
      expect(rows).toEqual([
        { name: 'test.added', retry_limit: 2 },
        { name: 'test.settings', retry_limit: 3 },
      ]);
    });

    it('rejects a queue that was never declared', async () => {
      await expect(db.tenant(seed.a.tenantId, (tx) => jobs.enqueue(tx, 'nope', {}))).rejects.toThrow(/not declared/);
    });

    it('stops gracefully: an in-flight job finishes first', async () => {
      await db.platform((tx) => jobs.enqueue(tx, 'test.slow', {}, { tenantId: seed.a.tenantId }));
      await until(async () =>
        db.platform(async (tx) =>
          (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'test.slow' AND state = 'active'`)).rows[0]!.n === 1,
        ),
      );
      await jobs.stop({ timeoutMs: 10_000 });
      expect(slowFinished).toBe(true);
    });
  });
});
