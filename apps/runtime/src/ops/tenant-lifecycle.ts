/**
 * Tenant lifecycle: export (portability), delete (erasure) and reindex.
 *
 * - Export: one `.tar.gz` with `manifest.json`, `database/*.jsonl` (every row of the tenant's
 *   tables, its `tenants` row, and its members' user records without password hashes),
 *   `lancedb/` (its LanceDB tables) and `files/` (its stored uploads).
 * - Delete: one platform transaction deletes the `tenants` row (every tenant table cascades),
 *   records `tenant.erased` in the platform audit log, then drops its LanceDB tables and files.
 * - Reindex: enqueues `knowledge.reindex` `{ tenantId }` for the knowledge worker.
 */
import { isLocalUri } from '@agent-chatbot/rag';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConflictError, ValidationError } from '@agent-chatbot/core';
import { create as tarCreate } from 'tar';
import type { RuntimeConfig } from '../config';
import type { RuntimeDb } from '../db/index';
import type { Db } from '../db/types';
import { createJobQueue, type JobQueue } from '../jobs/index';
import { createStorage, readAll } from '../storage/index';
import { getTenant, type TenantSummary } from '../tenants/tenant-service';
import { lancedbDir, tenantFilesDir, tenantLanceTables, tenantLexicalSourceFile } from './data-layout';
import { applicationTables, dumpTables, withSnapshot, type DumpedTable } from './db-dump';

/** The job the knowledge feature registers to rebuild a tenant's LanceDB table. */
export const REINDEX_JOB = 'knowledge.reindex';

/** What {@link exportTenant} wrote. */
export interface TenantExportResult {
  tenant: TenantSummary;
  path: string;
  bytes: number;
  tables: DumpedTable[];
  lanceTables: string[];
  files: boolean;
}

