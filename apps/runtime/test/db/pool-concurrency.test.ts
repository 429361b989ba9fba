import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';

const skip = await postgresUnavailable();

describe.skipIf(skip)('tenant scope through the pg pool under concurrency', () => {
  let t: TestDatabase;
  let seed: TwoTenants;

  beforeAll(async () => {
    t = await createTestDatabase({ max: 8 });
    seed = await seedTwoTenants(t.db);
  });
  afterAll(() => t?.drop());

  it('runs 200 interleaved tenant transactions with no leak of app.tenant_id between connections', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const mine = i % 2 === 0 ? seed.a : seed.b;
        if (i % 10 === 9) {
          // Anonymous transactions mixed in must never inherit a tenant from the connection's last user.
          return t.db.anonymous(async (tx) => {
            const { rows } = await tx.query<{ tenant: string | null; n: number }>(
              `SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant, (SELECT count(*)::int FROM contacts) AS n`,
            );
            return rows[0]!.tenant === null && rows[0]!.n === 0;
          });
        }
        return t.db.tenant(mine.tenantId, async (tx) => {
          await tx.query('SELECT pg_sleep($1)', [(i % 7) / 1000]);
          const { rows } = await tx.query<{ tenant: string; owners: string[] }>(
            `SELECT current_setting('app.tenant_id') AS tenant,
                    (SELECT array_agg(DISTINCT tenant_id::text) FROM contacts) AS owners`,
          );
          return rows[0]!.tenant === mine.tenantId && rows[0]!.owners.length === 1 && rows[0]!.owners[0] === mine.tenantId;
        });
      }),
    );
    expect(results.filter((ok) => !ok)).toHaveLength(0);

    // Every pooled connection, used outside a transaction, is back to the owner role with no tenant.
    const clients = await Promise.all(Array.from({ length: 8 }, () => t.db.pool.connect()));
    try {
      for (const client of clients) {
        const { rows } = await client.query(
          `SELECT current_user AS role, coalesce(current_setting('app.tenant_id', true), '') AS tenant,
                  coalesce(current_setting('app.platform', true), '') AS platform`,
        );
        expect(rows[0]).toEqual({ role: 'postgres', tenant: '', platform: '' });
      }
    } finally {
      for (const client of clients) client.release();
    }
  });

  it('rolls back a failed transaction and returns a clean connection', async () => {
    await expect(
      t.db.tenant(seed.a.tenantId, async (tx) => {
        await tx.query(`UPDATE contacts SET name = 'changed' WHERE id = $1`, [seed.a.contactId]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const name = await t.db.tenant(seed.a.tenantId, async (tx) =>
      (await tx.query<{ name: string }>('SELECT name FROM contacts WHERE id = $1', [seed.a.contactId])).rows[0]!.name,
    );
    expect(name).not.toBe('changed');
  });

  it('survives the database killing a connection in the middle of a transaction (no crash, pool recovers)', async () => {
    const killer = new pg.Client({ connectionString: t.url });
    await killer.connect();
    try {
      const failed = t.db.tenant(seed.a.tenantId, async (tx) => {
        await tx.query('SELECT pg_sleep(5)');
      });
      // Wait until the sleeping backend is visible, then terminate it like a database restart would.
      let pid: number | undefined;
      for (let i = 0; i < 50 && pid === undefined; i += 1) {
        const { rows } = await killer.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(5)%' AND pid <> pg_backend_pid()`,
        );
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(pid).toBeDefined();
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      await expect(failed).rejects.toThrow();
      // The dead client was discarded: the next transactions get healthy connections.
      for (let i = 0; i < 10; i += 1) {
        const n = await t.db.tenant(seed.a.tenantId, async (tx) => (await tx.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n);
        expect(n).toBe(1);
      }
    } finally {
      await killer.end();
    }
  });
});
