import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPglite } from '../helpers/pglite';
import type { PgliteDb } from '../../src/db/pglite-db';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/types';
import { createTokenService } from '../../src/auth/tokens';
import { apiRoutes } from '../../src/http/routes';
import { toOpenApiPath } from '../../src/openapi/document';
import { startTestApp, testJwtSecret, type TestApp } from './harness';

let db: PgliteDb;
let app: TestApp;

beforeAll(async () => {
  db = await createTestPglite();
  app = await startTestApp(db, { app: { bodyLimit: 2048 } });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('HTTP basics (PGlite)', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await app.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await app.call('GET', '/readyz')).body).toEqual({ status: 'ok' });
  });

  it('echoes a sane X-Request-Id and generates one otherwise', async () => {
    const echoed = await app.call('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const generated = await app.call('GET', '/healthz', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const line = app.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === 'abc-123' && l.msg === 'request completed');
    expect(line).toMatchObject({ req: { method: 'GET', path: '/healthz' }, res: { statusCode: 200 } });
  });

  it('gives a GET an ETag, and a POST none: its JSON is sent as is, with its length', async () => {
    expect((await app.call('GET', '/healthz')).headers.get('etag')).toBeTruthy();
    const created = await app.call('POST', '/v1/auth/signup', {
      body: { tenant_name: 'Cửa hàng ETag', email: `etag-${randomUUID()}@example.vn`, password: 'Mat-khau-rat-dai-2025!' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBeNull();
    expect(created.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(created.headers.get('content-length'))).toBe(Buffer.byteLength(created.text));
    expect(created.body.tenant.name).toBe('Cửa hàng ETag');
  });

  it('answers unknown routes with a bilingual 404', async () => {
    const res = await app.call('GET', '/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found' });
    expect(res.body.error.message_vi).toContain('Không có đường dẫn');
  });

  it('rejects malformed JSON with 400, never 500', async () => {
    const res = await app.call('POST', '/v1/auth/login', { rawBody: '{"email": "a@b.c", "password": ' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', message: 'Malformed JSON in request body' });
    expect(res.body.error.message_vi).toBe('Nội dung JSON không đúng định dạng');
  });

  it('rejects schema errors with 400 naming the fields in both languages', async () => {
    const res = await app.call('POST', '/v1/auth/login', { body: { email: 'not-an-email', password: '' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('email');
    expect(res.body.error.message_vi).toContain('Dữ liệu không hợp lệ');
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'password']);
  });

  it('rejects an oversized body with a bilingual 413', async () => {
    const res = await app.call('POST', '/v1/auth/login', { body: { email: 'a@b.vn', password: 'x'.repeat(5000) } });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'payload_too_large' });
    expect(res.body.error.message_vi).toContain('vượt quá giới hạn');
  });

  it('serves an OpenAPI document generated from the route schemas, and a docs page', async () => {
    const doc = (await app.call('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const login = doc.paths['/v1/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.properties.email).toBeDefined();
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
    expect(doc.paths['/v1/me'].get.security).toEqual([{ bearerAuth: [] }]);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item as object).map((m) => `${m} ${path}`));
    for (const route of apiRoutes) expect(documented).toContain(`${route.method} ${toOpenApiPath(route.path)}`);
    expect(doc.paths['/v1/tenant/members/{userId}'].patch.parameters[0]).toMatchObject({ name: 'userId', in: 'path', required: true });
    const docs = await app.call('GET', '/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.text).toContain('/v1/auth/login');
    expect(docs.text).not.toMatch(/<script[^>]+src=/);
  });

  it('serves the Vietnamese-first dashboard shell at /', async () => {
    const res = await app.call('GET', '/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('lang="vi"');
    expect(res.text).toContain('href="/docs"');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    // The pages the e-mailed links open exist (reset password, accept invitation).
    expect((await app.call('GET', '/reset-password?token=abc')).text).toContain('/v1/auth/password/reset');
    expect((await app.call('GET', '/invitations/accept?token=abc')).text).toContain('/v1/auth/invitations/accept');
  });

  it('answers a protected route without credentials with 401, and a bad header with 401', async () => {
    expect((await app.call('GET', '/v1/me')).status).toBe(401);
    const res = await app.call('GET', '/v1/me', { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_authorization_header');
  });
});

describe('unexpected failures', () => {
  it('answers 500 with only a generic bilingual message and the request id; /readyz answers 503', async () => {
    const broken: Db = {
      kind: 'postgres',
      tenant: () => Promise.reject(new Error('boom: connection string postgres://u:p@db')),
      anonymous: () => Promise.reject(new Error('boom: connection string postgres://u:p@db')),
      platform: () => Promise.reject(new Error('boom: connection string postgres://u:p@db')),
      statement: () => Promise.reject(new Error('boom: connection string postgres://u:p@db')),
      close: async () => {},
    };
    const failing = await startTestApp(broken);
    try {
      const { token } = await createTokenService({ secret: testJwtSecret, accessTtlSeconds: 60 }).sign({
        sub: randomUUID(),
        tid: randomUUID(),
        role: 'tenant-admin',
        pa: false,
        sid: randomUUID(),
      });
      const res = await failing.call('GET', '/v1/me', { token, headers: { 'x-request-id': 'req-500' } });
      expect(res.status).toBe(500);
      expect(res.body.error).toMatchObject({ code: 'internal_error', request_id: 'req-500' });
      expect(res.body.error.message_vi).toContain('req-500');
      expect(res.text).not.toContain('boom');
      expect(failing.logs.some((l) => l.includes('unhandled error') && l.includes('req-500'))).toBe(true);
      const ready = await failing.call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('not_ready');
      expect((await failing.call('GET', '/healthz')).status).toBe(200);
    } finally {
      await failing.close();
    }
  });
});
