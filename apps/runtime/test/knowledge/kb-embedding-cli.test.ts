import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conceptEmbedding, startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey } from '../../src/config';
import { createTenantWithAdmin } from '../../src/tenants/tenant-service';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { runCli } from './cli-helpers';

const skip = await postgresUnavailable();

describe.skipIf(skip)('kb embedding CLI (Postgres, in this process)', () => {
  let database: TestDatabase;
  let server: FakeLlmServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let slug: string;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 2 });
    server = await startFakeOpenAI({ embedder: conceptEmbedding, embeddingDimensions: 32, apiKey: 'tenant-key' });
    dir = mkdtempSync(join(tmpdir(), 'acb-kbemb-'));
    env = {
      DATABASE_URL: database.url,
      CHATBOT_DATA_DIR: join(dir, 'data'),
      CHATBOT_JWT_SECRET: 'kb-emb-secret-0123456789-0123456789-0123456789',
      CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
      LOG_LEVEL: 'silent',
    };
    const { tenant } = await createTenantWithAdmin(database.db, { name: 'Shop Máy Tính', adminEmail: 'may@example.vn', adminPassword: 'may-tinh-2025-dai' });
    slug = tenant.slug;
    writeFileSync(join(dir, 'laptop.txt'), 'Cửa hàng có bán laptop Dell và Asus chính hãng.');
  }, 60_000);
  afterAll(async () => {
    await database?.drop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows keyword-only search without a model, refuses a bad key, saves a good one and the next ingestion embeds with it', async () => {
    const before = await runCli(env, 'kb', 'embedding', '--tenant', slug, '--json');
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({ enabled: true, effective: null, api_key_set: false });

    const common = ['--provider', 'openai', '--base-url', server.baseURL, '--model', 'my-embed', '--key-mode', 'own'];
    const bad = await runCli(env, 'kb', 'embedding', '--tenant', slug, ...common, '--api-key', 'wrong', '--json');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('embedding_settings_rejected');

    const saved = await runCli(env, 'kb', 'embedding', '--tenant', slug, ...common, '--api-key', 'tenant-key', '--json');
    expect(saved.code, saved.stderr).toBe(0);
    const view = JSON.parse(saved.stdout);
    // No job queue in a stand-alone CLI process: the answer says a re-index is required.
    expect(view).toMatchObject({ effective: { model: 'my-embed', key_source: 'own' }, api_key_set: true, reindex: 'required' });
    expect(saved.stdout).not.toContain('tenant-key');

    const added = await runCli(env, 'kb', 'add', '--tenant', slug, join(dir, 'laptop.txt'), '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(server.requests.some((r) => r.kind === 'embeddings' && r.inputs?.some((i) => i.includes('laptop Dell')))).toBe(true);
    const search = await runCli(env, 'kb', 'search', '--tenant', slug, 'máy tính xách tay', '--json');
    expect(JSON.parse(search.stdout).hits[0]).toMatchObject({ document_name: 'laptop.txt' });
    const usage = await database.db.platform((tx) => tx.query<{ n: string }>(`SELECT count(*) AS n FROM usage_events WHERE kind = 'embedding' AND key_source = 'own' AND NOT billable`));
    expect(Number(usage.rows[0]!.n)).toBeGreaterThanOrEqual(2); // the document and the question
  }, 90_000);
});
