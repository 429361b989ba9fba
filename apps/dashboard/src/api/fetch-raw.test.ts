import { describe, expect, it } from 'vitest';
import { adminSession } from '../test/render-app';
import { createApiClient } from './client';
import { createSessionStore } from './session-store';

describe('client.fetchRaw', () => {
  it('sends the token to a path outside the typed client, and refreshes once on a 401', async () => {
    const session = createSessionStore(null);
    session.getState().setSession(adminSession);
    const seen: string[] = [];
    const fetch = async (request: Request) => {
      const path = new URL(request.url).pathname;
      seen.push(`${request.method} ${path} ${request.headers.get('authorization') ?? ''}`);
      if (path === '/v1/auth/refresh') {
        return Response.json({ access_token: 'access-2', refresh_token: 'refresh-2', token_type: 'Bearer', expires_in: 900 });
      }
      if (request.headers.get('authorization') === 'Bearer access-1') return Response.json({ error: { code: 'token_expired', message: 'x', message_vi: 'y' } }, { status: 401 });
      return new Response('\uFEFFa,b\r\n', { headers: { 'content-type': 'text/csv; charset=utf-8' } });
    };
    const client = createApiClient({ baseUrl: 'http://dashboard.test', session, fetch });
    expect(client.baseUrl).toBe('http://dashboard.test');
    const response = await client.fetchRaw('/v1/tenant/contacts/export.csv?tag=VIP');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('a,b\r\n'); // text() drops the BOM; the bytes keep it
    expect(seen).toEqual([
      'GET /v1/tenant/contacts/export.csv Bearer access-1',
      'POST /v1/auth/refresh Bearer access-1',
      'GET /v1/tenant/contacts/export.csv Bearer access-2',
    ]);
  });

  it('gives up after one refresh when the session is over', async () => {
    const session = createSessionStore(null);
    session.getState().setSession(adminSession);
    let calls = 0;
    const fetch = async (request: Request) => {
      calls++;
      if (new URL(request.url).pathname === '/v1/auth/refresh') return Response.json({ error: { code: 'invalid_refresh_token', message: 'x', message_vi: 'y' } }, { status: 401 });
      return Response.json({ error: { code: 'token_expired', message: 'x', message_vi: 'y' } }, { status: 401 });
    };
    const client = createApiClient({ baseUrl: 'http://dashboard.test', session, fetch });
    expect((await client.fetchRaw('/v1/tenant/documents/events')).status).toBe(401);
    expect(calls).toBe(2);
    expect(session.getState().accessToken).toBeNull();
  });
});
