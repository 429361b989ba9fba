import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';
import { startTestApp, type TestApp, type TestResponse } from './harness';
import { createFixtureUser, loginAs, setFixturePassword } from './fixtures';

const skip = await postgresUnavailable();

describe.skipIf(skip)('secrets canary: a stored secret appears in no response and no log line (Postgres)', () => {
  let database: TestDatabase;
  let app: TestApp;
  let seed: TwoTenants;
  // No vendor shape (no sk- prefix), so the logger's value patterns cannot hide a leak: the
  // canary must simply never be written.
  const canary = `canary${randomBytes(16).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 4 });
    seed = await seedTwoTenants(database.db);
    await setFixturePassword(database.db, seed.a.adminUserId);
    app = await startTestApp(database.db);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('stores the canary write-only, masked everywhere', async () => {
    const { access } = await loginAs(app, seed.a.adminEmail);
    const responses: TestResponse[] = [];
    const call = async (method: string, path: string, options: Parameters<TestApp['call']>[2] = {}) => {
      const res = await app.call(method, path, { token: access, ...options });
      responses.push(res);
      return res;
    };

    const put = await call('PUT', '/v1/tenant/secrets/openai_api_key', { body: { value: canary } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'openai_api_key', mask: `…${canary.slice(-4)}` });
    const list = await call('GET', '/v1/tenant/secrets');
    expect(list.body.items.map((s: { name: string }) => s.name)).toContain('openai_api_key');
    await call('GET', '/v1/tenant/audit-log');
    await call('GET', '/v1/tenant');
    // Error paths that carry the canary in the request must not echo it back or log it.
    expect((await call('PUT', '/v1/tenant/secrets/BAD NAME', { body: { value: canary } })).status).toBe(400);
    expect((await call('PUT', '/v1/tenant/secrets/x', { body: { value: canary, extra: canary } })).status).toBe(400);
    expect((await call('PUT', '/v1/tenant/secrets/x', { rawBody: `{"value": "${canary}"` })).status).toBe(400);
    expect((await call('POST', '/v1/auth/login', { token: undefined, body: { email: seed.a.adminEmail, password: canary } })).status).toBe(401);
    expect((await call('GET', `/v1/tenant?value=${canary}`)).status).toBe(200);

    for (const res of responses) expect(res.text).not.toContain(canary);
    expect(app.logs.length).toBeGreaterThan(5);
    expect(app.logs.some((l) => l.includes('"path":"/v1/tenant/secrets/openai_api_key"'))).toBe(true);
    for (const line of app.logs) expect(line).not.toContain(canary);

    const stored = await database.db.platform(async (tx) =>
      (await tx.query<{ ciphertext: string; hint: string }>('SELECT ciphertext, hint FROM tenant_secrets WHERE tenant_id = $1 AND name = $2', [
        seed.a.tenantId,
        'openai_api_key',
      ])).rows[0],
    );
    expect(stored?.ciphertext.startsWith('v1:')).toBe(true);
    expect(stored?.ciphertext).not.toContain(canary);
    const audit = await database.db.platform(async (tx) => (await tx.query('SELECT details::text AS d FROM audit_log')).rows);
    expect(JSON.stringify(audit)).not.toContain(canary);
  });

  it('does not let a tenant-agent or an anonymous caller read or write secrets', async () => {
    const agent = await createFixtureUser(database.db, { tenantId: seed.a.tenantId, role: 'tenant-agent' });
    const { access } = await loginAs(app, agent.email);
    expect((await app.call('GET', '/v1/tenant/secrets', { token: access })).status).toBe(403);
    expect((await app.call('PUT', '/v1/tenant/secrets/openai_api_key', { token: access, body: { value: 'x'.repeat(20) } })).status).toBe(403);
    expect((await app.call('GET', '/v1/tenant/secrets')).status).toBe(401);
  });
});
