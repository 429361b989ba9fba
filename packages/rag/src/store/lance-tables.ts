import type * as LanceDb from '@lancedb/lancedb';
import type { Connection, Table } from '@lancedb/lancedb';
import type { Schema } from 'apache-arrow';

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
