import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, willCreateEmbeddedDb } from '../../src/db/index';
import { createPgliteDb } from '../../src/db/pglite-db';

const root = mkdtempSync(join(tmpdir(), 'acb-pglite-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('PGlite on a data folder', () => {
  it('creates an empty folder out of process, keeps its data across reopen, and uses the configured shared_buffers', async () => {
    const dir = join(root, 'pglite');
    // initdb itself (the built template is covered by pglite-template.test.ts).
    const first = await createPgliteDb(dir, { template: null });
    expect(first.origin).toMatchObject({ from: 'initdb' });
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    const defaults = await first.pglite.query<{ sb: string }>(`SELECT current_setting('shared_buffers') AS sb`);
    expect(defaults.rows[0]!.sb).toBe('16MB');
    await first.pglite.exec(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('còn đây')`);
    await first.close();

    const second = await createPgliteDb(dir, { sharedBuffers: '8MB' });
    const { rows } = await second.pglite.query<{ v: string; sb: string }>(`SELECT v, current_setting('shared_buffers') AS sb FROM kept`);
    expect(rows).toEqual([{ v: 'còn đây', sb: '8MB' }]);
    await second.close();
  }, 60_000);

  it('tells a first start: a new embedded database until createDb made one, never on Postgres', async () => {
    const config = { databaseUrl: undefined, dataDir: join(root, 'fresh-install') };
    expect(willCreateEmbeddedDb(config)).toBe(true);
    const db = await createDb(config);
    await db.close();
    expect(willCreateEmbeddedDb(config)).toBe(false);
    expect(willCreateEmbeddedDb({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/none', dataDir: join(root, 'other') })).toBe(false);
  }, 60_000);

  it('vacuums and analyses the tables autovacuum would pick (single-user Postgres has no autovacuum)', async () => {
    const db = await createPgliteDb('memory', { vacuumCheckMs: 0 });
    try {
      await db.pglite.exec(`CREATE TABLE busy (id int PRIMARY KEY, v text); CREATE TABLE quiet (id int PRIMARY KEY);
        INSERT INTO busy SELECT g, 'a' FROM generate_series(1, 1000) g; INSERT INTO quiet VALUES (1);
        UPDATE busy SET v = 'b' WHERE id <= 600;`);
      // Statistics reach pg_stat_* at most once a second; the 30-second timer never notices.
      await db.pglite.query('SELECT pg_stat_force_next_flush()');
      const stats = async () =>
        (await db.pglite.query<{ relname: string; n_dead_tup: number; analyzed: boolean }>(
          `SELECT relname, n_dead_tup::int AS n_dead_tup, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname IN ('busy', 'quiet') ORDER BY relname`,
        )).rows;
      expect((await stats())[0]).toMatchObject({ relname: 'busy', n_dead_tup: 600, analyzed: false });
      await db.vacuum();
      expect(await stats()).toEqual([
        { relname: 'busy', n_dead_tup: 0, analyzed: true },
        // One row, never changed since: below the threshold, left alone.
        { relname: 'quiet', n_dead_tup: 0, analyzed: false },
      ]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('the periodic vacuum waits for a quiet moment, and not longer than its limit', async () => {
    const setUp = async (db: Awaited<ReturnType<typeof createPgliteDb>>) => {
      await db.pglite.exec(`CREATE TABLE busy (id int PRIMARY KEY, v text); INSERT INTO busy SELECT g, 'a' FROM generate_series(1, 1000) g;
        UPDATE busy SET v = 'b' WHERE id <= 600;`);
      await db.pglite.query('SELECT pg_stat_force_next_flush()');
    };
    const analyzed = async (db: Awaited<ReturnType<typeof createPgliteDb>>) =>
      (await db.pglite.query<{ analyzed: boolean }>(`SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'busy'`)).rows[0]!.analyzed;
    // Transactions back to back for `ms` (the gate yields, so timers still fire meanwhile).
    const keepBusy = async (db: Awaited<ReturnType<typeof createPgliteDb>>, ms: number, until: () => Promise<boolean> = async () => false) => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        await db.platform((tx) => tx.query('SELECT 1'));
        if (await until()) return true;
      }
      return false;
    };

    // Every table counts as large here (small ones are done at once: next test).
    const patient = await createPgliteDb('memory', { vacuumCheckMs: 50, vacuumQuietMs: 1_500, vacuumMaxDeferMs: 60_000, vacuumAnyTimeMaxBytes: 0 });
    try {
      await setUp(patient);
      await keepBusy(patient, 1_000);
      expect(await analyzed(patient)).toBe(false); // busy all along: deferred
      const deadline = Date.now() + 10_000;
      while (!(await analyzed(patient)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await analyzed(patient)).toBe(true); // quiet: done
    } finally {
      await patient.close();
    }

    const bounded = await createPgliteDb('memory', { vacuumCheckMs: 50, vacuumQuietMs: 60_000, vacuumMaxDeferMs: 300, vacuumAnyTimeMaxBytes: 0 });
    try {
      await setUp(bounded);
      // Never quiet, yet vacuumed once it has waited its limit.
      expect(await keepBusy(bounded, 10_000, () => analyzed(bounded))).toBe(true);
    } finally {
      await bounded.close();
    }
  }, 60_000);

  it('vacuums a small table at the check even while transactions keep coming, and leaves a larger one for a quiet moment', async () => {
    const db = await createPgliteDb('memory', { vacuumCheckMs: 50, vacuumQuietMs: 60_000, vacuumMaxDeferMs: 60_000, vacuumAnyTimeMaxBytes: 256 * 1024 });
    try {
      // `hot`: one row updated over and over (a conversation during a busy hour), a few pages.
      // `big`: ~2 MiB with dead rows, over the limit.
      await db.pglite.exec(`CREATE TABLE hot (id int PRIMARY KEY, n int); INSERT INTO hot VALUES (1, 0);
        CREATE TABLE big (id int PRIMARY KEY, v text); INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 8000) g;
        UPDATE big SET v = repeat('y', 200) WHERE id <= 4000;`);
      const analyzed = async (table: string) =>
        (await db.pglite.query<{ analyzed: boolean }>(`SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = $1`, [table])).rows[0]!.analyzed;
      let hotDone = false;
      const end = performance.now() + 10_000;
      while (!hotDone && performance.now() < end) {
        // Never quiet: a transaction after another, each one an update of the hot row.
        await db.platform((tx) => tx.query('UPDATE hot SET n = n + 1 WHERE id = 1'));
        await db.pglite.query('SELECT pg_stat_force_next_flush()');
        hotDone = await analyzed('hot');
      }
      expect(hotDone).toBe(true);
      expect(await analyzed('big')).toBe(false);
      await db.vacuum();
      expect(await analyzed('big')).toBe(true);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('reports a folder initdb cannot use and releases the lock', async () => {
    const dir = join(root, 'not-a-folder');
    writeFileSync(dir, 'a file where the data folder should be');
    await expect(createPgliteDb(dir)).rejects.toThrow(/initdb/);
    expect(existsSync(`${dir}.lock`)).toBe(false);
  }, 60_000);
});
