/**
 * `agent-chatbot backup` and `restore`: one `.tar.gz` (optionally AES-256-GCM encrypted) with
 * `manifest.json`, `database/` (the portable JSON-lines dump of {@link dumpTables}, plus a
 * `pg_dump` custom-format file on Postgres when `pg_dump` is installed, for manual `pg_restore`)
 * and `data/` (the data folder's LanceDB tables and stored files), plus `objects/<tenantId>/…`
 * (every stored file) when files live in an S3-compatible bucket. Restore reads the portable dump,
 * so an archive moves between PGlite and Postgres, and puts `objects/` into the configured storage,
 * so it also moves between a local folder and a bucket. LanceDB on object storage (`s3://…`) is not
 * archived: it is derived from the documents and rebuilt with `agent-chatbot tenant reindex`.
 */
import { isLocalUri } from '@agent-chatbot/rag';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ConflictError, ValidationError } from '@agent-chatbot/core';
import { create as tarCreate, extract as tarExtract } from 'tar';
import { z } from 'zod';
import type { RuntimeConfig } from '../config';
import { loadMigrations, migrate } from '../db/index';
import type { Db } from '../db/types';
import { decryptFile, encryptFile, isEncryptedArchive } from './archive-crypto';
import { createStorage, readAll, type ObjectStorage } from '../storage/index';
import { archivedEntries, folderSize, lancedbDir } from './data-layout';
import { assertEmpty, dumpTables, loadTables, tableCounts, withSnapshot } from './db-dump';

