import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ConflictError } from '@agent-chatbot/core';
import { activeTransaction, enterScope, guardTx, NestedTransactionError, tenantScope } from './transaction';
import type { Db, QueryResult, Tx, TxOptions, TxScope } from './types';

/** A {@link Db} over one PGlite instance; `pglite` is exposed for pg-boss's adapter. */
export interface PgliteDb extends Db {
  readonly kind: 'pglite';
  readonly pglite: PGlite;
  /** The data folder, or undefined in memory. */
  readonly dir: string | undefined;
}

const INT8_OID = 20;

/**
 * Opens PGlite (Postgres in WebAssembly) in `dir`, or in memory when `dir` is `'memory'` or
 * omitted. PGlite has one connection and serialises work on it: `pglite.transaction()` holds an
 * exclusive lock that plain `query()` calls (pg-boss's adapter) also wait for, so transactions never
 * interleave. Opening a transaction inside another would wait forever; that throws
 * {@link NestedTransactionError} instead. A `<dir>.lock` file with the owner's pid stops a second
 * process from opening the same folder (which would corrupt it).
 */
export async function createPgliteDb(dir: string | 'memory' = 'memory'): Promise<PgliteDb> {
  const path = dir === 'memory' ? undefined : resolve(dir);
  const lockFile = path ? `${path}.lock` : undefined;
  if (path && lockFile) {
    mkdirSync(dirname(path), { recursive: true });
    takeLock(lockFile);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(path ?? 'memory://', { parsers: { [INT8_OID]: (v: string) => Number(v) } });
  } catch (error) {
    if (lockFile) rmSync(lockFile, { force: true });
    throw error;
  }

  const gate = createPriorityGate();

  async function run<T>(scope: TxScope, fn: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    if (activeTransaction.getStore()) throw new NestedTransactionError();
    await gate.acquire(options.priority ?? 'normal');
    try {
      return await transaction(scope, fn);
    } finally {
      gate.release();
    }
  }

  async function transaction<T>(scope: TxScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return pglite.transaction(async (inner) => {
      const raw: Tx = {
        async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
          const result = await inner.query<R>(sql, params as unknown[] | undefined);
          // Match pg's rowCount: rows returned for a statement with output, rows affected otherwise.
          const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
          return { rows: result.rows, rowCount };
        },
        async exec(sql: string): Promise<void> {
          await inner.exec(sql);
        },
      } as Tx;
      const { tx, close } = guardTx(raw);
      try {
        await enterScope(tx, scope);
        return await activeTransaction.run({ driver: 'pglite' }, () => fn(tx));
      } finally {
        close();
      }
    });
  }

  return {
    kind: 'pglite',
    pglite,
    dir: path,
    // async, so a bad tenant id is a rejected promise like every other failure.
    tenant: async (tenantId, fn, options) => run(tenantScope(tenantId), fn, options),
    anonymous: (fn) => run({ kind: 'anonymous' }, fn),
    platform: (fn) => run({ kind: 'platform' }, fn),
    close: async () => {
      try {
        await pglite.close();
      } finally {
        if (lockFile) rmSync(lockFile, { force: true });
      }
    },
  };
}

/** After this many `high` grants in a row, a waiting `normal` transaction goes first (no starvation). */
const MAX_HIGH_IN_A_ROW = 8;
/** How long queued transactions may run back to back before the event loop gets a turn (ms). */
const SLICE_MS = 4;

/**
 * The order our transactions reach PGlite's one connection: one at a time, `high` before `normal`
 * (FIFO within each), so a webhook acknowledgement waits for at most the transaction in progress,
 * not for every job transaction queued before it. pg-boss's own queries still interleave between.
 *
 * Queued `normal` transactions run back to back for at most {@link SLICE_MS}, then the gate yields
 * to the event loop (`setImmediate`): PGlite runs queries synchronously and resolves at once, so
 * without the yield a queue of job transactions would run in microtasks until it drained and
 * incoming requests would not even be read. A webhook that arrives meanwhile is then served first.
 */
export function createPriorityGate(): { acquire(priority: 'high' | 'normal'): Promise<void>; release(): void; readonly waiting: number } {
  let busy = false;
  let highInARow = 0;
  const high: Array<() => void> = [];
  const normal: Array<() => void> = [];
  let sliceStart = performance.now();
  const dispatch = () => {
    const takeHigh = high.length > 0 && (normal.length === 0 || highInARow < MAX_HIGH_IN_A_ROW);
    const next = takeHigh ? high.shift() : normal.shift();
    highInARow = takeHigh ? highInARow + 1 : 0;
    if (next) next();
    else busy = false;
  };
  return {
    get waiting() {
      return high.length + normal.length;
    },
    acquire(priority) {
      if (!busy) {
        busy = true;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => (priority === 'high' ? high : normal).push(resolve));
    },
    release() {
      // A waiting acknowledgement goes at once; anything else after one turn of the event loop.
      if (high.length > 0 && (normal.length === 0 || highInARow < MAX_HIGH_IN_A_ROW)) dispatch();
      else if (normal.length === 0) busy = false;
      else if (performance.now() - sliceStart < SLICE_MS) dispatch();
      else
        setImmediate(() => {
          sliceStart = performance.now();
          dispatch();
        });
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(lockFile: string): void {
  if (existsSync(lockFile)) {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) {
      throw new ConflictError(
        `The data folder is in use by process ${pid} (PGlite allows one process); stop it or use its control socket`,
        `Thư mục dữ liệu đang được tiến trình ${pid} sử dụng (PGlite chỉ cho một tiến trình); hãy dừng nó hoặc dùng control socket`,
        { code: 'data_dir_locked', details: { pid, lockFile } },
      );
    }
    if (pid === process.pid) {
      throw new ConflictError('The data folder is already open in this process', 'Thư mục dữ liệu đã được mở trong tiến trình này', {
        code: 'data_dir_locked',
        details: { lockFile },
      });
    }
  }
  // A stale lock (its process is gone) is replaced.
  writeFileSync(lockFile, String(process.pid), { mode: 0o600 });
}
