/**
 * Stored files in an S3-compatible bucket (s3rver on 127.0.0.1) travel with backups and tenant
 * exports: a backup copies every tenant's objects into the archive, a restore puts them into the
 * configured storage (another bucket, or the local folder — moving between the two), and
 * `tenant export` includes the tenant's objects and nobody else's.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { extract as tarExtract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig, type RuntimeConfig } from '../../src/config';
import { createBackup, restoreBackup } from '../../src/ops/backup';
import { exportTenant } from '../../src/ops/tenant-lifecycle';
import { createStorage, readAll } from '../../src/storage/index';
import { createTestPglite } from '../helpers/pglite';
import { seedTwoTenants } from '../helpers/seed';

const dirs: string[] = [];
const tempDir = (label: string) => {
  const d = mkdtempSync(join(tmpdir(), `acb-${label}-`));
  dirs.push(d);
  return d;
};

const keys = formatKeyring([generateSecretKey()]);
let server: S3rver;
let endpoint = '';
const s3Env = (bucket: string): Record<string, string> => ({
  CHATBOT_S3_ENDPOINT: endpoint,
  CHATBOT_S3_BUCKET: bucket,
  CHATBOT_S3_ACCESS_KEY_ID: 'S3RVER',
  CHATBOT_S3_SECRET_ACCESS_KEY: 'S3RVER',
  CHATBOT_S3_REGION: 'us-east-1',
});
const configFor = (dataDir: string, extra: Record<string, string> = {}): RuntimeConfig =>
  loadConfig({ CHATBOT_DATA_DIR: dataDir, CHATBOT_JWT_SECRET: 'b'.repeat(40), CHATBOT_SECRET_KEYS: keys, LOG_LEVEL: 'silent', ...extra });

async function text(config: RuntimeConfig, tenantId: string, key: string): Promise<string> {
  const storage = createStorage(config);
  try {
    return Buffer.from(await readAll(await storage.get(tenantId, key))).toString('utf8');
  } finally {
    await storage.close();
  }
}

async function keysOf(config: RuntimeConfig, tenantId: string): Promise<string[]> {
  const storage = createStorage(config);
  const out: string[] = [];
  try {
    for await (const key of storage.list(tenantId)) out.push(key);
  } finally {
    await storage.close();
  }
  return out.sort();
}

beforeAll(async () => {
  server = new S3rver({ port: 0, address: '127.0.0.1', directory: tempDir('s3rver'), silent: true });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  for (const Bucket of ['backup-src', 'backup-dst']) await client.send(new CreateBucketCommand({ Bucket }));
  client.destroy();
}, 60_000);

afterAll(async () => {
  await server?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('backups and exports with files in an S3-compatible bucket', { timeout: 120_000 }, () => {
  it('lists keys relative to the tenant on both drivers, never another tenant’s', async () => {
    const source = await createTestPglite();
    try {
      const seed = await seedTwoTenants(source);
      for (const config of [configFor(tempDir('list-s3'), s3Env('backup-src')), configFor(tempDir('list-local'))]) {
        const storage = createStorage(config);
        try {
          await storage.put(seed.a.tenantId, 'documents/d1/bang-gia.csv', Buffer.from('sku,gia\nA,100000\n'));
          await storage.put(seed.a.tenantId, 'widget/logo.png', Buffer.from('png'));
          await storage.put(seed.b.tenantId, 'documents/d9/secret.txt', Buffer.from('b only'));
          const listed: string[] = [];
          for await (const key of storage.list(seed.a.tenantId)) listed.push(key);
          expect(listed.sort()).toEqual(['documents/d1/bang-gia.csv', 'widget/logo.png']);
          const documents: string[] = [];
          for await (const key of storage.list(seed.a.tenantId, 'documents')) documents.push(key);
          expect(documents).toEqual(['documents/d1/bang-gia.csv']);
          await storage.deletePrefix(seed.a.tenantId, '');
          await storage.deletePrefix(seed.b.tenantId, '');
        } finally {
          await storage.close();
        }
      }
    } finally {
      await source.close();
    }
  });

  it('backs the bucket up and restores it into another bucket and into a local folder', async () => {
    const source = await createTestPglite();
    const intoBucket = await createTestPglite();
    const intoFolder = await createTestPglite();
    try {
      const seed = await seedTwoTenants(source);
      const srcConfig = configFor(tempDir('src'), s3Env('backup-src'));
      const storage = createStorage(srcConfig);
      await storage.put(seed.a.tenantId, 'documents/d1/bang-gia.csv', Buffer.from('sku,giá\nÁo thun,150000\n'));
      await storage.put(seed.b.tenantId, 'documents/d2/menu.txt', Buffer.from('Phở bò 50.000đ'));
      await storage.close();

      const backup = await createBackup(srcConfig, source, { output: tempDir('out'), pgDump: false });
      expect(backup.manifest.objects).toEqual({ files: 2, bytes: expect.any(Number) });
      expect(backup.manifest.lancedb).toBe('archived');

      const bucketConfig = configFor(tempDir('dst'), s3Env('backup-dst'));
      const restored = await restoreBackup(bucketConfig, intoBucket, backup.path);
      expect(restored.objectsRestored).toBe(2);
      expect(restored.reindexNeeded).toBe(false);
      expect(await keysOf(bucketConfig, seed.a.tenantId)).toEqual(['documents/d1/bang-gia.csv']);
      expect(await text(bucketConfig, seed.a.tenantId, 'documents/d1/bang-gia.csv')).toContain('Áo thun,150000');
      expect(await text(bucketConfig, seed.b.tenantId, 'documents/d2/menu.txt')).toBe('Phở bò 50.000đ');

      // No S3 settings on the target: the same archive lands in <dataDir>/files.
      const folderConfig = configFor(tempDir('dst-local'));
      const local = await restoreBackup(folderConfig, intoFolder, backup.path);
      expect(local.objectsRestored).toBe(2);
      expect(readFileSync(join(folderConfig.dataDir, 'files', seed.b.tenantId, 'documents', 'd2', 'menu.txt'), 'utf8')).toBe('Phở bò 50.000đ');
    } finally {
      await Promise.all([source.close(), intoBucket.close(), intoFolder.close()]);
    }
  });

  it('marks LanceDB on object storage as not archived, so the restore asks for a reindex', async () => {
    const source = await createTestPglite();
    const target = await createTestPglite();
    try {
      await seedTwoTenants(source);
      const remote = { CHATBOT_LANCEDB_URI: 's3://kb-bucket/lancedb' };
      const backup = await createBackup(configFor(tempDir('src-remote'), remote), source, { output: tempDir('out-remote'), pgDump: false });
      expect(backup.manifest.lancedb).toBe('remote');
      expect(backup.manifest.objects).toBeNull();
      const restored = await restoreBackup(configFor(tempDir('dst-remote')), target, backup.path);
      expect(restored.reindexNeeded).toBe(true);
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
  });

  it('exports a tenant’s files from the bucket, and only that tenant’s', async () => {
    const db = await createTestPglite();
    try {
      const seed = await seedTwoTenants(db);
      const config = configFor(tempDir('export'), s3Env('backup-src'));
      const storage = createStorage(config);
      await storage.put(seed.a.tenantId, 'documents/d3/chinh-sach.md', Buffer.from('# Đổi trả trong 7 ngày'));
      await storage.put(seed.b.tenantId, 'documents/d4/khac.md', Buffer.from('tenant B'));
      await storage.close();
      const result = await exportTenant(config, db, seed.a.slug, tempDir('export-out'));
      expect(result.files).toBe(true);
      const unpacked = tempDir('export-unpacked');
      await tarExtract({ file: result.path, cwd: unpacked });
      expect(readFileSync(join(unpacked, 'files', 'documents', 'd3', 'chinh-sach.md'), 'utf8')).toBe('# Đổi trả trong 7 ngày');
      expect(readdirSync(join(unpacked, 'files', 'documents'))).toEqual(['d3']);
    } finally {
      await db.close();
    }
  });
});
