import { createPgliteDb, type PgliteDb } from '../../src/db/pglite-db';
import { migrate } from '../../src/db/migrate';

/** A migrated in-memory PGlite database for one test file (close it in afterAll). */
export async function createTestPglite(): Promise<PgliteDb> {
  const db = await createPgliteDb('memory');
  await migrate(db);
  return db;
}
