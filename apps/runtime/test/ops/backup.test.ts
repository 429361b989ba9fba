/**
 * Backup → restore into a fresh database and an empty data folder, on PGlite and on Postgres:
 * row counts match, LanceDB files come back byte-identical and answer the same vector query,
 * encrypted archives need the right passphrase, a non-empty database is refused, retention prunes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { afterAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig, type RuntimeConfig } from '../../src/config';
import { createBackup, restoreBackup } from '../../src/ops/backup';
import { tableCounts } from '../../src/ops/db-dump';
import { tenantLanceTables } from '../../src/ops/data-layout';
import { testDrivers } from '../helpers/drivers';
import { seedTwoTenants } from '../helpers/seed';

const drivers = await testDrivers();
const dirs: string[] = [];
const tempDir = (label: string) => {
  const d = mkdtempSync(join(tmpdir(), `acb-${label}-`));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const keys = formatKeyring([generateSecretKey()]);
const configFor = (dataDir: string, extra: Record<string, string> = {}): RuntimeConfig =>
  loadConfig({ CHATBOT_DATA_DIR: dataDir, CHATBOT_JWT_SECRET: 'b'.repeat(40), CHATBOT_SECRET_KEYS: keys, LOG_LEVEL: 'silent', CHATBOT_BACKUP_PASSPHRASE: 'correct horse battery staple', ...extra });

/** sha256 of every file under `dir`, by relative path. */
function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

async function nearest(lanceDir: string, table: string): Promise<string[]> {
  const db = await connect(lanceDir);
  try {
    const t = await db.openTable(table);
    const rows = await t.search([1, 0, 0, 0]).limit(2).toArray();
    return rows.map((r: { text: string }) => r.text);
  } finally {
    db.close();
  }
}

for (const driver of drivers) {
  describe.skipIf(driver.skip)(`backup and restore on ${driver.name}`, { timeout: 120_000 }, () => {
    it('restores counts, LanceDB bytes and a retrieval query into a fresh database', async () => {
      const source = await driver.open();
      const target = await driver.open();
      try {
        const seed = await seedTwoTenants(source.db);
        const srcDir = tempDir('src');
        const [chunks] = tenantLanceTables(seed.a.tenantId);
        const lance = await connect(join(srcDir, 'lancedb'));
        await lance.createTable(chunks!, [
          { text: 'Giờ mở cửa 8h-22h', vector: [1, 0, 0, 0] },
          { text: 'Giao hàng toàn quốc', vector: [0, 1, 0, 0] },
          { text: 'Đổi trả trong 7 ngày', vector: [0.9, 0.1, 0, 0] },
        ]);
        lance.close();
        mkdirSync(join(srcDir, 'files', seed.a.tenantId), { recursive: true });
        writeFileSync(join(srcDir, 'files', seed.a.tenantId, 'bang-gia.csv'), 'sku,gia\nA,100000\n');
        const before = await source.db.platform((tx) => tableCounts(tx));
        const expectedAnswer = await nearest(join(srcDir, 'lancedb'), chunks!);

        const outDir = tempDir('out');
        const config = configFor(srcDir);
        const backup = await createBackup(config, source.db, { output: outDir, encrypt: true });
        expect(backup.encrypted).toBe(true);
        expect(backup.path).toMatch(/agent-chatbot-.*\.tar\.gz\.enc$/);
        expect(readFileSync(backup.path).subarray(0, 5).toString()).toBe('ACBK1');
        expect(backup.manifest.tables.find((t) => t.name === 'public.tenants')?.rows).toBe(2);
        expect(backup.manifest.data.map((d) => d.name).sort()).toEqual(['files', 'lancedb']);
        expect(backup.manifest.keyIds).toEqual(['seed']);
        if (driver.name === 'postgres') expect(backup.manifest.pgDump).toBe('database/pg_dump.custom');

        const dstDir = tempDir('dst');
        await expect(restoreBackup(configFor(dstDir, { CHATBOT_BACKUP_PASSPHRASE: 'wrong passphrase here' }), target.db, backup.path)).rejects.toMatchObject({
          status: 400,
          messageVi: expect.stringMatching(/giải mã/),
        });
        const restored = await restoreBackup(configFor(dstDir), target.db, backup.path);
        expect(restored.rows).toEqual(before);
        expect(await target.db.platform((tx) => tableCounts(tx))).toEqual(before);
        const tenant = await target.db.platform(async (tx) => (await tx.query<{ slug: string }>('SELECT slug FROM tenants WHERE id = $1', [seed.a.tenantId])).rows[0]);
        expect(tenant?.slug).toBe(seed.a.slug);
        // Identity sequences moved past restored ids: a new audit row does not collide.
        await target.db.platform((tx) => tx.query(`INSERT INTO audit_log (action) VALUES ('after-restore')`));

        expect(treeHashes(join(dstDir, 'lancedb'))).toEqual(treeHashes(join(srcDir, 'lancedb')));
        expect(Object.keys(treeHashes(join(dstDir, 'lancedb'))).length).toBeGreaterThan(0);
        expect(readFileSync(join(dstDir, 'files', seed.a.tenantId, 'bang-gia.csv'), 'utf8')).toContain('A,100000');
        expect(await nearest(join(dstDir, 'lancedb'), chunks!)).toEqual(expectedAnswer);
        expect(expectedAnswer[0]).toBe('Giờ mở cửa 8h-22h');

        // A second restore finds a non-empty database (and data folder) and refuses.
        await expect(restoreBackup(configFor(tempDir('dst2')), target.db, backup.path)).rejects.toMatchObject({ status: 409 });
      } finally {
        await source.close();
        await target.close();
      }
    });
  });
}

describe('backup retention', { timeout: 120_000 }, () => {
  it('keeps the newest N archives of the same name pattern', async () => {
    const driver = drivers.find((d) => d.name === 'pglite')!;
    const { db, close } = await driver.open();
    try {
      const outDir = tempDir('keep');
      writeFileSync(join(outDir, 'unrelated.tar.gz'), 'x');
      const config = configFor(tempDir('keep-data'));
      const made: string[] = [];
      for (let i = 0; i < 3; i++) {
        made.push((await createBackup(config, db, { output: join(outDir, `nightly-2026-11-2${i}.tar.gz`), keep: 2 })).path);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(readdirSync(outDir).sort()).toEqual(['nightly-2026-11-21.tar.gz', 'nightly-2026-11-22.tar.gz', 'unrelated.tar.gz']);
      expect(made[2]).toMatch(/nightly-2026-11-22/);
      await expect(createBackup(configFor(tempDir('x'), { CHATBOT_BACKUP_PASSPHRASE: '' }), db, { output: outDir, encrypt: true })).rejects.toMatchObject({ status: 400 });
    } finally {
      await close();
    }
  });
});
