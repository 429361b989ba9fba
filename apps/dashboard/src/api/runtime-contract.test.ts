// @vitest-environment node
/**
 * The dashboard's client against the real runtime (its Express app over in-memory PGlite, started
 * with the runtime's own test harness): the requests the pages send are accepted, and the token
 * rotation works with the server's real single-use refresh tokens.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from './api-error';
import { createApiClient, type ApiClient } from './client';
import { createSessionStore, type SessionStore } from './session-store';

interface TestApp {
  baseUrl: string;
  close(): Promise<void>;
}
interface Harness {
  startTestApp(db: unknown, options: { app: { accessTtlSeconds: number } }): Promise<TestApp>;
}
interface Pglite {
  createTestPglite(): Promise<{ close(): Promise<void> }>;
}

// Computed paths: the runtime's sources are type-checked by the runtime, not by the dashboard.
const runtimeTest = (file: string) => pathToFileURL(fileURLToPath(new URL(`../../../runtime/test/${file}`, import.meta.url))).href;

// The runtime is edited by others in parallel: when its own sources do not load, that is the
// runtime's failure (its tests report it), so this suite skips with the reason instead.
let modules: { pglite: Pglite; harness: Harness } | undefined;
let unavailable: string | undefined;
try {
  modules = {
    pglite: (await import(runtimeTest('helpers/pglite.ts'))) as Pglite,
    harness: (await import(runtimeTest('http/harness.ts'))) as Harness,
  };
} catch (error) {
  unavailable = error instanceof Error ? error.message : String(error);
  console.warn(`[dashboard] runtime contract test skipped: the runtime does not load (${unavailable})`);
}

let app: TestApp;
let db: { close(): Promise<void> };
let session: SessionStore;
let client: ApiClient;

beforeAll(async () => {
  if (!modules) return;
  const { createTestPglite } = modules.pglite;
  const { startTestApp } = modules.harness;
  db = await createTestPglite();
  app = await startTestApp(db, { app: { accessTtlSeconds: 1 } });
  session = createSessionStore(null);
  client = createApiClient({ baseUrl: app.baseUrl, session });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe.skipIf(unavailable !== undefined)('dashboard client against the runtime', () => {
  it('signs up, saves the persona, creates an API key that works, stores a masked secret', async () => {
    const signup = await unwrap(
      client.api.POST('/v1/auth/signup', { body: { tenant_name: 'Cửa hàng Hoa Đào', email: 'chu.shop@example.vn', password: 'mat-khau-that-dai-2024' } }),
    );
    session.getState().setSession(signup);
    expect(signup.tenant?.role).toBe('tenant-admin');

    const persona = { name: 'Mai', tone: 'friendly', greeting: 'Chào anh/chị ạ!' };
    const updated = await unwrap(client.api.PATCH('/v1/tenant', { body: { name: 'Hoa Đào', settings: { persona } } }));
    expect(updated.name).toBe('Hoa Đào');
    expect(updated.settings['persona']).toEqual(persona);

    const key = await unwrap(client.api.POST('/v1/tenant/api-keys', { body: { name: 'website-chinh' } }));
    expect(key.key.startsWith(key.prefix)).toBe(true);
    const withKey = await fetch(`${app.baseUrl}/v1/tenant`, { headers: { authorization: `Bearer ${key.key}` } });
    expect(withKey.status).toBe(200);
    const listed = await unwrap(client.api.GET('/v1/tenant/api-keys'));
    expect(JSON.stringify(listed)).not.toContain(key.key);

    const secret = await unwrap(
      client.api.PUT('/v1/tenant/secrets/{name}', { params: { path: { name: 'openai_api_key' } }, body: { value: 'sk-test-0123456789abcdef' } }),
    );
    expect(secret.mask).not.toContain('0123456789abcdef');
    const secrets = await unwrap(client.api.GET('/v1/tenant/secrets'));
    expect(secrets.items.map((s) => s.name)).toContain('openai_api_key');
  }, 30_000);

  it('refreshes an expired access token once, and the server refuses the used refresh token', async () => {
    const before = session.getState().refreshToken!;
    // Access tokens last 1 s here; JWT expiry has one-second resolution.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const members = await unwrap(client.api.GET('/v1/tenant/members'));
    expect(members.items.map((m) => m.email)).toEqual(['chu.shop@example.vn']);
    const after = session.getState().refreshToken!;
    expect(after).not.toBe(before);
    const reused = await fetch(`${app.baseUrl}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: before }),
    });
    expect(reused.status).toBe(401);
  }, 30_000);

  it('shows the runtime error in both languages and logs out for good', async () => {
    const failed = client.api.POST('/v1/auth/signup', { body: { tenant_name: 'Khác', email: 'khac@example.vn', password: '123' } });
    await expect(unwrap(failed)).rejects.toMatchObject({ status: 400, messageVi: expect.stringContaining('Mật khẩu yếu') });

    // The session may have been revoked by the reuse above (family revocation): log in afresh.
    const login = await unwrap(client.api.POST('/v1/auth/login', { body: { email: 'chu.shop@example.vn', password: 'mat-khau-that-dai-2024' } }));
    session.getState().setSession(login);
    await client.logout();
    const again = await fetch(`${app.baseUrl}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: login.refresh_token }),
    });
    expect(again.status).toBe(401);
    expect(session.getState().accessToken).toBeNull();
  }, 30_000);
});
