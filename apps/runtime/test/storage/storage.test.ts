import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, readAll, readStorageSettings, type ObjectStorage } from '../../src/storage/index';

const text = 'Chính sách đổi trả: đổi hàng trong 7 ngày, hoàn tiền 100%.';

function contract(label: string, open: () => { storage: ObjectStorage; list: (prefix: string) => Promise<string[]> }) {
  describe(label, () => {
    it('puts, streams back, deletes one object and a whole prefix; tenants never share keys', async () => {
      const { storage, list } = open();
      const a = randomUUID();
      const b = randomUUID();
      await storage.put(a, 'documents/d1/chinh-sach.txt', new TextEncoder().encode(text));
      await storage.put(a, 'documents/d2/bang-gia.csv', new Uint8Array([1, 2, 3]));
      await storage.put(b, 'documents/d1/chinh-sach.txt', new TextEncoder().encode('tenant B'));
      expect(new TextDecoder().decode(await readAll(await storage.get(a, 'documents/d1/chinh-sach.txt')))).toBe(text);
      expect(new TextDecoder().decode(await readAll(await storage.get(b, 'documents/d1/chinh-sach.txt')))).toBe('tenant B');
      await expect(storage.get(a, 'documents/none.txt')).rejects.toMatchObject({ status: 404 });
      // Keys never climb out of the tenant's prefix.
      await expect(storage.put(a, '../' + b + '/x.txt', new Uint8Array([1]))).rejects.toMatchObject({ status: 400 });
      await expect(storage.get('not-a-uuid', 'x.txt')).rejects.toMatchObject({ status: 400 });

      await storage.delete(a, 'documents/d2/bang-gia.csv');
      await expect(storage.get(a, 'documents/d2/bang-gia.csv')).rejects.toMatchObject({ status: 404 });
      expect(await storage.deletePrefix(a, 'documents/d1')).toBe(1);
      expect(await list(a)).toEqual([]);
      expect((await list(b)).length).toBe(1);
      expect(await storage.deletePrefix(b, '')).toBe(1);
      expect(await list(b)).toEqual([]);
    });
  });
}

const root = mkdtempSync(join(tmpdir(), 'acb-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

contract('local storage (<dataDir>/files/<tenantId>/…)', () => {
  const storage = createStorage({ dataDir: root });
  expect(storage.kind).toBe('local');
  return {
    storage,
    list: async (tenantId) => {
      const { readdirSync, existsSync } = await import('node:fs');
      const dir = join(root, 'files', tenantId);
      return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
    },
  };
});

describe('S3 settings', () => {
  it('is local without CHATBOT_S3_*, S3 with all of them, and a bilingual error with some', () => {
    expect(readStorageSettings({})).toEqual({});
    const s3 = readStorageSettings({
      CHATBOT_S3_ENDPOINT: 'http://127.0.0.1:9000',
      CHATBOT_S3_BUCKET: 'shop-files',
      CHATBOT_S3_ACCESS_KEY_ID: 'id',
      CHATBOT_S3_SECRET_ACCESS_KEY: 'secret',
      CHATBOT_S3_REGION: 'ap-southeast-1',
    });
    expect(s3.s3).toMatchObject({ bucket: 'shop-files', forcePathStyle: true });
    expect(() => readStorageSettings({ CHATBOT_S3_BUCKET: 'shop-files' })).toThrow(/CHATBOT_S3_ENDPOINT/);
    try {
      readStorageSettings({ CHATBOT_S3_BUCKET: 'shop-files' });
    } catch (error) {
      expect((error as { messageVi: string }).messageVi).toMatch(/Cấu hình lưu trữ S3/);
    }
  });
});

// A real S3-compatible server (s3rver) on 127.0.0.1: the SDK's real wire format, signatures included.
let server: S3rver | undefined;
let endpoint = '';
const bucket = 'kb-files-test';
beforeAll(async () => {
  server = new S3rver({ port: 0, address: '127.0.0.1', directory: join(root, 's3rver'), silent: true });
  const { port } = (await server.run()) as { port: number };
  endpoint = `http://127.0.0.1:${port}`;
  const admin = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
});
afterAll(async () => {
  await server?.close();
});

contract('S3-compatible storage (s3rver on 127.0.0.1)', () => {
  const settings = readStorageSettings({
    CHATBOT_S3_ENDPOINT: endpoint,
    CHATBOT_S3_BUCKET: bucket,
    CHATBOT_S3_ACCESS_KEY_ID: 'S3RVER',
    CHATBOT_S3_SECRET_ACCESS_KEY: 'S3RVER',
    CHATBOT_S3_REGION: 'us-east-1',
  });
  const storage = createStorage({ dataDir: root, storage: settings });
  expect(storage.kind).toBe('s3');
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  return {
    storage,
    list: async (tenantId) => ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `tenants/${tenantId}/` }))).Contents ?? []).map((o) => o.Key!),
  };
});
