/**
 * The generic secrets route refuses the names the bot's own validating routes manage: the LLM key
 * (`PUT /v1/tenant/llm`) and the embedding key (`PUT /v1/tenant/knowledge/embedding`) cannot be
 * written or deleted around the provider check; other names still work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';
import { createFixtureUser, loginAs } from './fixtures';
import { startTestApp, type TestApp } from './harness';

const skip = await postgresUnavailable();

describe.skipIf(skip)('generic secrets: names managed by a validating route are refused (Postgres)', () => {
  let database: TestDatabase;
  let app: TestApp;
  let seed: TwoTenants;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 4 });
    seed = await seedTwoTenants(database.db);
    app = await startTestApp(database.db);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('PUT and DELETE of llm_api_key / embedding_api_key answer 400 naming the right route; nothing is stored', async () => {
    const admin = await createFixtureUser(database.db, { tenantId: seed.a.tenantId, role: 'tenant-admin' });
    const token = (await loginAs(app, admin.email)).access;
    for (const [name, route] of [['llm_api_key', 'PUT /v1/tenant/llm'], ['embedding_api_key', 'PUT /v1/tenant/knowledge/embedding']] as const) {
      const put = await app.call('PUT', `/v1/tenant/secrets/${name}`, { token, body: { value: 'sk-unchecked-0123456789' } });
      expect(put.status).toBe(400);
      expect(put.body.error.message_vi).toContain(route);
      expect(put.body.error.message).toContain(route);
      expect((await app.call('DELETE', `/v1/tenant/secrets/${name}`, { token })).status).toBe(400);
    }
    const stored = await database.db.tenant(seed.a.tenantId, (tx) =>
      tx.query("SELECT name FROM tenant_secrets WHERE tenant_id = $1 AND name IN ('llm_api_key', 'embedding_api_key')", [seed.a.tenantId]),
    );
    expect(stored.rowCount).toBe(0);
    // Any other name is still a plain write-only secret.
    const other = await app.call('PUT', '/v1/tenant/secrets/shipping_api_token', { token, body: { value: 'tok-0123456789abcdef' } });
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ name: 'shipping_api_token', mask: expect.stringContaining('cdef') });
  });
});
