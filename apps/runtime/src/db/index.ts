import type { RuntimeConfig } from '../config';
import { embeddedDbDir } from '../data-dir';
import { createPgDb, type PgDb } from './pg-db';
import { createPgliteDb, type PgliteDb } from './pglite-db';
import { holdsPgliteDatabase } from './pglite-template-extract';

export type { Db, QueryResult, Tx, TxScope } from './types';
export { createPgDb, type PgDb, type PgDbOptions } from './pg-db';
export { createPgliteDb, type PgliteDb, type PgliteOrigin } from './pglite-db';
export { migrate, loadMigrations, migrationsDir, type Migration, type MigrateResult } from './migrate';
export { assertTenantId, isUuid } from './tenant-id';
export { NestedTransactionError } from './transaction';

/** Either driver, with its handle (`pool` or `pglite`) for health checks and the job queue. */
export type RuntimeDb = PgDb | PgliteDb;

/**
 * Opens the database the configuration names: Postgres when `DATABASE_URL` is set, else PGlite
 * in `<dataDir>/pglite`.
 */
export async function createDb(config: Pick<RuntimeConfig, 'databaseUrl' | 'dataDir'> & Partial<Pick<RuntimeConfig, 'pgliteSharedBuffers'>>): Promise<RuntimeDb> {
  if (config.databaseUrl) return createPgDb(config.databaseUrl);
  return createPgliteDb(embeddedDbDir(config.dataDir), config.pgliteSharedBuffers ? { sharedBuffers: config.pgliteSharedBuffers } : {});
}

/**
 * True when {@link createDb} will make a new embedded database (no `DATABASE_URL`, and no
 * PGlite database in `<dataDir>/pglite` yet): the first start of a fresh install. On Postgres it
 * is false, since only the database itself can tell.
 */
export function willCreateEmbeddedDb(config: Pick<RuntimeConfig, 'databaseUrl' | 'dataDir'>): boolean {
  return !config.databaseUrl && !holdsPgliteDatabase(embeddedDbDir(config.dataDir));
}
