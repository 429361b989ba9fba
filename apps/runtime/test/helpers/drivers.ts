import type { Db } from '../../src/db/types';
import type { PgDb } from '../../src/db/pg-db';
import { createTestPglite } from './pglite';
import { createTestDatabase, postgresUnavailable } from './postgres';

/** One database driver a test suite runs against, with why it is skipped (if it is). */
export interface TestDriver {
  readonly name: 'postgres' | 'pglite';
  /** Set when the driver cannot run here (printed once); use with `describe.skipIf`. */
  readonly skip: string | undefined;
  /** Opens a fresh migrated database; `close()` removes it. */
  open(options?: { max?: number }): Promise<{ db: Db; pg?: PgDb; close(): Promise<void> }>;
}

/** Both drivers: real Postgres (a fresh database cloned from the template) and in-memory PGlite. */
export async function testDrivers(): Promise<TestDriver[]> {
  const pgSkip = await postgresUnavailable();
  return [
    {
      name: 'pglite',
      skip: undefined,
      open: async () => {
        const db = await createTestPglite();
        return { db, close: () => db.close() };
      },
    },
    {
      name: 'postgres',
      skip: pgSkip,
      open: async (options) => {
        const t = await createTestDatabase(options);
        return { db: t.db, pg: t.db, close: t.drop };
      },
    },
  ];
}
