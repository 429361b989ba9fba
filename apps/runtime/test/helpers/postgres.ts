import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPgDb, type PgDb } from '../../src/db/pg-db';
import { loadMigrations, migrate } from '../../src/db/migrate';

/** The Postgres tests use: `TEST_DATABASE_URL`, default the local server. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let availability: Promise<string | undefined> | undefined;

/**
 * Undefined when Postgres answers, else the reason it does not (printed once). Use with
 * `describe.skipIf(reason)` at the top level of a test file.
 */
export function postgresUnavailable(): Promise<string | undefined> {
  availability ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (error) {
      const reason = `Postgres at ${redact(TEST_DATABASE_URL)} does not answer (${(error as Error).message}); skipping Postgres tests`;
      console.warn(`[skip] ${reason}`);
      return reason;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return availability;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function urlFor(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let template: Promise<string> | undefined;

/**
 * The migrated template database, created once per migration set (its name carries a hash of the
 * files) under an advisory lock, so parallel test workers build it once.
 */
export function templateDatabase(): Promise<string> {
  template ??= (async () => {
    const hash = createHash('sha256');
    for (const m of loadMigrations()) hash.update(m.version).update(m.checksum);
    const name = `agent_chatbot_tpl_${hash.digest('hex').slice(0, 12)}`;
    await withAdmin(async (admin) => {
      await admin.query('SELECT pg_advisory_lock(7271002)');
      try {
        // Templates of older migration sets are dropped (unused ones only; a busy one stays).
        const stale = await admin.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE datname LIKE 'agent\\_chatbot\\_tpl\\_%' AND datname <> $1`,
          [name],
        );
        for (const { datname } of stale.rows) {
          await admin.query(`ALTER DATABASE ${datname} WITH IS_TEMPLATE false`).catch(() => {});
          await admin.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => {});
        }
        // Test databases left behind by a crashed run (their name carries the creation time) go too.
        const tests = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'agent\\_chatbot\\_test\\_%'`);
        for (const { datname } of tests.rows) {
          const created = Number.parseInt(datname.split('_')[3] ?? '', 36);
          if (Number.isFinite(created) && Date.now() - created > 3_600_000) {
            await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
          }
        }
        const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (rowCount) return;
        const building = `${name}_build_${randomBytes(3).toString('hex')}`;
        await admin.query(`CREATE DATABASE ${building}`);
        await migrate(urlFor(building));
        // Renamed only once complete, so a crash mid-build never leaves a half-migrated template.
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
        await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true`);
      } finally {
        await admin.query('SELECT pg_advisory_unlock(7271002)');
      }
    });
    return name;
  })();
  return template;
}

/** A fresh migrated database for one test file; `drop()` removes it. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly db: PgDb;
  drop(): Promise<void>;
}

/** Clones the template into a new database (`CREATE DATABASE … TEMPLATE …`) and opens a pool on it. */
export async function createTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const tpl = await templateDatabase();
  const name = `agent_chatbot_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withAdmin(async (admin) => {
    // Cloning needs the template to have no other sessions; retry briefly if a clone races us.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  const url = urlFor(name);
  const db = createPgDb(url, { max: options.max ?? 10 });
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.close().catch(() => {});
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
