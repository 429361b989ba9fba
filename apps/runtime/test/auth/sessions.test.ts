import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types';
import { testDrivers } from '../helpers/drivers';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';
import { startTestApp, testJwtSecret, type TestApp } from '../http/harness';
import { createFixtureUser, fixturePassword, loginAs, setFixturePassword } from '../http/fixtures';

const drivers = await testDrivers();

// Both drivers: on the embedded one the identity check's rows are kept per process until one of
// them changes (ADR 0017), so every revocation below follows a request that was let in.
for (const driver of drivers) {
  describe.skipIf(driver.skip)(`sessions and tokens (${driver.name})`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let app: TestApp;
    let seed: TwoTenants;

    beforeAll(async () => {
      ({ db, close } = await driver.open({ max: 4 }));
      seed = await seedTwoTenants(db);
      await setFixturePassword(db, seed.a.adminUserId);
      app = await startTestApp(db);
    });
    afterAll(async () => {
      await app?.close();
      await close?.();
    });

    it('logs in, refreshes once, rejects reuse of the rotated token and revokes the family', async () => {
      const { access, refresh } = await loginAs(app, seed.a.adminEmail);
      const me = await app.call('GET', '/v1/me', { token: access });
      expect(me.status).toBe(200);
      expect(me.body.tenant).toMatchObject({ id: seed.a.tenantId, role: 'tenant-admin' });

      const rotated = await app.call('POST', '/v1/auth/refresh', { body: { refresh_token: refresh } });
      expect(rotated.status).toBe(200);
      expect(rotated.body.refresh_token).not.toBe(refresh);
      expect((await app.call('GET', '/v1/me', { token: rotated.body.access_token })).status).toBe(200);

      const reused = await app.call('POST', '/v1/auth/refresh', { body: { refresh_token: refresh } });
      expect(reused.status).toBe(401);
      expect(reused.body.error.code).toBe('refresh_token_reused');
      expect(reused.body.error.message_vi).toContain('đã bị thu hồi');
      // The whole family is gone: the newer refresh token and every access token of the family.
      expect((await app.call('POST', '/v1/auth/refresh', { body: { refresh_token: rotated.body.refresh_token } })).status).toBe(401);
      const revoked = await app.call('GET', '/v1/me', { token: rotated.body.access_token });
      expect(revoked.status).toBe(401);
      expect(revoked.body.error.code).toBe('session_revoked');
    });

    it('logs out: the refresh token and the access token stop working', async () => {
      const { access, refresh } = await loginAs(app, seed.a.adminEmail);
      expect((await app.call('GET', '/v1/me', { token: access })).status).toBe(200);
      expect((await app.call('POST', '/v1/auth/logout', { body: { refresh_token: refresh } })).status).toBe(204);
      expect((await app.call('POST', '/v1/auth/refresh', { body: { refresh_token: refresh } })).status).toBe(401);
      expect((await app.call('GET', '/v1/me', { token: access })).status).toBe(401);
    });

    it('answers forged, expired, malformed and alg=none tokens with a bilingual 401', async () => {
      const { access } = await loginAs(app, seed.a.adminEmail);
      const [header, payload] = access.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(48)));
      const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(testJwtSecret));
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'tenant-admin', pa: true })).toString('base64url')}.${access.split('.')[2]}`;
      for (const [token, code] of [
        [forged, 'invalid_token'],
        [expired, 'token_expired'],
        ['not.a.jwt', 'invalid_token'],
        [none, 'invalid_token'],
        [tampered, 'invalid_token'],
      ] as const) {
        const res = await app.call('GET', '/v1/me', { token });
        expect(res.status, code).toBe(401);
        expect(res.body.error.code).toBe(code);
        expect(res.body.error.message_vi.length).toBeGreaterThan(5);
      }
    });

    it('re-checks the membership on every request: a removed member gets 401 at once', async () => {
      const agent = await createFixtureUser(db, { tenantId: seed.a.tenantId, role: 'tenant-agent' });
      const { access, refresh } = await loginAs(app, agent.email);
      expect((await app.call('GET', '/v1/tenant', { token: access })).status).toBe(200);
      await db.platform((tx) => tx.query('DELETE FROM memberships WHERE user_id = $1', [agent.userId]));
      const res = await app.call('GET', '/v1/tenant', { token: access });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('membership_revoked');
      expect((await app.call('POST', '/v1/auth/refresh', { body: { refresh_token: refresh } })).status).toBe(401);
    });

    it('re-checks the user and the role on every request: a disabled user gets 401, a demoted admin 403, at once', async () => {
      const admin = await createFixtureUser(db, { tenantId: seed.a.tenantId, role: 'tenant-admin' });
      const { access } = await loginAs(app, admin.email);
      expect((await app.call('GET', '/v1/tenant/audit-log', { token: access })).status).toBe(200);
      await db.platform((tx) => tx.query(`UPDATE memberships SET role = 'tenant-agent' WHERE user_id = $1`, [admin.userId]));
      expect((await app.call('GET', '/v1/tenant/audit-log', { token: access })).status).toBe(403);
      expect((await app.call('GET', '/v1/tenant', { token: access })).status).toBe(200);
      await db.platform((tx) => tx.query('UPDATE users SET disabled_at = now() WHERE id = $1', [admin.userId]));
      const res = await app.call('GET', '/v1/tenant', { token: access });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_token');
    });

    it('rejects a wrong password and an unknown address alike', async () => {
      const wrong = await app.call('POST', '/v1/auth/login', { body: { email: seed.a.adminEmail, password: 'sai-mat-khau-roi' } });
      const unknown = await app.call('POST', '/v1/auth/login', { body: { email: 'nobody@example.vn', password: fixturePassword } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
    });

    it('lets a tenant-agent read but not administer (403)', async () => {
      const agent = await createFixtureUser(db, { tenantId: seed.a.tenantId, role: 'tenant-agent' });
      const { access } = await loginAs(app, agent.email);
      expect((await app.call('GET', '/v1/tenant', { token: access })).status).toBe(200);
      for (const [method, path, body] of [
        ['PATCH', '/v1/tenant', { name: 'Đổi tên' }],
        ['GET', '/v1/tenant/secrets', undefined],
        ['GET', '/v1/tenant/audit-log', undefined],
        ['PATCH', `/v1/tenant/members/${seed.a.adminUserId}`, { role: 'tenant-agent' }],
        ['GET', '/v1/admin/tenants', undefined],
      ] as const) {
        const res = await app.call(method, path, { token: access, body });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
        expect(res.body.error.message_vi).toBeTruthy();
      }
    });

    it('picks the named tenant when a user belongs to several', async () => {
      const both = await createFixtureUser(db, { tenantId: seed.a.tenantId, role: 'tenant-agent' });
      await db.platform((tx) =>
        tx.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'tenant-admin')`, [seed.b.tenantId, both.userId]),
      );
      const res = await app.call('POST', '/v1/auth/login', { body: { email: both.email, password: fixturePassword, tenant: seed.b.slug } });
      expect(res.status).toBe(200);
      expect(res.body.tenant).toMatchObject({ id: seed.b.tenantId, role: 'tenant-admin' });
      expect(res.body.tenants).toHaveLength(2);
      const other = await app.call('POST', '/v1/auth/login', { body: { email: both.email, password: fixturePassword, tenant: 'no-such-shop' } });
      expect(other.status).toBe(403);
    });

    it('suspends and resumes a tenant as platform admin; suspended tenants get 403', async () => {
      const admin = await createFixtureUser(db, { platformAdmin: true });
      const pa = await loginAs(app, admin.email);
      const member = await loginAs(app, seed.a.adminEmail);
      const list = await app.call('GET', '/v1/admin/tenants', { token: pa.access });
      expect(list.status).toBe(200);
      expect(list.body.items.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining([seed.a.tenantId, seed.b.tenantId]));

      const key = (await app.call('POST', '/v1/tenant/api-keys', { token: member.access, body: { name: 'bot' } })).body.key as string;
      expect((await app.call('POST', `/v1/admin/tenants/${seed.a.tenantId}/suspend`, { token: pa.access })).body.status).toBe('suspended');
      const keyBlocked = await app.call('GET', '/v1/tenant', { token: key });
      expect(keyBlocked.status).toBe(403);
      expect(keyBlocked.body.error.details.reason).toBe('tenant_suspended');
      const blocked = await app.call('GET', '/v1/tenant', { token: member.access });
      expect(blocked.status).toBe(403);
      expect(blocked.body.error.message_vi).toContain('tạm ngưng');
      expect((await app.call('POST', '/v1/auth/login', { body: { email: seed.a.adminEmail, password: fixturePassword } })).status).toBe(403);

      expect((await app.call('POST', `/v1/admin/tenants/${seed.a.tenantId}/resume`, { token: pa.access })).body.status).toBe('active');
      expect((await app.call('GET', '/v1/tenant', { token: member.access })).status).toBe(200);
      expect((await app.call('GET', '/v1/tenant', { token: key })).status).toBe(200);
      expect((await app.call('POST', '/v1/admin/tenants/not-a-uuid/suspend', { token: pa.access })).status).toBe(400);
      expect((await app.call('POST', '/v1/admin/tenants/00000000-0000-4000-8000-000000000000/suspend', { token: pa.access })).status).toBe(404);
    });
  });
}
