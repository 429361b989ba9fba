import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPglite } from '../helpers/pglite';
import type { PgliteDb } from '../../src/db/pglite-db';
import { startTestApp, type TestApp } from './harness';

let db: PgliteDb;
let app: TestApp;

beforeAll(async () => {
  db = await createTestPglite();
  app = await startTestApp(db, { app: { loginLimits: { perEmail: { capacity: 3, refillPerSecond: 0.001 }, perIp: { capacity: 100, refillPerSecond: 1 } } } });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('embedded path smoke test (PGlite)', () => {
  const email = 'chu.shop@example.vn';
  const password = 'Hoa-dao-no-ro-2025';

  it('signs up, logs in, refreshes, rejects the reused refresh token, logs out', async () => {
    const signup = await app.call('POST', '/v1/auth/signup', {
      body: { tenant_name: 'Cửa hàng Hoa Đào', email, password, name: 'Chị Đào' },
    });
    expect(signup.status).toBe(201);
    expect(signup.body.tenant).toMatchObject({ slug: 'cua-hang-hoa-dao', role: 'tenant-admin', status: 'active' });
    expect(signup.body.token_type).toBe('Bearer');
    expect(signup.body.expires_in).toBe(900);
    expect(signup.headers.get('cache-control')).toBe('no-store');

    const me = await app.call('GET', '/v1/me', { token: signup.body.access_token });
    expect(me.body.user).toMatchObject({ email, name: 'Chị Đào', platform_admin: false });

    const login = await app.call('POST', '/v1/auth/login', { body: { email: email.toUpperCase(), password } });
    expect(login.status).toBe(200);
    const refreshed = await app.call('POST', '/v1/auth/refresh', { body: { refresh_token: login.body.refresh_token } });
    expect(refreshed.status).toBe(200);
    const reused = await app.call('POST', '/v1/auth/refresh', { body: { refresh_token: login.body.refresh_token } });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('refresh_token_reused');

    // The sign-up session is its own family: still alive until it logs out.
    expect((await app.call('GET', '/v1/tenant', { token: signup.body.access_token })).status).toBe(200);
    expect((await app.call('POST', '/v1/auth/logout', { body: { refresh_token: signup.body.refresh_token } })).status).toBe(204);
    expect((await app.call('GET', '/v1/tenant', { token: signup.body.access_token })).status).toBe(401);
  });

  it('refuses a duplicate e-mail or slug (409) and a weak password (400), bilingually', async () => {
    const dupEmail = await app.call('POST', '/v1/auth/signup', { body: { tenant_name: 'Khác', email, password } });
    expect(dupEmail.status).toBe(409);
    expect(dupEmail.body.error.code).toBe('email_taken');
    const dupSlug = await app.call('POST', '/v1/auth/signup', {
      body: { tenant_name: 'Khác', tenant_slug: 'cua-hang-hoa-dao', email: 'khac@example.vn', password },
    });
    expect(dupSlug.status).toBe(409);
    expect(dupSlug.body.error.code).toBe('slug_taken');
    const weak = await app.call('POST', '/v1/auth/signup', { body: { tenant_name: 'Yếu', email: 'yeu@example.vn', password: '123' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message_vi).toContain('Mật khẩu yếu');
  });

  it('rate limits logins per address: 429 with Retry-After', async () => {
    const target = 'bi-do-mat-khau@example.vn';
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await app.call('POST', '/v1/auth/login', { body: { email: target, password: 'doan-mo-mat-khau' } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.body.error).toMatchObject({ code: 'rate_limited' });
    expect(last!.body.error.message_vi).toContain('quá nhiều lần');
    // Another address from the same client is not blocked by that address's bucket.
    expect((await app.call('POST', '/v1/auth/login', { body: { email, password } })).status).toBe(200);
  });
});
