import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteTenantKnowledge } from '../../src/knowledge/documents';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { startKnowledgeApp, type KnowledgeApp } from './harness';

const skip = await postgresUnavailable();

describe.skipIf(skip)('uploads kept in S3-compatible storage (s3rver on 127.0.0.1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acb-kbs3-'));
  const bucket = 'kb-upload-test';
  let server: S3rver;
  let client: S3Client;
  let database: TestDatabase;
  let app: KnowledgeApp;

  beforeAll(async () => {
    server = new S3rver({ port: 0, address: '127.0.0.1', directory: join(dir, 's3'), silent: true });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    database = await createTestDatabase({ max: 3 });
    app = await startKnowledgeApp(database.db, {
      CHATBOT_S3_ENDPOINT: endpoint,
      CHATBOT_S3_BUCKET: bucket,
      CHATBOT_S3_ACCESS_KEY_ID: 'S3RVER',
      CHATBOT_S3_SECRET_ACCESS_KEY: 'S3RVER',
      CHATBOT_S3_REGION: 'us-east-1',
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    client?.destroy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the upload under the tenant prefix, ingests it from there, and deletes it with the document', async () => {
    expect(app.service.storage.kind).toBe('s3');
    const shop = await app.signup('s3-shop');
    const up = await app.upload('/v1/tenant/documents', shop.token, [{ name: 'Bảng giá cà phê.txt', content: 'Cà phê sữa đá 29.000đ, bạc xỉu 32.000đ.' }]);
    expect(up.status, up.text).toBe(201);
    const id = up.body.items[0].document.id as string;
    const keys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `tenants/${shop.tenantId}/` }))).Contents ?? []).map((o) => o.Key);
    expect(await keys()).toEqual([`tenants/${shop.tenantId}/documents/${id}/Bang_gia_ca_phe.txt`]);
    expect(await app.settled(shop.token, id)).toMatchObject({ status: 'ready' });
    const hit = await app.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('bạc xỉu giá bao nhiêu')}`, { token: shop.token });
    expect(hit.body.hits[0].text).toContain('bạc xỉu 32.000đ');
    expect((await app.call('DELETE', `/v1/tenant/documents/${id}`, { token: shop.token })).status).toBe(204);
    expect(await keys()).toEqual([]);

    // Tenant deletion: every stored file and chunk of the tenant goes.
    const again = await app.upload('/v1/tenant/documents', shop.token, [{ name: 'a.txt', content: 'Trà đá miễn phí.' }]);
    await app.settled(shop.token, again.body.items[0].document.id);
    expect(await app.service.countChunks(shop.tenantId)).toBeGreaterThan(0);
    expect(await deleteTenantKnowledge(app.service, shop.tenantId)).toEqual({ files: 1 });
    expect(await keys()).toEqual([]);
    expect(await app.service.countChunks(shop.tenantId)).toBe(0);
  }, 60_000);
});
