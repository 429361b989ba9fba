import { describe, expect, it } from 'vitest';
import { createApiClient } from './client';
import { createSessionStore, refreshTokenKey } from './session-store';
import { createFakeApi, errorReply, type RecordedCall } from '../test/fake-api';
import { adminSession } from '../test/render-app';

const tenantBody = { id: 't', name: 'Hoa Đào', slug: 'hoa-dao', plan: 'free', status: 'active', settings: {}, created_at: '', updated_at: '' };
const expired = () => errorReply(401, 'unauthenticated', 'Token expired', 'Phiên đăng nhập đã hết hạn');

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k), map };
}

function setup(refreshReply: (call: RecordedCall) => { status: number; body?: unknown }) {
  let refreshes = 0;
  const fake = createFakeApi({
    'POST /v1/auth/refresh': (call) => {
      refreshes += 1;
      return refreshReply(call);
    },
    'GET /v1/tenant': (call) => (call.headers.get('authorization') === 'Bearer access-2' ? { status: 200, body: tenantBody } : expired()),
    'PATCH /v1/tenant': (call) => (call.headers.get('authorization') === 'Bearer access-2' ? { status: 200, body: { ...tenantBody, ...(call.body as object) } } : expired()),
    'POST /v1/auth/logout': () => ({ status: 204 }),
  });
  const storage = memoryStorage();
  const session = createSessionStore(storage);
  session.getState().setSession(adminSession);
  const client = createApiClient({ baseUrl: 'http://api.test', session, fetch: fake.fetch });
  return { client, session, storage, calls: fake.calls, refreshes: () => refreshes };
}

const rotated = { status: 200, body: { access_token: 'access-2', refresh_token: 'refresh-token-2', token_type: 'Bearer', expires_in: 900 } };

describe('API client session handling', () => {
  it('on 401 rotates the refresh token once and retries the request (with its body)', async () => {
    const { client, session, storage, calls } = setup(() => rotated);
    const { data } = await client.api.PATCH('/v1/tenant', { body: { name: 'Hoa Mai' } });
    expect(data?.name).toBe('Hoa Mai');
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['PATCH /v1/tenant', 'POST /v1/auth/refresh', 'PATCH /v1/tenant']);
    expect(calls[1]?.body).toEqual({ refresh_token: 'refresh-token-1' });
    expect(calls[2]?.body).toEqual({ name: 'Hoa Mai' });
    expect(session.getState().accessToken).toBe('access-2');
    expect(storage.map.get(refreshTokenKey)).toBe('refresh-token-2');
  });

  it('shares one refresh between concurrent 401s (refresh tokens are single-use)', async () => {
    const { client, refreshes } = setup(() => rotated);
    const results = await Promise.all([client.api.GET('/v1/tenant'), client.api.GET('/v1/tenant'), client.api.GET('/v1/tenant')]);
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(refreshes()).toBe(1);
  });

  it('ends the session when the refresh is refused, without retrying forever', async () => {
    const { client, session, storage, calls } = setup(() => errorReply(401, 'invalid_refresh_token', 'Refresh token reused', 'Token làm mới đã dùng'));
    const { response } = await client.api.GET('/v1/tenant');
    expect(response.status).toBe(401);
    expect(calls).toHaveLength(2);
    expect(session.getState().accessToken).toBeNull();
    expect(session.getState().user).toBeNull();
    expect(storage.map.has(refreshTokenKey)).toBe(false);
  });

  it('does not try to refresh after a failed login (auth routes answer 401 for wrong passwords)', async () => {
    const fake = createFakeApi({ 'POST /v1/auth/login': () => errorReply(401, 'invalid_credentials', 'Wrong e-mail or password', 'Email hoặc mật khẩu không đúng') });
    const session = createSessionStore(null);
    const client = createApiClient({ baseUrl: 'http://api.test', session, fetch: fake.fetch });
    const { response } = await client.api.POST('/v1/auth/login', { body: { email: 'a@b.vn', password: 'x' } });
    expect(response.status).toBe(401);
    expect(fake.calls).toHaveLength(1);
  });

  it('logout revokes the refresh token on the server and forgets the session', async () => {
    const { client, session, storage, calls } = setup(() => rotated);
    await client.logout();
    expect(calls).toEqual([expect.objectContaining({ method: 'POST', path: '/v1/auth/logout', body: { refresh_token: 'refresh-token-1' } })]);
    expect(session.getState().refreshToken).toBeNull();
    expect(storage.map.size).toBe(0);
  });
});
