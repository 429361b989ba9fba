import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { messages as pgMessages, PGlite, protocol, type Results } from '@electric-sql/pglite';
import { ConflictError } from '@agent-chatbot/core';
import { pipelinedQueries, type PipelinedStatement } from './pglite-pipelined-query';
import { readPgliteTemplate, restorePgliteTemplate } from './pglite-template';
import { defaultTemplatePath, discardPrestagedTemplate, holdsPgliteDatabase, livePidOf } from './pglite-template-extract';
import { activeTransaction, guardTx, NestedTransactionError, scopeStatements, tenantScope } from './transaction';
import type { Db, QueryResult, Tx, TxOptions, TxScope } from './types';

/** A {@link Db} over one PGlite instance; `pglite` is exposed for pg-boss's adapter. */
export interface PgliteDb extends Db {
  readonly kind: 'pglite';
  readonly pglite: PGlite;
  /** The data folder, or undefined in memory. */
  readonly dir: string | undefined;
  /**
   * How the data folder came to be: it was `existing`, restored from the build's `template`, or made
   * by `initdb` (with the reason the template was not used, if there was one to try); `memory`
   * in memory (with `template` when it loaded one).
   */
  readonly origin: PgliteOrigin;
  /**
   * Vacuums and analyses the tables autovacuum would pick now. A timer also does it: every 5 s it
   * checks; small tables are done at once, larger ones in a quiet moment (or after waiting 5
   * minutes for one).
   */
  vacuum(): Promise<void>;
}

const INT8_OID = 20;
/** The channel migration 0028's triggers notify on a change to the rows the hot path caches. */
const ROWS_CHANGED_CHANNEL = 'acb_rows_changed';

/** See {@link PgliteDb.origin}. */
export type PgliteOrigin =
  | { readonly from: 'existing' }
  | { readonly from: 'memory'; readonly template?: true }
  | { readonly from: 'template'; readonly ms: number; readonly background?: true }
  | { readonly from: 'initdb'; readonly ms: number; readonly templateSkipped?: string };

/** Options of {@link createPgliteDb}. */
export interface PgliteDbOptions {
  /** Postgres `shared_buffers` (default `16MB`, PGlite's own default is 128MB): the page cache in the WebAssembly heap. */
  readonly sharedBuffers?: string;
  /**
   * How often to check whether a `VACUUM (ANALYZE)` is due (default 5 s; 0 = never). PGlite runs
   * Postgres in single-user mode, where autovacuum does not exist.
   */
  readonly vacuumCheckMs?: number;
  /**
   * A due table up to this size (table and indexes, default 2 MiB) is vacuumed at the check even
   * while transactions keep coming: that takes a few milliseconds, and waiting is what hurts. A
   * table analysed while it was tiny keeps plans (foreign-key checks included) that scan it whole
   * until it is analysed again, while it keeps growing and bloating under load: while this waited
   * for a quiet moment, a busy runtime spent ~35 % more CPU per answer (ADR 0007).
   */
  readonly vacuumAnyTimeMaxBytes?: number;
  /**
   * A due vacuum of a larger table waits for this long without any transaction (default 2 s):
   * vacuuming a big, busy table (pg-boss's jobs) takes the one connection for up to a few hundred
   * milliseconds, which a burst of webhooks would feel. It waits at most
   * {@link PgliteDbOptions.vacuumMaxDeferMs}.
   */
  readonly vacuumQuietMs?: number;
  /** The longest a due vacuum of a larger table waits for a quiet moment (default 5 minutes); then it runs anyway. */
  readonly vacuumMaxDeferMs?: number;
  /**
   * The pre-initialised data folder (`pglite-template.tar.gz`, see {@link restorePgliteTemplate})
   * an empty folder starts from; default: the one the build put in `dist/`. `null` = always initdb.
   * In memory only a template named here is used (tests: a migrated database without initdb);
   * by default a memory database starts empty.
   */
  readonly template?: string | null;
}

