/**
 * The runtime's full OpenAPI document (core routes and every feature's routes) built without a
 * server: an embedded runtime on in-memory PGlite in a temporary data folder, closed afterwards.
 * The dashboard's API-client generator and its staleness test use it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { createPgliteDb } from '../db/pglite-db';
import { createFeatures } from '../features/index';
import { apiRoutes } from '../http/routes';
import { createRuntime } from '../runtime';
import { buildOpenApiDocument } from './document';

/** Builds `/openapi.json` exactly as a running runtime serves it (minus the server URL). */
export async function buildRuntimeOpenApiDocument(): Promise<ReturnType<typeof buildOpenApiDocument>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-openapi-'));
  const runtime = await createRuntime(loadConfig({ CHATBOT_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, dataDir), {
    db: await createPgliteDb('memory'),
  });
  try {
    const features = createFeatures(runtime);
    return buildOpenApiDocument([...apiRoutes, ...features.flatMap((feature) => feature.routes ?? [])], {
      title: 'agent-chatbot runtime API',
      version: '0.1.0',
    });
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
