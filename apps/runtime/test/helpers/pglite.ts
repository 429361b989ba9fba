import { createPgliteDb, type PgliteDb } from '../../src/db/pglite-db';
import { migrate } from '../../src/db/migrate';
import { defaultTemplatePath } from '../../src/db/pglite-template';

/**
 * A migrated in-memory PGlite database for one test file (close it in afterAll). It loads the
 * built template (`dist/pglite-template.tar.gz`) when it matches the migrations, which skips
 * initdb and the migrations; else initdb runs and `migrate` applies everything.
 */
export async function createTestPglite(): Promise<PgliteDb> {
  const db = await createPgliteDb('memory', { template: defaultTemplatePath() ?? null });
  await migrate(db);
  return db;
}
