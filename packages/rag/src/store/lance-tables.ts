import type * as LanceDb from '@lancedb/lancedb';
import type { Connection, Table } from '@lancedb/lancedb';
import type { Schema } from 'apache-arrow';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

let lanceModule: Promise<typeof LanceDb> | undefined;

/**
 * The `@lancedb/lancedb` module, imported on first use. Its native library (a 125 MiB `.node`
 * file plus a Tokio thread pool) costs a process about 40 MiB of RSS as soon as it is loaded, and
 * ~120 MiB once tables are read; a process that never touches knowledge (the worker, CLI commands,
 * a runtime whose tenants have no FAQ or documents yet) does not pay for it.
 */
export function lanceDb(): Promise<typeof LanceDb> {
  lanceModule ??= import('@lancedb/lancedb');
  return lanceModule;
}

/** True when a LanceDB URI is a local folder (not `s3://`, `gs://`, `file://`, …). */
export function isLocalUri(uri: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
}

const U64_MAX = 2n ** 64n - 1n;

/**
 * A local table's latest version and identity read from its folder, without LanceDB: Lance
 * writes one manifest per commit to `<name>.lance/_versions/`, named `<version>.manifest` or, in
 * its newer scheme, `<2^64 − 1 − version>` zero-padded to 20 digits. `lineage` is the folder's
 * inode and birth time, so a table dropped and created again never passes for the old one. `{ version: 0 }`
 * when the table does not exist; `undefined` when the folder cannot be read as expected (the
 * caller then asks LanceDB). A test checks this against `Table.version()` for every kind of write.
 */
export async function localTableState(dir: string, name: string): Promise<{ version: number; lineage: string } | undefined> {
  const tableDir = join(dir, `${name}.lance`);
  let lineage: string;
  try {
    const info = await stat(tableDir, { bigint: true });
    lineage = `${info.ino}-${info.birthtimeNs}`;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { version: 0, lineage: '' } : undefined;
  }
  let names: string[];
  try {
    names = await readdir(join(tableDir, '_versions'));
  } catch {
    return undefined;
  }
  let latest = 0n;
  for (const file of names) {
    const match = /^(\d+)\.manifest$/.exec(file);
    if (!match) continue;
    const value = BigInt(match[1]!);
    const version = match[1]!.length === 20 ? U64_MAX - value : value;
    if (version > latest) latest = version;
  }
  return latest > 0n ? { version: Number(latest), lineage } : undefined;
}

/** Options for {@link LanceTables}. */
export interface LanceTablesOptions {
  /** A local folder (`./data/lancedb`) or an object-store URI (`s3://bucket/prefix`). */
  readonly uri: string;
  /** Seconds between checks for other processes' writes (LanceDB `readConsistencyInterval`). */
  readonly readConsistencyIntervalSeconds?: number;
  /** LanceDB object-storage options (credentials, endpoint) for `s3://` URIs. */
  readonly storageOptions?: Record<string, string>;
}

/** Opens LanceDB tables lazily, caches handles and serialises writes per table. */
export class LanceTables {
  private connection: Promise<Connection> | undefined;
  private readonly tables = new Map<string, Table>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: LanceTablesOptions) {}

  private connect(): Promise<Connection> {
    this.connection ??= lanceDb().then(({ connect }) =>
      connect(this.options.uri, {
        readConsistencyInterval: this.options.readConsistencyIntervalSeconds ?? 1,
        ...(this.options.storageOptions ? { storageOptions: this.options.storageOptions } : {}),
      }),
    );
    return this.connection;
  }

  /** The table, or `undefined` when it does not exist yet. */
  async open(name: string): Promise<Table | undefined> {
    const cached = this.tables.get(name);
    if (cached) return cached;
    const connection = await this.connect();
    const names = await connection.tableNames();
    if (!names.includes(name)) return undefined;
    const table = await connection.openTable(name);
    this.tables.set(name, table);
    return table;
  }

  /** The table, created empty with `schema` when missing. */
  async openOrCreate(name: string, schema: Schema): Promise<Table> {
    const existing = await this.open(name);
    if (existing) return existing;
    const connection = await this.connect();
    const table = await connection.createEmptyTable(name, schema, { existOk: true });
    this.tables.set(name, table);
    return table;
  }

  /** Drops a table if it exists. */
  async drop(name: string): Promise<void> {
    const connection = await this.connect();
    this.tables.get(name)?.close();
    this.tables.delete(name);
    if ((await connection.tableNames()).includes(name)) await connection.dropTable(name);
  }

  /** Runs `work` after every earlier write to `key` finished (LanceDB commits are optimistic). */
  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    this.locks.set(key, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }
  }

  /** Closes every table handle and the connection. */
  async close(): Promise<void> {
    for (const table of this.tables.values()) table.close();
    this.tables.clear();
    if (this.connection) (await this.connection).close();
    this.connection = undefined;
  }
}
