/**
 * `tenant export`, `tenant delete`, `tenant reindex` and `doctor` through the CLI's command runner,
 * on Postgres (real cascade, real pg-boss queue table) and PGlite.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandEnv } from '../../src/cli/command-table';
import { runCommand } from '../../src/cli/run-command';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { RuntimeDb } from '../../src/db/index';
import { createJobQueue } from '../../src/jobs/index';
import { tenantLanceTables, tenantLexicalSourceFile } from '../../src/ops/data-layout';
import { REINDEX_JOB } from '../../src/ops/tenant-lifecycle';
import { createSecretBox } from '../../src/secrets/secret-box';
import { testDrivers } from '../helpers/drivers';
import { seedTwoTenants, tenantTables } from '../helpers/seed';

const drivers = await testDrivers();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

for (const driver of drivers) {
  describe.skipIf(driver.skip)(`tenant lifecycle and doctor on ${driver.name}`, { timeout: 120_000 }, () => {
    it('exports, refuses and performs erasure, reindexes only when registered, and diagnoses', async () => {
      const { db, close } = await driver.open();
      const dataDir = mkdtempSync(join(tmpdir(), 'acb-tenant-'));
      dirs.push(dataDir);
      const key = generateSecretKey();
      const config = loadConfig({ CHATBOT_DATA_DIR: dataDir, CHATBOT_JWT_SECRET: 't'.repeat(40), CHATBOT_SECRET_KEYS: formatKeyring([key]), LOG_LEVEL: 'silent' });
      const env: CommandEnv = { config, db, secretBox: createSecretBox(config.secretKeys), inServer: false };
      const run = (...argv: string[]) => runCommand(argv, async () => ({ env, close: async () => {} }));
      try {
        const seed = await seedTwoTenants(db);
        const [chunksA] = tenantLanceTables(seed.a.tenantId);
        const [chunksB] = tenantLanceTables(seed.b.tenantId);
        const lance = await connect(join(dataDir, 'lancedb'));
        await lance.createTable(chunksA!, [{ text: 'A', vector: [1, 0] }]);
        await lance.createTable(chunksB!, [{ text: 'B', vector: [0, 1] }]);
        lance.close();
        // The keyword-search copies of each tenant's chunks beside the tables (@agent-chatbot/rag).
        const lexicalA = tenantLexicalSourceFile(join(dataDir, 'lancedb'), seed.a.tenantId);
        const lexicalB = tenantLexicalSourceFile(join(dataDir, 'lancedb'), seed.b.tenantId);
        writeFileSync(lexicalA, '{"chunks":["A"]}');
        writeFileSync(lexicalB, '{"chunks":["B"]}');
        mkdirSync(join(dataDir, 'files', seed.a.tenantId), { recursive: true });
        writeFileSync(join(dataDir, 'files', seed.a.tenantId, 'menu.pdf'), 'pdf');

        // Export: only A's rows (every tenant table has one seeded row each), no password hashes.
        const outDir = mkdtempSync(join(tmpdir(), 'acb-export-'));
        dirs.push(outDir);
        const exported = await run('tenant', 'export', seed.a.slug, '--output', outDir, '--json');
        expect(exported.stderr).toBe('');
        const result = JSON.parse(exported.stdout) as { path: string; tables: { name: string; rows: number }[]; lanceTables: string[]; files: boolean };
        expect(result.lanceTables).toEqual([chunksA]);
        expect(result.files).toBe(true);
        const tables = await tenantTables(db);
        const counts = async (tenantId: string) =>
          db.platform(async (tx) => {
            const out: Record<string, number> = {};
            for (const table of tables) {
              out[table] = Number((await tx.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE tenant_id = $1`, [tenantId])).rows[0]!.n);
            }
            return out;
          });
        const ofA = await counts(seed.a.tenantId);
        expect(ofA['public.messages']).toBe(1);
        for (const [table, n] of Object.entries(ofA)) expect(result.tables.find((t) => t.name === table)?.rows, table).toBe(n);
        const unpacked = join(outDir, 'x');
        mkdirSync(unpacked);
        execFileSync('tar', ['-xzf', result.path, '-C', unpacked]);
        const files = readdirSync(join(unpacked, 'database'));
        const users = readFileSync(join(unpacked, 'database', files.find((f) => f.endsWith('public.users.jsonl'))!), 'utf8');
        expect(users).toContain(seed.a.adminEmail);
        expect(users).not.toContain(seed.b.adminEmail);
        expect(users).not.toContain('password_hash');
        expect(readFileSync(join(unpacked, 'database', files.find((f) => f.endsWith('public.messages.jsonl'))!), 'utf8')).not.toContain(seed.b.tenantId);
        expect(existsSync(join(unpacked, 'lancedb', `${chunksA}.lance`))).toBe(true);
        expect(readFileSync(join(unpacked, 'files', 'menu.pdf'), 'utf8')).toBe('pdf');

        // Delete: refused without the matching slug; then A is gone everywhere and B untouched.
        const refused = await run('tenant', 'delete', seed.a.tenantId, '--confirm', seed.b.slug);
        expect(refused.exitCode).toBe(2);
        expect(refused.stderr).toContain(`--confirm ${seed.a.slug}`);
        const deleted = await run('tenant', 'delete', seed.a.tenantId, '--confirm', seed.a.slug, '--json');
        expect(JSON.parse(deleted.stdout)).toMatchObject({ lanceTablesDropped: [chunksA], filesRemoved: 1 });
        expect(Object.values(await counts(seed.a.tenantId)).every((n) => n === 0)).toBe(true);
        expect((await counts(seed.b.tenantId))['public.messages']).toBe(1);
        const check = await connect(join(dataDir, 'lancedb'));
        expect(await check.tableNames()).toEqual([chunksB]);
        check.close();
        expect(existsSync(lexicalA)).toBe(false);
        expect(readFileSync(lexicalB, 'utf8')).toBe('{"chunks":["B"]}');
        expect(existsSync(join(dataDir, 'files', seed.a.tenantId))).toBe(false);
        const erased = await db.platform((tx) => tx.query(`SELECT 1 FROM audit_log WHERE action = 'tenant.erased' AND target_id = $1 AND tenant_id IS NULL`, [seed.a.tenantId]));
        expect(erased.rowCount).toBe(1);
        expect((await run('tenant', 'export', seed.a.tenantId, '--output', outDir)).exitCode).toBe(1);

        // Reindex: fails clearly while no worker registered the job; queues once a worker did.
        const notYet = await run('tenant', 'reindex', seed.b.slug);
        expect(notYet.exitCode).toBe(1);
        expect(notYet.stderr).toMatch(/knowledge\.reindex/);
        const worker = createJobQueue(db as RuntimeDb, { schedule: false });
        worker.register(REINDEX_JOB, async () => {});
        await worker.start();
        await worker.stop();
        const queued = await run('tenant', 'reindex', seed.b.slug, '--json');
        expect(queued.stderr).toBe('');
        expect(JSON.parse(queued.stdout)).toMatchObject({ tenantId: seed.b.tenantId, queued: true });
        const job = await db.platform((tx) => tx.query<{ data: { tenantId: string; payload: { tenantId: string } } }>(`SELECT data FROM pgboss.job WHERE name = $1`, [REINDEX_JOB]));
        expect(job.rows[0]?.data).toEqual({ tenantId: seed.b.tenantId, payload: { tenantId: seed.b.tenantId } });

        // Doctor: a secret under a key missing from the keyring fails; healthy → exit 0; a tenant
        // table without forced RLS → exit 1 with the fix.
        const lostKey = await run('doctor');
        expect(lostKey.exitCode).toBe(1);
        expect(lostKey.stderr).toMatch(/✗ secrets .*seed \(1\)/);
        await db.platform((tx) => tx.query('UPDATE tenant_secrets SET key_id = $1', [key.id]));
        const healthy = await run('doctor', '--json');
        expect(healthy.stderr).toBe('');
        const report = JSON.parse(healthy.stdout) as { ok: boolean; checks: { name: string; status: string }[] };
        expect(report.ok).toBe(true);
        expect(Object.fromEntries(report.checks.map((c) => [c.name, c.status]))).toMatchObject({ database: 'ok', migrations: 'ok', rls: 'ok', 'data-dir': 'ok', lancedb: 'ok', secrets: 'ok', redis: 'skip' });
        // A platform LLM key saved by a platform admin: reported as the one in effect; a ciphertext
        // under a key missing from the keyring fails the secrets check.
        await db.platform((tx) =>
          tx.query(`INSERT INTO platform_settings (name, value, ciphertext, key_id) VALUES ('llm', '{"provider":"anthropic","cheap_model":"claude-3-5-haiku-latest"}', 'v1:gone:x:y:z', 'gone')`),
        );
        const savedLlm = await run('doctor');
        expect(savedLlm.exitCode).toBe(1);
        expect(savedLlm.stdout + savedLlm.stderr).toMatch(/saved in the console\): anthropic \(claude-3-5-haiku-latest/);
        expect(savedLlm.stderr).toMatch(/✗ secrets .*gone \(1\)/);
        await db.platform((tx) => tx.query(`DELETE FROM platform_settings WHERE name = 'llm'`));
        await db.platform((tx) => tx.query('ALTER TABLE contacts NO FORCE ROW LEVEL SECURITY'));
        const broken = await run('doctor');
        expect(broken.exitCode).toBe(1);
        expect(broken.stderr).toMatch(/✗ rls .*contacts/);
        expect(broken.stderr).toMatch(/app\.enable_tenant_rls/);
        await db.platform((tx) => tx.query('ALTER TABLE contacts FORCE ROW LEVEL SECURITY'));
        const badRedis = await runCommand(['doctor', '--json'], async () => ({
          env: { ...env, config: { ...config, redisUrl: 'redis://127.0.0.1:1' } },
          close: async () => {},
        }));
        expect(badRedis.exitCode).toBe(1);
        expect(JSON.parse(badRedis.stderr).error.details.report.checks.find((c: { name: string }) => c.name === 'redis').status).toBe('fail');
        const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
        const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probe.on('error', () => {});
        const redisUp = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
        probe.disconnect();
        if (!redisUp) console.warn(`[skip] Redis at ${redisUrl} does not answer; skipping doctor's Redis ok case`);
        else {
          const goodRedis = await runCommand(['doctor', '--json'], async () => ({ env: { ...env, config: { ...config, redisUrl } }, close: async () => {} }));
          expect(goodRedis.exitCode, goodRedis.stderr).toBe(0);
          expect((JSON.parse(goodRedis.stdout) as { checks: { name: string; status: string }[] }).checks.find((c) => c.name === 'redis')?.status).toBe('ok');
        }
      } finally {
        await close();
      }
    });
  });
}
