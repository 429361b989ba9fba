import { readFileSync } from 'node:fs';
import pg from 'pg';
import { BILLING_SCHEMA_SQL } from '../pg/schema';
import type { BillingDb, BillingTx } from '../pg/db';

/** Test-only: a scratch Postgres database with the runtime's 0001/0002 migrations and the billing schema. */
export interface ScratchDb extends BillingDb {
  readonly pool: pg.Pool;
  readonly url: string;
  /** Creates a tenant row (platform scope) and returns its id. */
  createTenant(options?: { capVnd?: number | null; planId?: string }): Promise<string>;
  drop(): Promise<void>;
}

const MIGRATIONS = new URL('../../../../apps/runtime/src/db/migrations/', import.meta.url);

/** The server URL tests use. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Why Postgres cannot be used, or `undefined` when it answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `Postgres at ${TEST_DATABASE_URL} does not answer (${(error as Error).message}); skipping Postgres billing tests`;
  } finally {
    await client.end().catch(() => {});
  }
}

function wrap(client: pg.PoolClient): BillingTx {
  return {
    async query<R>(sql: string, params?: readonly unknown[]) {
      const result = await client.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
  };
}

/** Creates `billing_test_<random>` with the schema; `drop()` removes it. */
export async function createScratchDb(label: string): Promise<ScratchDb> {
  const name = `billing_${label}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pool.on('error', () => {});
  for (const file of ['0001_init.sql', '0002_rls.sql']) await pool.query(readFileSync(new URL(file, MIGRATIONS), 'utf8'));
  await pool.query(BILLING_SCHEMA_SQL);

  async function run<T>(setup: (client: pg.PoolClient) => Promise<void>, fn: (tx: BillingTx) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await setup(client);
      const value = await fn(wrap(client));
      await client.query('COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  const db: ScratchDb = {
    pool,
    url: url.toString(),
    // Same scoping as the runtime's Db: tenant work as chatbot_app under RLS, platform as owner.
    tenant: (tenantId, fn) =>
      run(async (client) => {
        await client.query('SET LOCAL ROLE chatbot_app');
        await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
      }, fn),
    platform: (fn) => run(async (client) => void (await client.query("SELECT set_config('app.platform', 'on', true)")), fn),
    async createTenant(options = {}) {
      return db.platform(async (tx) => {
        const slug = `t-${Math.random().toString(36).slice(2, 12)}`;
        const { rows } = await tx.query<{ id: string }>('INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING id', [slug, slug]);
        const id = rows[0]!.id;
        await tx.query('INSERT INTO billing_accounts (tenant_id, plan_id, monthly_cap_vnd) VALUES ($1, $2, $3)', [
          id,
          options.planId ?? null,
          options.capVnd ?? null,
        ]);
        return id;
      });
    },
    async drop() {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
  return db;
}
