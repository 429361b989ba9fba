/**
 * PGlite's prepared-statement cache (src/db/pglite-pipelined-query.ts): each SQL text is parsed
 * once and then only bound and executed. What must hold: one statement per text, failures (before
 * or after Postgres stored the statement) never poison the next run, the cache stays bounded, and
 * a plan prepared in one scope never carries that scope's rows into another (row-level security
 * is re-checked per role and per tenant setting). And the transactions built on them (BEGIN and
 * the scope sent with the first statement, COMMIT on its own): atomic, scoped, and never entered
 * by another caller's query.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrate } from '../../src/db/migrate';
import { createPgliteDb, type PgliteDb } from '../../src/db/pglite-db';
import { MAX_PREPARED_STATEMENTS } from '../../src/db/pglite-pipelined-query';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';

let db: PgliteDb;
let tenants: TwoTenants;
const preparedCount = async () =>
  Number((await db.pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'acb\\_%'`)).rows[0]!.n);

beforeAll(async () => {
  db = await createPgliteDb('memory', { vacuumCheckMs: 0 });
  await migrate(db);
  tenants = await seedTwoTenants(db);
}, 60_000);
afterAll(async () => db?.close());

describe('PGlite prepared statements', () => {
  it('prepares a SQL text once and reuses it, with values serialised as node-postgres does', async () => {
    const sql = `SELECT $1::int + 1 AS n, $2::jsonb AS j, $3::text[] AS a, $4::timestamptz AS t, $5::text AS nothing`;
    const at = new Date('2026-11-26T08:00:00.000Z');
    for (let i = 0; i < 20; i += 1) {
      const { rows } = await db.anonymous((tx) => tx.query<{ n: number; j: unknown; a: string[]; t: Date; nothing: null }>(sql, [i, { giá: 150000 }, ['áo', 'quần'], at, null]));
      expect(rows[0]).toEqual({ n: i + 1, j: { giá: 150000 }, a: ['áo', 'quần'], t: at, nothing: null });
    }
    const copies = await db.pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`, [sql]);
    expect(copies.rows[0]!.n).toBe(1);
  });

  it('a statement that failed to parse fails the same way again, then a correct one runs', async () => {
    const broken = `SELEC 1 AS n`;
    for (let i = 0; i < 2; i += 1) {
      await expect(db.anonymous((tx) => tx.query(broken))).rejects.toMatchObject({ code: '42601' });
    }
    expect((await db.anonymous((tx) => tx.query<{ n: number }>(`SELECT 1 AS n`))).rows).toEqual([{ n: 1 }]);
  });

  it('a statement whose first run failed after it was stored (unique violation) runs on the next call', async () => {
    const { a } = tenants;
    const insert = `INSERT INTO messages (tenant_id, conversation_id, role, content, external_id) VALUES ($1, $2, 'customer', 'xin chào', $3) RETURNING external_id`;
    await db.tenant(a.tenantId, (tx) => tx.query(insert, [a.tenantId, a.conversationId, 'dup-1']));
    await expect(db.tenant(a.tenantId, (tx) => tx.query(insert, [a.tenantId, a.conversationId, 'dup-1']))).rejects.toMatchObject({ code: '23505' });
    const { rows } = await db.tenant(a.tenantId, (tx) => tx.query<{ external_id: string }>(insert, [a.tenantId, a.conversationId, 'dup-2']));
    expect(rows).toEqual([{ external_id: 'dup-2' }]);
    // A fresh text whose very first run fails mid-execution is retried cleanly too.
    const fresh = `${insert} -- fresh`;
    await expect(db.tenant(a.tenantId, (tx) => tx.query(fresh, [a.tenantId, a.conversationId, 'dup-2']))).rejects.toMatchObject({ code: '23505' });
    expect((await db.tenant(a.tenantId, (tx) => tx.query(fresh, [a.tenantId, a.conversationId, 'dup-3']))).rows).toHaveLength(1);
  });

  it('the same text in another scope or tenant sees only what that scope may see (RLS is not cached away)', async () => {
    const { a, b } = tenants;
    const sql = `SELECT tenant_id FROM conversations WHERE id = ANY($1::uuid[]) ORDER BY tenant_id`;
    const ids = [a.conversationId, b.conversationId];
    // Enough runs in one scope for Postgres to switch to a generic plan, then the other scopes.
    for (let i = 0; i < 8; i += 1) expect((await db.platform((tx) => tx.query(sql, [ids]))).rows).toHaveLength(2);
    for (let i = 0; i < 8; i += 1) {
      expect((await db.tenant(a.tenantId, (tx) => tx.query<{ tenant_id: string }>(sql, [ids]))).rows).toEqual([{ tenant_id: a.tenantId }]);
      expect((await db.tenant(b.tenantId, (tx) => tx.query<{ tenant_id: string }>(sql, [ids]))).rows).toEqual([{ tenant_id: b.tenantId }]);
    }
    expect((await db.anonymous((tx) => tx.query(sql, [ids]))).rows).toEqual([]);
    expect((await db.platform((tx) => tx.query(sql, [ids]))).rows).toHaveLength(2);
  });

  it(`keeps at most ${MAX_PREPARED_STATEMENTS} statements, closing the least recently used`, async () => {
    for (let i = 0; i < MAX_PREPARED_STATEMENTS + 40; i += 1) {
      await db.anonymous((tx) => tx.query(`SELECT ${i} AS n`));
    }
    // Closes are sent with the next statement: run one more, then count.
    await db.anonymous((tx) => tx.query(`SELECT 'last' AS n`));
    expect(await preparedCount()).toBeLessThanOrEqual(MAX_PREPARED_STATEMENTS);
    expect((await db.anonymous((tx) => tx.query<{ n: number }>(`SELECT 0 AS n`))).rows).toEqual([{ n: 0 }]);
  });
});

describe('PGlite transactions (BEGIN and the scope sent with the first statement)', () => {
  const count = async (externalId: string) =>
    Number((await db.platform((tx) => tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE external_id = $1`, [externalId]))).rows[0]!.n);
  const insert = `INSERT INTO messages (tenant_id, conversation_id, role, content, external_id) VALUES ($1, $2, 'customer', 'đặt hàng', $3)`;

  it('the first statement runs in the scope: tenant, anonymous and platform settings are in place', async () => {
    const { a } = tenants;
    const sql = `SELECT current_user AS who, current_setting('app.tenant_id', true) AS tenant, current_setting('app.platform', true) AS platform`;
    expect((await db.tenant(a.tenantId, (tx) => tx.query(sql))).rows[0]).toMatchObject({ who: 'chatbot_app', tenant: a.tenantId });
    expect((await db.anonymous((tx) => tx.query(sql))).rows[0]).toMatchObject({ who: 'chatbot_app' });
    expect((await db.platform((tx) => tx.query(sql))).rows[0]).toMatchObject({ platform: 'on' });
    // exec (several statements, no parameters) as the first use of a transaction is scoped too.
    const seen = await db.tenant(a.tenantId, async (tx) => {
      await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS scope_probe (t text); INSERT INTO scope_probe VALUES (current_setting('app.tenant_id', true))`);
      return (await tx.query<{ t: string }>(`SELECT t FROM scope_probe`)).rows;
    });
    expect(seen.at(-1)).toEqual({ t: a.tenantId });
  });

  it('a thrown error rolls back every statement of the transaction, the first one included', async () => {
    const { a } = tenants;
    await expect(
      db.tenant(a.tenantId, async (tx) => {
        await tx.query(insert, [a.tenantId, a.conversationId, 'tx-rollback-1']);
        await tx.query(insert, [a.tenantId, a.conversationId, 'tx-rollback-2']);
        throw new Error('hủy giữa chừng');
      }),
    ).rejects.toThrow('hủy giữa chừng');
    expect(await count('tx-rollback-1')).toBe(0);
    expect(await count('tx-rollback-2')).toBe(0);
    // A failure in the very first statement (sent together with BEGIN) leaves nothing open.
    await expect(db.tenant(a.tenantId, (tx) => tx.query(`${insert} RETURNING nope`, [a.tenantId, a.conversationId, 'tx-rollback-3']))).rejects.toMatchObject({ code: '42703' });
    await db.tenant(a.tenantId, (tx) => tx.query(insert, [a.tenantId, a.conversationId, 'tx-after-failure']));
    expect(await count('tx-after-failure')).toBe(1);
    // No transaction was left open: its scope setting is gone (an aborted one would refuse the query).
    const setting = await db.pglite.query<{ tenant: string | null }>(`SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant`);
    expect(setting.rows).toEqual([{ tenant: null }]);
  });

  it('a statement error the callback catches still fails the transaction at COMMIT, and nothing is kept', async () => {
    const { a } = tenants;
    await expect(
      db.tenant(a.tenantId, async (tx) => {
        await tx.query(insert, [a.tenantId, a.conversationId, 'tx-swallowed-1']);
        await tx.query(`SELECT 1/0`).catch(() => undefined);
        return 'ok';
      }),
    ).rejects.toThrow(/rolled back/);
    expect(await count('tx-swallowed-1')).toBe(0);
  });

  it('commits what it wrote, and a transaction that runs nothing succeeds', async () => {
    const { a } = tenants;
    await db.tenant(a.tenantId, async (tx) => {
      await tx.query(insert, [a.tenantId, a.conversationId, 'tx-commit-1']);
      await tx.query(insert, [a.tenantId, a.conversationId, 'tx-commit-2']);
    });
    expect((await count('tx-commit-1')) + (await count('tx-commit-2'))).toBe(2);
    await expect(db.tenant(a.tenantId, async () => 'nothing to do')).resolves.toBe('nothing to do');
  });

  it("another caller's query (pg-boss's adapter) waits for the open transaction instead of running inside it", async () => {
    const { a } = tenants;
    let outside: Promise<{ rows: Array<{ tenant: string | null }> }> | undefined;
    await db.tenant(a.tenantId, async (tx) => {
      await tx.query(insert, [a.tenantId, a.conversationId, 'tx-isolated']);
      outside = db.pglite.query<{ tenant: string | null }>(`SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await tx.query(`SELECT 1`);
    });
    // Had it run inside the transaction it would have seen the tenant setting.
    expect((await outside!).rows).toEqual([{ tenant: null }]);
  });

  it('statements handed over together go in one round trip with BEGIN and the scope, each gets its own result', async () => {
    const { a } = tenants;
    const calls = vi.spyOn(db.pglite, 'execProtocol');
    const raw = vi.spyOn(db.pglite, 'execProtocolRawStream');
    try {
      const results = await db.tenant(a.tenantId, (tx) =>
        Promise.all([
          tx.query<{ n: number }>(`SELECT 1 AS n`),
          tx.query<{ tenant: string }>(`SELECT current_setting('app.tenant_id') AS tenant`),
          tx.query(insert, [a.tenantId, a.conversationId, 'tx-batched']),
        ]),
      );
      expect(results[0].rows).toEqual([{ n: 1 }]);
      expect(results[1].rows).toEqual([{ tenant: a.tenantId }]);
      expect(results[2].rowCount).toBe(1);
      // One round trip for BEGIN, the scope and the three statements (read by pg-backend.ts); one for COMMIT.
      expect(raw).toHaveBeenCalledTimes(1);
      expect(calls).toHaveBeenCalledTimes(1);
    } finally {
      calls.mockRestore();
      raw.mockRestore();
    }
    expect(await count('tx-batched')).toBe(1);
  });

  it("each statement of a batch gets its own rowCount, as on Postgres (not PGlite's running affectedRows)", async () => {
    const { a } = tenants;
    const counts = await db.tenant(a.tenantId, async (tx) => {
      const results = await Promise.all([
        tx.query(insert, [a.tenantId, a.conversationId, 'rowcount-1']),
        tx.query(insert, [a.tenantId, a.conversationId, 'rowcount-2']),
        tx.query(`UPDATE messages SET content = content WHERE external_id = 'no-such-message'`),
        tx.query(`DELETE FROM messages WHERE external_id = 'rowcount-1'`),
      ]);
      return results.map((result) => result.rowCount);
    });
    // The old mapping read PGlite's affectedRows, which adds up over a round trip: [1, 2, 2, 3].
    expect(counts).toEqual([1, 1, 0, 1]);
    expect([await count('rowcount-1'), await count('rowcount-2')]).toEqual([0, 1]);
  });

  it('a failing statement in a batch fails every statement of it and the transaction keeps nothing', async () => {
    const { a } = tenants;
    const outcome = await db
      .tenant(a.tenantId, (tx) =>
        Promise.allSettled([tx.query(insert, [a.tenantId, a.conversationId, 'tx-batch-failed']), tx.query(`SELECT 1/0`), tx.query(`SELECT 2 AS n`)]),
      )
      .catch((error: unknown) => error);
    // allSettled swallowed the errors, so COMMIT found the transaction aborted.
    expect(String(outcome)).toMatch(/rolled back/);
    expect(await count('tx-batch-failed')).toBe(0);
  });

  it('a statement not awaited by the callback still runs before COMMIT', async () => {
    const { a } = tenants;
    await db.tenant(a.tenantId, async (tx) => {
      void tx.query(insert, [a.tenantId, a.conversationId, 'tx-not-awaited']);
    });
    expect(await count('tx-not-awaited')).toBe(1);
  });

  it('db.statement: one statement in its own scoped transaction, committed, or rolled back on failure', async () => {
    const { a, b } = tenants;
    const calls = vi.spyOn(db.pglite, 'execProtocol');
    try {
      const seen = await db.statement<{ tenant: string; n: number }>(
        { kind: 'tenant', tenantId: a.tenantId },
        `SELECT current_setting('app.tenant_id') AS tenant, count(*)::int AS n FROM conversations WHERE id = ANY($1::uuid[])`,
        [[a.conversationId, b.conversationId]],
      );
      expect(seen.rows).toEqual([{ tenant: a.tenantId, n: 1 }]);
      // BEGIN, the scope, the statement and COMMIT in one round trip.
      expect(calls).toHaveBeenCalledTimes(1);
    } finally {
      calls.mockRestore();
    }
    expect((await db.statement({ kind: 'anonymous' }, `SELECT id FROM conversations WHERE id = $1`, [a.conversationId])).rows).toEqual([]);
    await db.statement({ kind: 'tenant', tenantId: a.tenantId }, insert, [a.tenantId, a.conversationId, 'statement-1']);
    expect(await count('statement-1')).toBe(1);
    await expect(db.statement({ kind: 'tenant', tenantId: a.tenantId }, `${insert} RETURNING nope`, [a.tenantId, a.conversationId, 'statement-2'])).rejects.toMatchObject({ code: '42703' });
    expect(await count('statement-2')).toBe(0);
    const setting = await db.pglite.query<{ tenant: string | null }>(`SELECT nullif(current_setting('app.tenant_id', true), '') AS tenant`);
    expect(setting.rows).toEqual([{ tenant: null }]);
    await expect(db.statement({ kind: 'tenant', tenantId: 'not-a-uuid' }, 'SELECT 1')).rejects.toMatchObject({ status: 400 });
  });
});
