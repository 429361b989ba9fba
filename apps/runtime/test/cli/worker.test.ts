import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { startWorker } from '../../src/cli/serve';
import { PURGE_EXPIRED_JOB } from '../../src/jobs/maintenance';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { seedTwoTenants } from '../helpers/seed';

const skip = await postgresUnavailable();

describe.skipIf(skip)('agent-chatbot worker on Postgres', { timeout: 60_000 }, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.drop());

  it('runs the built-in purge job enqueued by another process, and stops gracefully', async () => {
    const seed = await seedTwoTenants(t.db);
    await t.db.platform((tx) =>
      tx.query(
        `INSERT INTO sessions (user_id, family_id, token_hash, expires_at) VALUES
           ($1, gen_random_uuid(), 'old', now() - interval '30 days'), ($1, gen_random_uuid(), 'fresh', now() + interval '1 day')`,
        [seed.a.adminUserId],
      ),
    );
    const config = loadConfig({
      DATABASE_URL: t.url,
      CHATBOT_JWT_SECRET: 'w'.repeat(40),
      CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
      LOG_LEVEL: 'silent',
    });
    const worker = await startWorker(config);
    try {
      // As an API process would: enqueue inside its own transaction, through its own pool.
      await t.db.platform((tx) => worker.runtime.jobs.enqueue(tx, PURGE_EXPIRED_JOB, null));
      const deadline = Date.now() + 20_000;
      let left: string[] = [];
      do {
        await new Promise((r) => setTimeout(r, 200));
        left = await t.db.platform(async (tx) => (await tx.query<{ token_hash: string }>('SELECT token_hash FROM sessions')).rows.map((r) => r.token_hash));
      } while (left.includes('old') && Date.now() < deadline);
      expect(left).toEqual(['fresh']);
      const schedules = await worker.runtime.jobs.boss.getSchedules();
      expect(schedules.map((s) => s.name)).toContain(PURGE_EXPIRED_JOB);
    } finally {
      await worker.stop();
    }
  });
});
