/**
 * Graceful shutdown, the "or retried" half (the "finish first" half is in src/jobs/job-queue.test.ts):
 * a job still running when the stop grace period runs out is failed by the queue (its handler's
 * signal aborts) and runs again, as attempt 2, on the next worker.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createJobQueue } from '../../src/jobs/index';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';

const skip = await postgresUnavailable();

describe.skipIf(skip)('graceful shutdown of job workers (Postgres)', { timeout: 60_000 }, () => {
  let t: TestDatabase | undefined;
  afterAll(() => t?.drop());

  it('retries a job cut off by a stop that outlasted its grace period', async () => {
    t = await createTestDatabase();
    const db = t.db;
    const attempts: number[] = [];
    let aborted = false;
    let running!: () => void;
    const started = new Promise<void>((resolve) => (running = resolve));
    const options = { retryDelaySeconds: 1, retryBackoff: false, pollingIntervalSeconds: 0.5 };

    const first = createJobQueue(db, { schedule: false });
    first.register(
      'ops.slow',
      async ({ attempt, signal }) => {
        attempts.push(attempt);
        running();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 20_000);
          signal.addEventListener('abort', () => {
            aborted = true;
            clearTimeout(timer);
            resolve();
          });
        });
      },
      options,
    );
    await first.start({ work: true });
    await db.platform((tx) => first.enqueue(tx, 'ops.slow', { n: 1 }));
    await started;
    await first.stop({ timeoutMs: 1000 });
    expect(aborted).toBe(true);
    const after = await db.platform((tx) => tx.query<{ state: string; output: unknown }>(`SELECT state, output FROM pgboss.job WHERE name = 'ops.slow'`));
    expect(after.rows).toHaveLength(1);
    expect(after.rows[0]!.state).toBe('retry');
    expect(JSON.stringify(after.rows[0]!.output)).toMatch(/shut down while active/);

    const second = createJobQueue(db, { schedule: false });
    second.register('ops.slow', async ({ attempt }) => void attempts.push(attempt), options);
    await second.start({ work: true });
    try {
      const deadline = Date.now() + 20_000;
      let state = '';
      while (state !== 'completed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        state = (await db.platform((tx) => tx.query<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = 'ops.slow'`))).rows[0]!.state;
      }
      expect(state).toBe('completed');
      expect(attempts).toEqual([1, 2]);
    } finally {
      await second.stop();
    }
  });
});
