import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPgDb } from './pg-db';
import type { Db } from './types';

/** One versioned migration file. */
export interface Migration {
  /** `0001_init` (the file name without `.sql`); applied in this order. */
  readonly version: string;
  readonly sql: string;
  readonly checksum: string;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Versions applied by this call, in order. */
  applied: string[];
  /** Every version now recorded in app.schema_migrations. */
  versions: string[];
  /** Versions whose file changed after they were applied (they are not re-run). */
  changed: string[];
}

const FILE = /^(\d{4}_[a-z0-9_-]+)\.sql$/i;
// Arbitrary constant: every agent-chatbot process migrating the same database takes this lock.
const MIGRATION_LOCK = 7_271_001;

/**
 * Where the `.sql` files are: beside this module in the source tree (`src/db/migrations`), or —
 * when bundled into `dist/cli.js` — `dist/migrations` if the build copied them, else the source
 * tree next to dist (the runtime is never published without it).
 */
export function migrationsDir(): string {
  const candidates = ['./migrations/', '../src/db/migrations/', './db/migrations/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  const found = candidates.find((dir) => existsSync(dir) && readdirSync(dir).some((f) => FILE.test(f)));
  if (!found) throw new Error(`Migration files not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Reads the migration files in version order. */
export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => FILE.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir.replace(/\/?$/, '/')}${file}`, 'utf8');
      return { version: file.replace(/\.sql$/i, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies every migration not yet recorded, each in its own platform transaction holding a
 * transaction-scoped advisory lock, so two processes starting together apply each file once.
 * When every file is recorded already (a restart), one read without the lock is all it does.
 * Accepts a {@link Db} or a Postgres URL (opened and closed here).
 *
 * @example await migrate(db); // or: await migrate('postgres://…')
 */
export async function migrate(target: Db | string, migrations: Migration[] = loadMigrations()): Promise<MigrateResult> {
  if (typeof target === 'string') {
    const db = createPgDb(target, { max: 1, applicationName: 'agent-chatbot-migrate' });
    try {
      return await migrate(db, migrations);
    } finally {
      await db.close();
    }
  }
  const db = target;
  const applied: string[] = [];
  const changed: string[] = [];
  type PlatformTx = Parameters<Parameters<Db['platform']>[0]>[0];
  /** Version → checksum of every migration recorded. */
  const readRecorded = async (tx: PlatformTx) => {
    const { rows } = await tx.query<{ version: string; checksum: string }>('SELECT version, checksum FROM app.schema_migrations');
    return new Map(rows.map((r) => [r.version, r.checksum]));
  };
  const lockAndRead = async (tx: PlatformTx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS app;
      CREATE TABLE IF NOT EXISTS app.schema_migrations (
        version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    return readRecorded(tx);
  };

  // The usual start: everything applied already. One read, without the lock (migrations are only
  // ever added, so a concurrent migrator cannot make "all present" false) and without the DDL of
  // the locked path, which on PGlite cost a restart ~5 ms per file before the port opens.
  const recorded = await db.platform(async (tx) => {
    const { rows } = await tx.query<{ present: boolean }>(`SELECT to_regclass('app.schema_migrations') IS NOT NULL AS present`);
    return rows[0]?.present ? readRecorded(tx) : undefined;
  });
  if (recorded && migrations.every((migration) => recorded.has(migration.version))) {
    const edited = migrations.filter((migration) => recorded.get(migration.version) !== migration.checksum).map((migration) => migration.version);
    return { applied, versions: [...recorded.keys()].sort(), changed: edited };
  }
  for (const migration of migrations) {
    await db.platform(async (tx) => {
      const done = await lockAndRead(tx);
      const checksum = done.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) changed.push(migration.version);
        return;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO app.schema_migrations (version, checksum) VALUES ($1, $2)', [
        migration.version,
        migration.checksum,
      ]);
      applied.push(migration.version);
    });
  }
  const versions = await db.platform(async (tx) => [...(await lockAndRead(tx)).keys()].sort());
  return { applied, versions, changed };
}