/**
 * Opens PGlite (Postgres in WebAssembly) in `dir`, or in memory when `dir` is `'memory'` or
 * omitted. PGlite has one connection and serialises work on it: `pglite.transaction()` holds an
 * exclusive lock that plain `query()` calls (pg-boss's adapter) also wait for, so transactions never
 * interleave. Opening a transaction inside another would wait forever; that throws
 * {@link NestedTransactionError} instead. A `<dir>.lock` file with the owner's pid stops a second
 * process from opening the same folder (which would corrupt it).
 *
 * An empty folder starts as a copy of the template the build made (initdb, migrations and pg-boss's
 * schema already done: see ADR 0009) when it matches this runtime; otherwise it is initialised
 * (initdb) in a short-lived child process: PGlite keeps the memory
 * initdb used (about 450 MiB) for the life of the process, so doing it here would leave a runtime
 * holding ~700 MiB instead of ~160 MiB. `shared_buffers` defaults to 16MB: the OS page cache
 * still caches the data files, and the embedded default serves small shops.
 */
export async function createPgliteDb(dir: string | 'memory' = 'memory', options: PgliteDbOptions = {}): Promise<PgliteDb> {
  const path = dir === 'memory' ? undefined : resolve(dir);
  const lockFile = path ? `${path}.lock` : undefined;
  if (path && lockFile) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      takeLock(lockFile);
    } catch (error) {
      // Another process holds the folder: an extraction started early for it is not ours to use.
      await discardPrestagedTemplate(path);
      throw error;
    }
  }
  let pglite: PGlite;
  let origin: PgliteOrigin = { from: path ? 'existing' : 'memory' };
  // ADR 0017: PGlite hands this connection's own notifications to listeners (in a microtask queued
  // while the COMMIT's response is read, so before the committing transaction's promise settles).
  let rowsVersion = 0;
  try {
    if (path && !holdsPgliteDatabase(path)) origin = await initDataDir(path, options.template);
    // In memory PGlite runs initdb in this process, unless it loads a data folder (the template).
    const loadDataDir = !path && options.template ? memoryTemplate(options.template) : undefined;
    if (loadDataDir) origin = { from: 'memory', template: true };
    pglite = await PGlite.create(path ?? 'memory://', {
      ...(loadDataDir ? { loadDataDir } : {}),
      parsers: { [INT8_OID]: (v: string) => Number(v) },
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.sharedBuffers ?? '16MB'}`],
    });
    await pglite
      .listen(ROWS_CHANGED_CHANNEL, () => {
        rowsVersion += 1;
      })
      .catch(async (error: unknown) => {
        await pglite.close().catch(() => undefined);
        throw error;
      });
  } catch (error) {
    if (lockFile) rmSync(lockFile, { force: true });
    throw error;
  }

  const gate = createPriorityGate();

  // Everything that reaches PGlite on our side (transactions, vacuums) takes its turn at the gate;
  // the vacuum's own turns are `background`: they are not traffic that a quiet moment waits out.
  const exclusive = async <T>(fn: () => Promise<T>, priority: 'high' | 'normal' = 'normal', background = false): Promise<T> => {
    await gate.acquire(priority, background);
    try {
      return await fn();
    } finally {
      gate.release();
    }
  };

  async function run<T>(scope: TxScope, fn: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
    if (activeTransaction.getStore()) throw new NestedTransactionError();
    return exclusive(() => transaction(scope, fn), options.priority);
  }

  // Autovacuum's job, which single-user Postgres does not do: without it every update leaves dead
  // rows that scans keep visiting and the planner never gets statistics. Autovacuum's own rule
  // (50 rows + 20 % dead, or 50 + 10 % changed since the last ANALYZE) picks the tables; each is
  // vacuumed in its own turn at the gate, so a webhook waits for one small table, not all of them.
  // `smallOnly`: only the tables up to `vacuumAnyTimeMaxBytes` (the check while transactions keep coming).
  const anyTimeMaxBytes = options.vacuumAnyTimeMaxBytes ?? 2 * 1024 * 1024;
  let vacuuming: Promise<boolean> | undefined;
  /** Vacuums the due tables; true when none was left waiting (a larger one, with `smallOnly`). */
  const vacuumDueTables = async (smallOnly: boolean): Promise<boolean> => {
    const { rows } = await exclusive(
      () =>
        pglite.query<{ name: string; small: boolean }>(
          `SELECT format('%I.%I', schemaname, relname) AS name, pg_total_relation_size(relid) <= $1 AS small FROM pg_stat_user_tables
           WHERE n_dead_tup >= 50 + 0.2 * n_live_tup OR n_mod_since_analyze >= 50 + 0.1 * n_live_tup`,
          [anyTimeMaxBytes],
        ),
      'normal',
      true,
    );
    for (const { name, small } of rows) if (small || !smallOnly) await exclusive(() => pglite.exec(`VACUUM (ANALYZE) ${name}`), 'normal', true);
    return !smallOnly || rows.every((row) => row.small);
  };
  let lastVacuumAt = performance.now();
  const runVacuum = (smallOnly: boolean): Promise<boolean> =>
    (vacuuming ??= vacuumDueTables(smallOnly).then((complete) => {
      if (complete) lastVacuumAt = performance.now();
      return complete;
    }).finally(() => {
      vacuuming = undefined;
    }));
  const vacuum = async (): Promise<void> => {
    // A check's run of the small tables only may be in progress: wait for it, then do them all.
    while (vacuuming) await vacuuming.catch(() => undefined);
    await runVacuum(false);
  };
  const checkMs = options.vacuumCheckMs ?? 5_000;
  const quietMs = options.vacuumQuietMs ?? 2_000;
  const maxDeferMs = options.vacuumMaxDeferMs ?? 300_000;
  // The timer vacuums every due table in a quiet moment (nothing granted for `quietMs`) or once
  // the larger ones have waited `maxDeferMs`, and otherwise only the small ones. A failed vacuum
  // is retried at the next check; the data is unaffected.
  const vacuumTimer =
    checkMs > 0
      ? setInterval(() => {
          const now = performance.now();
          const smallOnly = now - gate.lastGrantAt < quietMs && now - lastVacuumAt < maxDeferMs;
          void runVacuum(smallOnly).catch(() => undefined);
        }, checkMs)
      : undefined;
  vacuumTimer?.unref();

  // BEGIN and the scope's statements do not get round trips of their own: they go with the
  // transaction's first statement (a transaction that runs none costs nothing), and COMMIT is one
  // more. `pglite.transaction()` would spend three full query round trips on BEGIN, the scope and
  // COMMIT; on the answering path, with five short transactions per turn, that was a quarter of
  // PGlite's time. Statements handed to `tx.query` in the same synchronous run (`Promise.all`, or a
  // call not awaited before the next) go together too: a lock and the insert after it, a message's
  // inbox event and its meter. PGlite's transaction lock is held throughout, as
  // `pglite.transaction()` does, so pg-boss's queries never land inside one of ours.
  async function transaction<T>(scope: TxScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return pglite._runExclusiveTransaction(async () => {
      const opening: PipelinedStatement[] = [{ sql: 'BEGIN' }, ...scopeStatements(scope)];
      let begun = false;
      let queued: Array<{ statement: PipelinedStatement; resolve: (result: Results) => void; reject: (error: unknown) => void }> = [];
      /**
       * Sends the queued statements in one round trip, after BEGIN and the scope when they are not
       * sent yet. With nothing queued it sends nothing, unless `begin` asks for BEGIN and the scope.
       */
      const flush = async (begin = false): Promise<void> => {
        const batch = queued;
        queued = [];
        if (batch.length === 0 && (begun || !begin)) return;
        const head = begun ? [] : opening;
        begun = true;
        try {
          const results = await pipelinedQueries(pglite, [...head, ...batch.map((entry) => entry.statement)]);
          batch.forEach((entry, index) => entry.resolve(results[head.length + index]!));
        } catch (error) {
          // Postgres skipped the statements after the failing one, and the transaction is aborted.
          for (const entry of batch) entry.reject(error);
          throw error;
        }
      };
      const raw: Tx = {
        async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
          const result = await new Promise<Results>((resolve, reject) => {
            if (queued.length === 0) queueMicrotask(() => void flush().catch(() => undefined));
            queued.push({ statement: { sql, params: params ?? [] }, resolve, reject });
          });
          return toQueryResult<R>(result);
        },
        async exec(sql: string): Promise<void> {
          await flush(true);
          // A script of several statements: the simple query protocol, as `pglite.exec()` sends it.
          await pglite.runExclusive(() => pglite.execProtocol(protocol.serialize.query(sql), { syncToFs: false }));
        },
      };
      const { tx, close } = guardTx(raw);
      let value: T;
      try {
        value = await activeTransaction.run({ driver: 'pglite' }, () => fn(tx));
        // A statement `fn` handed over without awaiting it still runs before COMMIT.
        await flush();
      } catch (error) {
        await flush().catch(() => undefined);
        // Nothing to undo when BEGIN was never sent.
        if (begun) await pglite.runExclusive(() => pglite.execProtocol(protocol.serialize.query('ROLLBACK'), { syncToFs: false }));
        throw error;
      } finally {
        close();
      }
      if (begun) {
        // COMMIT of a transaction a failed statement aborted (its error caught by `fn`) rolls back.
        const { messages } = await pglite.runExclusive(() => pglite.execProtocol(protocol.serialize.query('COMMIT'), { syncToFs: false }));
        if (messages.some((message) => message instanceof pgMessages.CommandCompleteMessage && message.text === 'ROLLBACK')) {
          throw new Error('The transaction was rolled back: one of its statements failed');
        }
      }
      return value;
    });
  }

  return {
    kind: 'pglite',
    pglite,
    dir: path,
    origin,
    // async, so a bad tenant id is a rejected promise like every other failure.
    tenant: async (tenantId, fn, options) => run(tenantScope(tenantId), fn, options),
    anonymous: (fn) => run({ kind: 'anonymous' }, fn),
    platform: (fn) => run({ kind: 'platform' }, fn),
    statement: async <R>(scope: TxScope, sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> => {
      if (activeTransaction.getStore()) throw new NestedTransactionError();
      const checked = scope.kind === 'tenant' ? tenantScope(scope.tenantId) : scope;
      return exclusive(() =>
        pglite._runExclusiveTransaction(async () => {
          const head = [{ sql: 'BEGIN' }, ...scopeStatements(checked)];
          try {
            // Postgres skips everything after a failing statement, COMMIT included.
            const results = await pipelinedQueries(pglite, [...head, { sql, params }, { sql: 'COMMIT' }], { notifications: true });
            return toQueryResult<R>(results[head.length]!);
          } catch (error) {
            await pglite.runExclusive(() => pglite.execProtocol(protocol.serialize.query('ROLLBACK'), { syncToFs: false }));
            throw error;
          }
        }),
      );
    },
    rowsVersion: () => rowsVersion,
    vacuum,
    close: async () => {
      clearInterval(vacuumTimer);
      await vacuuming?.catch(() => undefined);
      try {
        await pglite.close();
      } finally {
        if (lockFile) rmSync(lockFile, { force: true });
      }
    },
  };
}

/**
 * A PGlite result as the {@link Tx} interface returns it: pg's `rowCount` is rows returned for a
 * statement with output, rows affected otherwise. That is PGlite's per-statement `rowCount` (from the
 * command tag), not its `affectedRows`, which adds up over every statement of one round trip.
 */
function toQueryResult<R>(result: Results): QueryResult<R> {
  return { rows: result.rows as R[], rowCount: result.fields.length > 0 ? result.rows.length : (result.rowCount ?? 0) };
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
 * PGlite runs queries synchronously and resolves at once, so transactions that follow one another
 * — queued ones, or a chain of awaits like the steps of 50 answers that arrived together — would
 * run in microtasks without ever giving the event loop a turn: incoming requests would not even be
 * read, and timers would fire hundreds of milliseconds late. So after {@link SLICE_MS} of
 * back-to-back `normal` transactions the gate yields (`setImmediate`) before granting the next,
 * whether it was queued or arrived at an idle gate. A slice ends when the event loop had a turn.
 * A webhook that arrives meanwhile is then served first; `high` grants never wait for a yield.
 */
export function createPriorityGate(): {
  /** Waits for the gate; a `background` turn (the vacuum's) does not count in {@link lastGrantAt}. */
  acquire(priority: 'high' | 'normal', background?: boolean): Promise<void>;
  release(): void;
  readonly waiting: number;
  /** `performance.now()` of the latest request for a turn, background ones aside (0 before the first). */
  readonly lastGrantAt: number;
} {
  let busy = false;
  let lastGrantAt = 0;
  let highInARow = 0;
  const high: Array<() => void> = [];
  const normal: Array<() => void> = [];
  let sliceStart = 0;
  let loopTurned = true;
  // Starts a slice if the event loop had a turn since the last one began.
  const markSlice = () => {
    if (!loopTurned) return;
    loopTurned = false;
    sliceStart = performance.now();
    setImmediate(() => (loopTurned = true));
  };
  const sliceSpent = () => performance.now() - sliceStart >= SLICE_MS;
  const dispatch = () => {
    const takeHigh = high.length > 0 && (normal.length === 0 || highInARow < MAX_HIGH_IN_A_ROW);
    const next = takeHigh ? high.shift() : normal.shift();
    highInARow = takeHigh ? highInARow + 1 : 0;
    if (next) next();
    else busy = false;
  };
  const dispatchAfterTurn = () =>
    setImmediate(() => {
      markSlice();
      dispatch();
    });
  return {
    get waiting() {
      return high.length + normal.length;
    },
    get lastGrantAt() {
      return lastGrantAt;
    },
    acquire(priority, background = false) {
      markSlice();
      if (!background) lastGrantAt = performance.now();
      if (!busy && (priority === 'high' || !sliceSpent())) {
        busy = true;
        return Promise.resolve();
      }
      const granted = new Promise<void>((resolve) => (priority === 'high' ? high : normal).push(resolve));
      // An idle gate at the end of a long slice: hold it, and grant after the event loop's turn.
      if (!busy) {
        busy = true;
        dispatchAfterTurn();
      }
      return granted;
    },
    release() {
      // A waiting acknowledgement goes at once; anything else after one turn of the event loop.
      if (high.length > 0 && (normal.length === 0 || highInARow < MAX_HIGH_IN_A_ROW)) dispatch();
      else if (normal.length === 0) busy = false;
      else if (!sliceSpent()) dispatch();
      else dispatchAfterTurn();
    },
  };
}

function takeLock(lockFile: string): void {
  const pid = livePidOf(lockFile);
  if (pid !== undefined && pid !== process.pid) {
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
  // A stale lock (its process is gone) is replaced.
  writeFileSync(lockFile, String(process.pid), { mode: 0o600 });
}

/** The template as PGlite's `loadDataDir` takes it, or undefined when it does not fit this runtime. */
function memoryTemplate(template: string): Blob | undefined {
  const read = readPgliteTemplate(template);
  return 'tarball' in read ? new Blob([new Uint8Array(read.tarball)], { type: 'application/x-gzip' }) : undefined;
}

/** Restores the template into an empty `path`, or else runs initdb in a child process. */
async function initDataDir(path: string, template: string | null | undefined): Promise<PgliteOrigin> {
  const file = template === undefined ? defaultTemplatePath() : template;
  let templateSkipped: string | undefined;
  if (file) {
    const result = await restorePgliteTemplate(path, file);
    if (result.restored) return { from: 'template', ms: result.ms, ...(result.background ? { background: true as const } : {}) };
    templateSkipped = result.reason;
  } else if (template === undefined) templateSkipped = 'no template was built';
  const started = performance.now();
  await initDataDirInChild(path);
  const ms = Math.round(performance.now() - started);
  return templateSkipped ? { from: 'initdb', ms, templateSkipped } : { from: 'initdb', ms };
}

/** Runs PGlite's initdb for `path` in a child Node process, so its memory goes when that process exits. */
async function initDataDirInChild(path: string): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = `require(${JSON.stringify(entry)}).PGlite.create(${JSON.stringify(path)}).then((db) => db.close())`;
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ['--eval', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`PGlite initdb for ${path} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
}
