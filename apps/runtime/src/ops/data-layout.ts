/**
 * Where a runtime keeps data outside the database, as backups, tenant export/delete and doctor
 * see it: everything under the data folder except the entries below is data worth keeping.
 *
 * - `<dataDir>/lancedb/`  LanceDB (one chunk table `kb_<hash>` and one manifest table
 *   `kb_<hash>_docs` per tenant, named as `@agent-chatbot/rag` names them; see
 *   `packages/rag/src/store/keys.ts`), and beside them `kb_<hash>.lexical.json`, the tenant's
 *   live chunks kept for keyword search (a cache of the tables; rebuilt when missing or stale).
 * - `<dataDir>/files/<tenantId>/…`  stored uploads on the local storage driver.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chunkTableName, documentTableName, LEXICAL_SOURCE_SUFFIX } from '@agent-chatbot/rag';

/** Data-folder entries never archived: the live PGlite files (dumped logically instead), the
 * secrets file (keys belong in a vault, not next to the data they protect), sockets, backups. */
export const NOT_ARCHIVED = ['pglite', 'pglite.lock', 'secrets.json', 'control.sock', 'backups'];

/**
 * The LanceDB location: `CHATBOT_LANCEDB_URI` when set (the knowledge settings), else
 * `<dataDir>/lancedb`. An object-store URI (`s3://…`) is returned as is.
 */
export function lancedbDir(config: { readonly dataDir: string; readonly knowledge?: { readonly lancedbUri?: string } }): string {
  return config.knowledge?.lancedbUri ?? join(config.dataDir, 'lancedb');
}

/** The local stored-files folder of a data folder. */
export function filesDir(dataDir: string): string {
  return join(dataDir, 'files');
}

/** The LanceDB table names of a tenant (chunks and document manifest); the tenant id is its rag namespace. */
export function tenantLanceTables(tenantId: string): string[] {
  return [chunkTableName(tenantId), documentTableName(tenantId)];
}

/** What rag appends to a chunk table's name to name the namespace's manifest table (`_docs`). */
const MANIFEST_TABLE_SUFFIX = documentTableName('-').slice(chunkTableName('-').length);

/** The chunk tables (`kb_<hash>`, without `.lance`) among the entries of a local LanceDB folder. */
export function localChunkTables(entries: readonly string[]): string[] {
  return entries
    .filter((entry) => entry.endsWith('.lance'))
    .map((entry) => entry.slice(0, -'.lance'.length))
    .filter((table) => !table.endsWith(MANIFEST_TABLE_SUFFIX));
}

/** The tenant's lexical source file beside its tables in a local LanceDB folder (see above). */
export function tenantLexicalSourceFile(lanceDir: string, tenantId: string): string {
  return join(lanceDir, `${chunkTableName(tenantId)}${LEXICAL_SOURCE_SUFFIX}`);
}

/** The folder of a tenant's stored files on the local storage driver. */
export function tenantFilesDir(dataDir: string, tenantId: string): string {
  return join(filesDir(dataDir), tenantId);
}

/** The data-folder entries a backup archives (top-level names). */
export function archivedEntries(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir)
    .filter((name) => !NOT_ARCHIVED.includes(name) && !name.endsWith('.sock') && !name.endsWith('.lock') && !name.startsWith('.'))
    .filter((name) => {
      const stat = lstatSync(join(dataDir, name));
      return stat.isDirectory() || stat.isFile();
    })
    .sort();
}

/** Number of files and bytes under a path (0 when it does not exist). */
export function folderSize(path: string): { files: number; bytes: number } {
  if (!existsSync(path)) return { files: 0, bytes: 0 };
  const stat = lstatSync(path);
  if (stat.isFile()) return { files: 1, bytes: stat.size };
  if (!stat.isDirectory()) return { files: 0, bytes: 0 };
  let files = 0;
  let bytes = 0;
  for (const name of readdirSync(path)) {
    const inner = folderSize(join(path, name));
    files += inner.files;
    bytes += inner.bytes;
  }
  return { files, bytes };
}