/** Writes every row and file of one tenant into one archive. */
export async function exportTenant(config: RuntimeConfig, db: Db, idOrSlug: string, output: string): Promise<TenantExportResult> {
  const tenant = await getTenant(db, idOrSlug);
  const wanted = resolve(output);
  const path = existsSync(wanted) && statSync(wanted).isDirectory() ? join(wanted, `tenant-${tenant.slug}-${new Date().toISOString().slice(0, 10)}.tar.gz`) : wanted;
  mkdirSync(dirname(path), { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'acb-tenant-export-'));
  try {
    mkdirSync(join(staging, 'database'));
    const tables = await withSnapshot(db, async (tx) => {
      const all = await applicationTables(tx);
      return dumpTables(tx, join(staging, 'database'), {
        tables: all,
        filter: (table, columns) => {
          if (table === 'public.tenants') return { sql: 't.id = $2::uuid', params: [tenant.id] };
          if (table === 'public.users') {
            return { sql: 't.id IN (SELECT user_id FROM memberships WHERE tenant_id = $2::uuid)', params: [tenant.id], omit: ['password_hash'] };
          }
          return columns.includes('tenant_id') ? { sql: 't.tenant_id = $2::uuid', params: [tenant.id] } : null;
        },
      });
    });
    const lanceTables: string[] = [];
    for (const name of tenantLanceTables(tenant.id)) {
      const dir = join(lancedbDir(config), `${name}.lance`);
      if (existsSync(dir)) {
        cpSync(dir, join(staging, 'lancedb', `${name}.lance`), { recursive: true });
        lanceTables.push(name);
      }
    }
    // Through the storage driver, so files in an S3-compatible bucket are exported too.
    const files = (await copyTenantFiles(config, tenant.id, join(staging, 'files'))) > 0;
    const manifest = {
      format: 'agent-chatbot-tenant-export',
      formatVersion: 1,
      createdAt: new Date().toISOString(),
      tenant,
      tables,
      lanceTables,
      files,
    };
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await tarCreate({ gzip: true, file: path, cwd: staging, portable: true }, ['manifest.json', 'database', ...(lanceTables.length ? ['lancedb'] : []), ...(files ? ['files'] : [])]);
    return { tenant, path, bytes: statSync(path).size, tables, lanceTables, files };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Copies every stored file of a tenant (local folder or bucket) into `dir`; returns how many. */
async function copyTenantFiles(config: RuntimeConfig, tenantId: string, dir: string): Promise<number> {
  const storage = createStorage(config);
  let count = 0;
  try {
    for await (const key of storage.list(tenantId)) {
      const target = join(dir, key);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, await readAll(await storage.get(tenantId, key)));
      count += 1;
    }
  } finally {
    await storage.close();
  }
  return count;
}

/** What {@link deleteTenant} removed. */
export interface TenantDeleteResult {
  tenant: TenantSummary;
  lanceTablesDropped: string[];
  /** Stored files deleted (local folder or S3 bucket). */
  filesRemoved: number;
}

/**
 * Erases a tenant. `confirmSlug` must equal the tenant's slug (a typo never erases the wrong shop).
 * Database rows go in one transaction; LanceDB tables and files after it commits.
 */
export async function deleteTenant(config: RuntimeConfig, db: Db, idOrSlug: string, confirmSlug: string | undefined): Promise<TenantDeleteResult> {
  const tenant = await getTenant(db, idOrSlug);
  if (confirmSlug !== tenant.slug) {
    throw new ValidationError(
      `Refusing to erase tenant ${tenant.slug}: pass --confirm ${tenant.slug} (erasure cannot be undone)`,
      `Không xoá cửa hàng ${tenant.slug}: hãy thêm --confirm ${tenant.slug} (xoá vĩnh viễn, không hoàn tác được)`,
      { details: { slug: tenant.slug } },
    );
  }
  await db.platform(async (tx) => {
    const { rowCount } = await tx.query('DELETE FROM tenants WHERE id = $1::uuid', [tenant.id]);
    if (rowCount !== 1) throw new ConflictError('The tenant changed while being deleted', 'Cửa hàng đã thay đổi trong lúc xoá');
    // Kept outside the tenant (its own audit rows are erased with it): who erased what, when.
    await tx.query(
      `INSERT INTO audit_log (tenant_id, actor_kind, action, target_type, target_id, details) VALUES (NULL, 'cli', 'tenant.erased', 'tenant', $1, $2::jsonb)`,
      [tenant.id, JSON.stringify({ slug: tenant.slug })],
    );
  });
  const lanceTablesDropped: string[] = [];
  const lanceDir = lancedbDir(config);
  if (!isLocalUri(lanceDir) || existsSync(lanceDir)) {
    const { connect } = await import('@lancedb/lancedb');
    const connection = await connect(lanceDir);
    try {
      const names = await connection.tableNames();
      for (const name of tenantLanceTables(tenant.id)) {
        if (names.includes(name)) {
          await connection.dropTable(name);
          lanceTablesDropped.push(name);
        }
      }
    } finally {
      connection.close();
    }
    // The keyword-search copy of the tenant's chunks (texts included) goes with its tables.
    if (isLocalUri(lanceDir)) rmSync(tenantLexicalSourceFile(lanceDir, tenant.id), { force: true });
  }
  // Through the storage driver, so an S3 bucket is erased too; then the local folder's empty dirs.
  const storage = createStorage(config);
  let filesRemoved: number;
  try {
    filesRemoved = await storage.deletePrefix(tenant.id, '');
  } finally {
    await storage.close();
  }
  rmSync(tenantFilesDir(config.dataDir, tenant.id), { recursive: true, force: true });
  return { tenant, lanceTablesDropped, filesRemoved };
}

/**
 * Enqueues `knowledge.reindex` for a tenant. Uses `jobs` (the server's queue, over the control
 * socket) when given, else a short-lived queue on the configured database. Fails clearly when no
 * process has ever registered the job (the knowledge worker is not deployed).
 */
export async function reindexTenant(db: Db, idOrSlug: string, jobs?: JobQueue): Promise<{ tenant: TenantSummary; jobId: string | null }> {
  const tenant = await getTenant(db, idOrSlug);
  const notRegistered = () =>
    new ConflictError(
      `No worker has registered the ${REINDEX_JOB} job: start serve/worker with the knowledge feature, then retry`,
      `Chưa có worker nào đăng ký job ${REINDEX_JOB}: hãy chạy serve/worker có tính năng tri thức (knowledge) rồi thử lại`,
      { details: { job: REINDEX_JOB } },
    );
  const exists = await db.platform(async (tx) => {
    const { rows } = await tx.query<{ ok: boolean }>(`SELECT to_regclass('pgboss.queue') IS NOT NULL AS ok`);
    if (!rows[0]?.ok) return false;
    return (await tx.query('SELECT 1 FROM pgboss.queue WHERE name = $1', [REINDEX_JOB])).rowCount > 0;
  });
  if (!exists) throw notRegistered();
  const enqueue = (queue: JobQueue) =>
    db.platform((tx) => queue.enqueue(tx, REINDEX_JOB, { tenantId: tenant.id }, { tenantId: tenant.id, singletonKey: `reindex:${tenant.id}` }));
  if (jobs) {
    try {
      return { tenant, jobId: await enqueue(jobs) };
    } catch (error) {
      if (/was not declared/.test((error as Error).message)) throw notRegistered();
      throw error;
    }
  }
  // A bare pg-boss client: JobQueue.start() would reset the queue's settings to our defaults,
  // overwriting the ones the knowledge feature declared. The envelope is the one JobQueue writes.
  // CLI environments always hold a RuntimeDb (Postgres or PGlite); CommandEnv types it as Db.
  const { boss } = createJobQueue(db as RuntimeDb, { schedule: false });
  await boss.start();
  try {
    const jobId = await boss.send(REINDEX_JOB, { tenantId: tenant.id, payload: { tenantId: tenant.id } }, { singletonKey: `reindex:${tenant.id}` });
    return { tenant, jobId };
  } finally {
    await boss.stop({ graceful: false, close: true, timeout: 2000 });
  }
}