const manifestSchema = z.object({
  format: z.literal('agent-chatbot-backup'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  appVersion: z.string(),
  driver: z.enum(['postgres', 'pglite']),
  migrations: z.array(z.string()),
  tables: z.array(z.object({ name: z.string(), file: z.string(), rows: z.number().int().min(0), columns: z.array(z.string()) })),
  keyIds: z.array(z.string()),
  data: z.array(z.object({ name: z.string(), files: z.number(), bytes: z.number() })),
  pgDump: z.string().nullable(),
  /** Stored files copied from the S3-compatible bucket (absent or null: files are in `data/files`). */
  objects: z.object({ files: z.number(), bytes: z.number() }).nullable().optional(),
  /** `remote`: LanceDB lives on object storage and is not in the archive (reindex after restore). */
  lancedb: z.enum(['archived', 'remote']).optional(),
});

/** What a backup archive holds (its `manifest.json`). */
export type BackupManifest = z.infer<typeof manifestSchema>;

/** Options for {@link createBackup}. */
export interface BackupOptions {
  /** Archive path, or an existing folder (a dated name is chosen inside it). */
  output: string;
  /** Encrypt with `config.backupPassphrase`. */
  encrypt?: boolean;
  /** Keep only the newest N archives of this name pattern in the output folder. */
  keep?: number;
  /** Also run `pg_dump` on Postgres (default true when it is installed). */
  pgDump?: boolean;
}

/** What {@link createBackup} wrote. */
export interface BackupResult {
  path: string;
  bytes: number;
  encrypted: boolean;
  manifest: BackupManifest;
  pruned: string[];
}

const run = promisify(execFile);

function appVersion(): string {
  for (const candidate of ['../../package.json', '../package.json']) {
    try {
      return String((JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown');
    } catch {
      // next candidate (source tree vs bundle)
    }
  }
  return 'unknown';
}

/** Writes one backup archive of the database and the data folder. */
export async function createBackup(config: RuntimeConfig, db: Db, options: BackupOptions): Promise<BackupResult> {
  if (options.encrypt && !config.backupPassphrase) {
    throw new ValidationError('--encrypt needs CHATBOT_BACKUP_PASSPHRASE (at least 12 characters)', '--encrypt cần CHATBOT_BACKUP_PASSPHRASE (ít nhất 12 ký tự)');
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const wanted = resolve(options.output);
  const path = existsSync(wanted) && statSync(wanted).isDirectory() ? join(wanted, `agent-chatbot-${stamp}.tar.gz${options.encrypt ? '.enc' : ''}`) : wanted;
  mkdirSync(dirname(path), { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'acb-backup-'));
  try {
    mkdirSync(join(staging, 'database'));
    const { tables, migrations, keyIds, tenantIds } = await withSnapshot(db, async (tx) => ({
      tables: await dumpTables(tx, join(staging, 'database')),
      migrations: (await tx.query<{ version: string }>('SELECT version FROM app.schema_migrations ORDER BY version')).rows.map((r) => r.version),
      keyIds: (
        await tx.query<{ key_id: string }>(
          `SELECT DISTINCT key_id FROM (SELECT key_id FROM tenant_secrets UNION ALL SELECT key_id FROM channel_connections) k WHERE key_id IS NOT NULL ORDER BY 1`,
        )
      ).rows.map((r) => r.key_id),
      tenantIds: (await tx.query<{ id: string }>('SELECT id FROM tenants ORDER BY id')).rows.map((r) => r.id),
    }));
    // Files in a bucket are copied in; on the local driver they are already under data/files.
    const objects = config.storage?.s3 ? await withStorage(config, (storage) => downloadObjects(storage, tenantIds, join(staging, 'objects'))) : null;
    let pgDump: string | null = null;
    const url = (db as { url?: unknown }).url;
    if (db.kind === 'postgres' && typeof url === 'string' && (options.pgDump ?? true)) {
      // Best effort: a pg_dump older than the server refuses; the portable dump is what restore uses.
      try {
        await run('pg_dump', ['--format=custom', '--no-owner', '--file', join(staging, 'database', 'pg_dump.custom'), '--dbname', url], { timeout: 30 * 60_000 });
        pgDump = 'database/pg_dump.custom';
      } catch {
        pgDump = null;
      }
    }
    // The data folder's entries are linked in, not copied: tar follows the links while packing.
    mkdirSync(join(staging, 'data'));
    const entries = archivedEntries(config.dataDir).filter((name) => resolve(config.dataDir, name) !== path && !path.startsWith(`${resolve(config.dataDir, name)}/`));
    for (const name of entries) symlinkSync(join(config.dataDir, name), join(staging, 'data', name));
    const manifest: BackupManifest = {
      format: 'agent-chatbot-backup',
      formatVersion: 1,
      createdAt: new Date().toISOString(),
      appVersion: appVersion(),
      driver: db.kind,
      migrations,
      tables,
      keyIds,
      data: entries.map((name) => ({ name, ...folderSize(join(config.dataDir, name)) })),
      pgDump,
      objects,
      lancedb: isLocalUri(lancedbDir(config)) ? 'archived' : 'remote',
    };
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const plain = options.encrypt ? join(staging, 'archive.tar.gz') : `${path}.partial`;
    await tarCreate({ gzip: true, file: plain, cwd: staging, follow: true, portable: true }, ['manifest.json', 'database', 'data', ...(objects ? ['objects'] : [])]);
    if (options.encrypt) await encryptFile(plain, `${path}.partial`, config.backupPassphrase!);
    // Renamed only when complete, so retention never counts (or a restore never reads) half a file.
    renameSync(`${path}.partial`, path);
    const pruned = options.keep !== undefined ? pruneBackups(path, options.keep) : [];
    return { path, bytes: statSync(path).size, encrypted: options.encrypt === true, manifest, pruned };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function withStorage<T>(config: RuntimeConfig, fn: (storage: ObjectStorage) => Promise<T>): Promise<T> {
  const storage = createStorage(config);
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

/** Copies every stored file of the tenants into `dir/<tenantId>/<key>`. */
async function downloadObjects(storage: ObjectStorage, tenantIds: readonly string[], dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const tenantId of tenantIds) {
    for await (const key of storage.list(tenantId)) {
      const body = await readAll(await storage.get(tenantId, key));
      const target = join(dir, tenantId, key);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, body);
      files += 1;
      bytes += body.byteLength;
    }
  }
  return { files, bytes };
}

/** Puts every file under `dir/<tenantId>/<key>` into the storage; returns how many. */
async function uploadObjects(storage: ObjectStorage, dir: string): Promise<number> {
  let count = 0;
  for (const tenantId of readdirSync(dir)) {
    const walk = async (relative: string): Promise<void> => {
      for (const entry of readdirSync(join(dir, tenantId, relative), { withFileTypes: true })) {
        const key = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory()) await walk(key);
        else if (entry.isFile()) {
          await storage.put(tenantId, key, readFileSync(join(dir, tenantId, key)));
          count += 1;
        }
      }
    };
    await walk('');
  }
  return count;
}

/**
 * Retention: keeps the newest `keep` archives in `latest`'s folder that share its name pattern
 * (the name up to its first digit, and the same extension), deletes the rest, returns them.
 */
export function pruneBackups(latest: string, keep: number): string[] {
  if (!Number.isInteger(keep) || keep < 1) throw new ValidationError('--keep must be a whole number ≥ 1', '--keep phải là số nguyên ≥ 1');
  const folder = dirname(latest);
  const name = basename(latest);
  const prefix = name.slice(0, name.search(/\d/) === -1 ? name.length : name.search(/\d/));
  const ext = name.endsWith('.tar.gz.enc') ? '.tar.gz.enc' : '.tar.gz';
  const siblings = readdirSync(folder)
    .filter((f) => f.startsWith(prefix) && f.endsWith(ext) && (ext === '.tar.gz.enc' || !f.endsWith('.enc')))
    .map((f) => ({ f, mtime: statSync(join(folder, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || b.f.localeCompare(a.f));
  const doomed = siblings.filter((s) => s.f !== name).slice(Math.max(keep - 1, 0)).map((s) => join(folder, s.f));
  for (const file of doomed) unlinkSync(file);
  return doomed;
}

/** Unpacks (and decrypts) an archive into a temporary folder; the caller removes it. */
export async function openBackup(config: RuntimeConfig, path: string): Promise<{ dir: string; manifest: BackupManifest }> {
  const file = resolve(path);
  if (!existsSync(file)) throw new ValidationError(`Backup not found: ${file}`, `Không tìm thấy bản sao lưu: ${file}`);
  const dir = mkdtempSync(join(tmpdir(), 'acb-restore-'));
  try {
    let archive = file;
    if (isEncryptedArchive(file)) {
      if (!config.backupPassphrase) throw new ValidationError('This backup is encrypted: set CHATBOT_BACKUP_PASSPHRASE', 'Bản sao lưu được mã hoá: hãy đặt CHATBOT_BACKUP_PASSPHRASE');
      archive = join(dir, 'archive.tar.gz');
      await decryptFile(file, archive, config.backupPassphrase);
    }
    const out = join(dir, 'x');
    mkdirSync(out);
    await tarExtract({ file: archive, cwd: out, strict: true }).catch(() => {
      throw new ValidationError('Not a readable agent-chatbot backup archive', 'Không đọc được tệp sao lưu agent-chatbot');
    });
    const parsed = manifestSchema.safeParse(existsSync(join(out, 'manifest.json')) ? JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) : undefined);
    if (!parsed.success) throw new ValidationError('The archive has no valid manifest.json', 'Tệp sao lưu thiếu manifest.json hợp lệ');
    return { dir: out, manifest: parsed.data };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** What {@link restoreBackup} did. */
export interface RestoreResult {
  manifest: BackupManifest;
  rows: Record<string, number>;
  dataEntries: string[];
  /** Stored files put into the configured storage from the archive's `objects/`. */
  objectsRestored: number;
  /** True when the archive holds no LanceDB (it was on object storage): run `tenant reindex`. */
  reindexNeeded: boolean;
}

/**
 * Restores an archive into the configured database, which must be migrated and empty, and its
 * data folder (whose archived entries must not exist yet). Row counts are checked against the
 * manifest inside the loading transaction: a mismatch rolls everything back.
 */
export async function restoreBackup(config: RuntimeConfig, db: Db, path: string): Promise<RestoreResult> {
  const { dir, manifest } = await openBackup(config, path);
  try {
    const known = new Set(loadMigrations().map((m) => m.version));
    const unknown = manifest.migrations.filter((v) => !known.has(v));
    if (unknown.length) {
      throw new ConflictError(
        `The backup comes from a newer version (migrations ${unknown.join(', ')}); upgrade agent-chatbot first`,
        `Bản sao lưu từ phiên bản mới hơn (migration ${unknown.join(', ')}); hãy nâng cấp agent-chatbot trước`,
      );
    }
    const dataEntries = existsSync(join(dir, 'data')) ? readdirSync(join(dir, 'data')) : [];
    const busy = dataEntries.filter((name) => existsSync(join(config.dataDir, name)) && folderSize(join(config.dataDir, name)).files > 0);
    if (busy.length) {
      throw new ConflictError(
        `The data folder already has ${busy.join(', ')}; restore into an empty data folder (${config.dataDir})`,
        `Thư mục dữ liệu đã có ${busy.join(', ')}; hãy khôi phục vào thư mục dữ liệu trống (${config.dataDir})`,
      );
    }
    await migrate(db);
    const rows = await db.platform(async (tx) => {
      await assertEmpty(tx);
      await loadTables(tx, join(dir, 'database'), manifest.tables);
      const counts = await tableCounts(tx, manifest.tables.map((t) => t.name));
      const wrong = manifest.tables.filter((t) => counts[t.name] !== t.rows).map((t) => `${t.name}: ${counts[t.name]} ≠ ${t.rows}`);
      if (wrong.length) throw new ConflictError(`Row counts differ from the manifest (${wrong.join('; ')})`, `Số dòng khác manifest (${wrong.join('; ')})`);
      return counts;
    });
    mkdirSync(config.dataDir, { recursive: true });
    for (const name of dataEntries) cpSync(join(dir, 'data', name), join(config.dataDir, name), { recursive: true, force: false, errorOnExist: false });
    const objectsRestored = existsSync(join(dir, 'objects')) ? await withStorage(config, (storage) => uploadObjects(storage, join(dir, 'objects'))) : 0;
    await migrate(db);
    return { manifest, rows, dataEntries, objectsRestored, reindexNeeded: manifest.lancedb === 'remote' };
  } finally {
    rmSync(resolve(dir, '..'), { recursive: true, force: true });
  }
}
