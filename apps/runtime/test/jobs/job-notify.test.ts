/**
 * Jobs start as soon as they are committed (pg-boss LISTEN/NOTIFY), not at the next poll: the queue
 * here polls every 20 s and retries after 30 s, so a job that ran within a few seconds was woken.
 * On Postgres the job is enqueued by a second queue instance (its own pool), as an API process
 * does for a separate `agent-chatbot worker`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createJobQueue, type JobQueue } from '../../src/jobs/index';
import { backstopSeconds } from '../../src/jobs/job-queue';
import type { RuntimeDb } from '../../src/db/index';
import { testDrivers } from '../helpers/drivers';

const SLOW_POLL = { pollingIntervalSeconds: 20, retryDelaySeconds: 30, retryLimit: 0 };

describe('backstop polling while NOTIFY wakes the workers', () => {
  it('polls about as often as retries come due, within [pollingIntervalSeconds, 30]', () => {
    expect(backstopSeconds({})).toBe(5);
    expect(backstopSeconds({ pollingIntervalSeconds: 1, retryDelaySeconds: 1 })).toBe(1);
    expect(backstopSeconds({ pollingIntervalSeconds: 0.1, retryDelaySeconds: 0 })).toBe(0.5);
    expect(backstopSeconds({ pollingIntervalSeconds: 1, retryDelaySeconds: 600 })).toBe(30);
    expect(backstopSeconds({ pollingIntervalSeconds: 40 })).toBe(40);
  });
});

for (const driver of await testDrivers()) {
  describe.skipIf(driver.skip)(`jobs start when committed, not at the next poll (${driver.name})`, { timeout: 60_000 }, () => {
    const cleanup: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const step of cleanup.reverse()) await step();
    });

    it('runs a job enqueued after the workers went idle within seconds, and one rolled back never', async () => {
      const opened = await driver.open();
      cleanup.push(opened.close);
      const db = opened.db as RuntimeDb;
      const ran: Array<{ n: number; at: number }> = [];
      const worker = createJobQueue(db, { schedule: false });
      worker.register<{ n: number }>('notify.demo', async ({ payload }) => void ran.push({ n: payload.n, at: Date.now() }), SLOW_POLL);
      await worker.start({ work: true });
      cleanup.push(() => worker.stop({ timeoutMs: 1000 }));
      let producer: JobQueue = worker;
      if (driver.name === 'postgres') {
        producer = createJobQueue(db, { schedule: false });
        producer.define('notify.demo', SLOW_POLL);
        await producer.start();
        cleanup.push(() => producer.stop({ timeoutMs: 1000 }));
      }
      // The workers' first fetch (at start) found nothing; the next poll is 20 s away.
      await new Promise((resolve) => setTimeout(resolve, 1500));
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

      const deadline = Date.now() + 10_000;
      while (ran.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ran.map((r) => r.n).sort()).toEqual([1, 3]);
      expect(Math.max(...ran.map((r) => r.at)) - committedAt).toBeLessThan(5000);
      // Nothing else arrives: the rolled-back job never existed.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(ran).toHaveLength(2);
    });
  });
}
