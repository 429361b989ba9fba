import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, loadMigrations } from '../../src/db/migrate';
import { createPgliteDb, type PgliteDb } from '../../src/db/pglite-db';
import { NestedTransactionError } from '../../src/db/transaction';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';

const skip = await postgresUnavailable();

describe('migrations on PGlite', () => {
  let db: PgliteDb;
  beforeAll(async () => {
    db = await createPgliteDb('memory');
  });
  afterAll(() => db?.close());

  it('applies every file once, in order, and records it', async () => {
    const files = loadMigrations().map((m) => m.version);
    expect(files[0]).toBe('0001_init');
    const first = await migrate(db);
    expect(first.applied).toEqual(files);
    const second = await migrate(db);
    expect(second.applied).toEqual([]);
    expect(second.versions).toEqual(files);
  });

  it('reports a migration file edited after it was applied', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
    const result = await migrate(db, edited);
    expect(result.changed).toEqual(['0001_init']);
  });

  it('a restart with everything applied is one read; a new file still goes through the locked path', async () => {
    const platform = db.platform.bind(db);
    let transactions = 0;
    const counted = Object.assign(Object.create(db) as PgliteDb, {
      platform: ((fn) => ((transactions += 1), platform(fn))) as PgliteDb['platform'],
    });
    const files = loadMigrations();
    const restart = await migrate(counted, files);
    expect(restart).toEqual({ applied: [], versions: files.map((m) => m.version), changed: [] });
    expect(transactions).toBe(1);

    const added = { version: '9999_added_later', sql: 'CREATE TABLE app.added_later (id int)', checksum: 'added' };
    const upgrade = await migrate(counted, [...files, added]);
    expect(upgrade.applied).toEqual([added.version]);
    expect(upgrade.versions).toContain(added.version);
    const { rows } = await db.platform((tx) => tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM app.schema_migrations WHERE version = '9999_added_later'`));
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses a transaction opened inside another (PGlite would wait forever)', async () => {
    await expect(db.platform(() => db.anonymous(async () => 1))).rejects.toBeInstanceOf(NestedTransactionError);
  });
});

describe.skipIf(skip)('migrations on Postgres', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.drop());

  it('lets two processes migrate at once and applies each file once', async () => {
    // The template is already migrated; wipe the record and schema to migrate from scratch twice at once.
    await t.db.platform((tx) => tx.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP SCHEMA app CASCADE;'));
    const [one, two] = await Promise.all([migrate(t.url), migrate(t.url)]);
    const files = loadMigrations().map((m) => m.version);
    expect([...one.applied, ...two.applied].sort()).toEqual(files);
    expect(one.versions).toEqual(files);
  });
});
