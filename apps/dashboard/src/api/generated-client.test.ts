// @vitest-environment node
/**
 * Fails when `src/api/generated/openapi.ts` no longer matches the runtime's routes: regenerate with
 * `pnpm --filter @agent-chatbot/dashboard run gen:api` and commit the result.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRuntimeDocument, generateApiTypes, generatedTypesPath } from '../../scripts/generate-api-types';

describe('generated API client', () => {
  it('is up to date with the runtime OpenAPI document', async () => {
    const fresh = await generateApiTypes(await buildRuntimeDocument());
    const committed = readFileSync(generatedTypesPath, 'utf8');
    expect(committed === fresh, 'src/api/generated/openapi.ts is stale: run `pnpm --filter @agent-chatbot/dashboard run gen:api`').toBe(true);
  }, 60_000);

  it('covers the routes the dashboard calls', async () => {
    const committed = readFileSync(generatedTypesPath, 'utf8');
    for (const path of ['/v1/auth/signup', '/v1/auth/refresh', '/v1/tenant/api-keys', '/v1/tenant/secrets/{name}', '/v1/admin/tenants/{id}/suspend']) {
      expect(committed).toContain(`"${path}"`);
    }
  });
});
