import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { createRuntime, type Runtime } from '../../src/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/server';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';

const skip = await postgresUnavailable();

describe.skipIf(skip)('createApp over the real createRuntime (Postgres)', () => {
  let database: TestDatabase;
  let runtime: Runtime;
  let http: HttpServer;
  let dataDir: string;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 4 });
    dataDir = mkdtempSync(join(tmpdir(), 'acb-http-'));
    const config = loadConfig({
      CHATBOT_DATA_DIR: dataDir,
      CHATBOT_JWT_SECRET: 'integration-secret-0123456789-0123456789-abcdef',
      CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
      LOG_LEVEL: 'silent',
    });
    runtime = await createRuntime(config, { db: database.db, migrate: false });
    http = await startHttpServer(runtime, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await http?.close(1000);
    await runtime?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves health, sign-up and a masked secret through the runtime the CLI builds', async () => {
    expect((await fetch(`${http.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${http.url}/readyz`)).status).toBe(200);
    const signup = await fetch(`${http.url}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_name: 'Tiệm Bánh Mì Cô Ba', email: 'co.ba@example.vn', password: 'Banh-mi-gion-rum-2025' }),
    });
    expect(signup.status).toBe(201);
    const { access_token: token } = (await signup.json()) as { access_token: string };
    const put = await fetch(`${http.url}/v1/tenant/secrets/openai_api_key`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ value: 'sk-proj-integration-test-value-9876' }),
    });
    expect(await put.json()).toMatchObject({ name: 'openai_api_key', mask: 'sk-…9876' });
  });
});
