/**
 * The small database interface every part of the runtime uses. Two drivers implement it with the
 * same SQL: `pg` (Postgres, production and tests) and PGlite (the embedded default).
 *
 * Tenancy (ARCHITECTURE §6): every transaction runs as the role `chatbot_app` (SET LOCAL ROLE),
 * which owns nothing and cannot bypass row-level security, with `app.tenant_id` set for the
 * tenant it acts for. `platform()` is the only way across tenants and is for migrations,
 * platform-admin endpoints and scheduled jobs.
 */
/** Rows of one statement and how many rows it returned or changed (pg's `rowCount`). */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** A connection inside one transaction. Parameters are always bound, never interpolated. */
export interface Tx {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
}

/** The scope a transaction runs in (what {@link Db} method opened it). */
export type TxScope = { kind: 'tenant'; tenantId: string } | { kind: 'anonymous' } | { kind: 'platform' };

/**
 * How urgent a transaction is. `high` is for short writes a caller is waiting on with a deadline
 * (webhook acknowledgements: providers give up after 2 s): on PGlite, whose one connection runs
 * transactions one at a time, they go before queued `normal` work (jobs, API reads).
 */
export interface TxOptions {
  priority?: 'high' | 'normal';
}

/** The database: every use is one scoped transaction (see the file header). */
export interface Db {
  readonly kind: 'postgres' | 'pglite';
  /** One transaction acting for `tenantId`: it sees and writes that tenant's rows only. */
  tenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * One transaction with no tenant: sees zero tenant rows. For global tables (users, sessions,
   * password resets) and the one-door lookup functions (`app.tenant_for_api_key`, …).
   */
  anonymous<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** One transaction across tenants (owner role, `app.platform = 'on'`). Platform work only. */
  platform<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * One statement in a transaction of its own, in `scope` (as `tenant`, `anonymous` and `platform`
   * open it). On PGlite BEGIN, the scope, the statement and COMMIT are one round trip; the hot
   * path's single reads (the caller's session, a tenant's versions) use it.
   *
   * @example const { rows } = await db.statement(tenantScope(tenantId), 'SELECT config_version FROM tenants WHERE id = $1', [tenantId]);
   */
  statement<R = Record<string, unknown>>(scope: TxScope, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /**
   * How many committed changes to `users`, `sessions`, `memberships` or `tenants` this process has
   * seen (their triggers' `acb_rows_changed` notifications). It rises before the changing
   * transaction's promise settles, so a copy of those rows read at a lower count is stale (see
   * `createRowsCache`). Only the embedded driver has it: PGlite is one process that makes every
   * change itself. On Postgres other processes write and a notification arrives some time after
   * the commit, so it is undefined there and nothing is cached (ADR 0017).
   */
  readonly rowsVersion?: () => number;
  close(): Promise<void>;
}
