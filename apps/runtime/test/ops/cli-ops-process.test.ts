/**
 * `restore` and `doctor` as real `agent-chatbot` processes on a PGlite data folder (the CLI opens
 * the database without migrating for doctor, and migrates before restore), from an encrypted
 * backup of another folder made in-process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig, parseKeyring } from '../../src/config';
import { runCommand } from '../../src/cli/run-command';
import { createSecretBox } from '../../src/secrets/secret-box';
import { createPgliteDb, migrate } from '../../src/db/index';
import { createTenantWithAdmin } from '../../src/tenants/tenant-service';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const runtimeDir = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'acb-ops-cli-'));
const keys = formatKeyring([generateSecretKey()]);
const baseEnv = {
  ...process.env,
  DATABASE_URL: '',
  REDIS_URL: '',
  SMTP_URL: '',
  LOG_LEVEL: 'silent',
  PORT: '0',
  CHATBOT_JWT_SECRET: 'c'.repeat(40),
  CHATBOT_SECRET_KEYS: keys,
  CHATBOT_BACKUP_PASSPHRASE: 'a long backup passphrase',
};

function runCli(env: Record<string, string | undefined>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: runtimeDir, env: { ...baseEnv, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('backup, restore and doctor as processes (PGlite)', { timeout: 120_000 }, () => {
  it('moves a data folder through an encrypted archive and diagnoses both ends', async () => {
    const source = { CHATBOT_DATA_DIR: join(root, 'source') };
    // The source folder is prepared in-process (one process spawn fewer: each costs seconds).
    const db = await createPgliteDb(join(source.CHATBOT_DATA_DIR, 'pglite'));
    await migrate(db);
    await createTenantWithAdmin(db, { name: 'Quán Phở Hà Nội', adminEmail: 'pho@example.vn', adminPassword: 'pho-bo-tai-chin' }, { kind: 'cli' });
    const backup = await runCommand(['backup', '--output', join(root, 'archives'), '--encrypt', '--keep', '3', '--json'], async () => ({
      env: { config: loadConfig({ ...baseEnv, ...source }), db, secretBox: createSecretBox(parseKeyring(keys)), inServer: false },
      close: () => db.close(),
    }));
    expect(backup.exitCode, backup.stderr).toBe(0);
    const { path, manifest } = JSON.parse(backup.stdout) as { path: string; manifest: { tables: { name: string; rows: number }[] } };
    expect(manifest.tables.find((t) => t.name === 'public.tenants')?.rows).toBe(1);

    const target = { CHATBOT_DATA_DIR: join(root, 'target') };
    const restored = await runCli(target, 'restore', path);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/Đã khôi phục \/ Restored/);

    const doctor = await runCli(target, 'doctor');
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/✓ rls/);
    expect(doctor.stdout).toMatch(/Mọi kiểm tra bắt buộc đều đạt \/ All required checks pass/);
    const restoredDb = await createPgliteDb(join(target.CHATBOT_DATA_DIR, 'pglite'));
    try {
      const { rows } = await restoredDb.platform((tx) => tx.query<{ slug: string }>('SELECT slug FROM tenants'));
      expect(rows).toEqual([{ slug: 'quan-pho-ha-noi' }]);
    } finally {
      await restoredDb.close();
    }
  });
});
