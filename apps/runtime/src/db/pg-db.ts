import pg from 'pg';
import { activeTransaction, enterScope, guardTx, tenantScope } from './transaction';
import type { Db, QueryResult, Tx, TxOptions, TxScope } from './types';

/** Options for {@link createPgDb}. */
export interface PgDbOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

/** A {@link Db} over a `pg` pool; `pool` is exposed for health checks and pg-boss. */
export interface PgDb extends Db {
  readonly kind: 'postgres';
  readonly pool: pg.Pool;
  readonly url: string;
}

// int8 (counts, VND amounts) as JS numbers on both drivers, so callers never see strings or BigInt.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * Creates the Postgres driver. Every transaction is `BEGIN` on a pooled connection, then the scope
 * (see `enterScope`): `SET LOCAL ROLE chatbot_app` and `app.tenant_id` for tenant work, no tenant for
 * anonymous work, `app.platform = 'on'` (owner role) for platform work. `SET LOCAL` ends with the
 * transaction, so nothing leaks to the next user of the pooled connection.
 *
 * @example const db = createPgDb(process.env.DATABASE_URL!); await db.tenant(id, (tx) => tx.query('SELECT 1'));
 */
export function createPgDb(url: string, options: PgDbOptions = {}): PgDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'agent-chatbot',
    types,
  });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // `priority: 'high'` transactions (webhook acknowledgements) get two connections of their own, so
  // a pool busy with jobs never makes a provider wait; opened on first use.
  let priorityPool: pg.Pool | undefined;
  const highPool = () => {
    if (!priorityPool) {
      priorityPool = new pg.Pool({ connectionString: url, max: 2, application_name: `${options.applicationName ?? 'agent-chatbot'}-ack`, types, idleTimeoutMillis: 30_000 });
      priorityPool.on('error', () => {});
    }
    return priorityPool;
  };

  async function run<T>(scope: TxScope, fn: (tx: Tx) => Promise<T>, txOptions: TxOptions = {}): Promise<T> {
    const client = await (txOptions.priority === 'high' ? highPool() : pool).connect();
    // A checked-out client whose connection dies (server restart, pg_terminate_backend) emits
    // 'error' on itself, not on the pool: without a listener that would crash the process. The
    // failing query rejects anyway; the client is then discarded instead of returned.
    let connectionError: Error | undefined;
    const onClientError = (error: Error) => {
      connectionError = error;
    };
    client.on('error', onClientError);
    const raw: Tx = {
      async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
        const result = await client.query(sql, params as unknown[] | undefined);
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      },
      async exec(sql: string): Promise<void> {
        await client.query(sql);
      },
    } as Tx;
    const { tx, close } = guardTx(raw);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await enterScope(tx, scope);
      const value = await activeTransaction.run({ driver: 'postgres' }, () => fn(tx));
      await client.query('COMMIT');
      return value;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // A connection that cannot roll back is discarded rather than returned to the pool.
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      close();
      client.off('error', onClientError);
      client.release(broken ?? connectionError);
    }
  }

  return {
    kind: 'postgres',
    pool,
    url,
    // async, so a bad tenant id is a rejected promise like every other failure.
    tenant: async (tenantId, fn, txOptions) => run(tenantScope(tenantId), fn, txOptions),
    anonymous: (fn) => run({ kind: 'anonymous' }, fn),
    platform: (fn) => run({ kind: 'platform' }, fn),
    statement: async (scope, sql, params) => run(scope.kind === 'tenant' ? tenantScope(scope.tenantId) : scope, (tx) => tx.query(sql, params)),
    close: async () => {
      await Promise.all([pool.end(), priorityPool?.end()]);
    },
  };
}
