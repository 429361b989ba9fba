import { Readable } from 'node:stream';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { NotFoundError } from '@agent-chatbot/core';
import { tenantObjectKey as objectKey, tenantPrefix as prefixOf } from './keys';

const tenantObjectKey = (tenantId: string, key: string): string => `tenants/${objectKey(tenantId, key)}`;
const tenantPrefix = (tenantId: string, prefix: string): string => `tenants/${prefixOf(tenantId, prefix)}`;
import type { ObjectStorage, S3Settings } from './types';

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Files in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Viettel/FPT object storage…).
 * Objects live under `tenants/<tenantId>/`. Uses only PutObject, GetObject, DeleteObject, ListObjectsV2 and DeleteObjects.
 * The AWS SDK (~5 MiB of heap, ~25 MiB RSS) is imported on the first call, not when the module loads.
 */
export function createS3Storage(settings: S3Settings): ObjectStorage {
  let opened: Promise<{ sdk: typeof S3Sdk; client: S3Client }> | undefined;
  const s3 = () =>
    (opened ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        endpoint: settings.endpoint,
        region: settings.region,
        forcePathStyle: settings.forcePathStyle,
        credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      }),
    })));
  const Bucket = settings.bucket;
  return {
    kind: 's3',
    async put(tenantId, key, body, options = {}) {
      const { sdk, client } = await s3();
      await client.send(
        new sdk.PutObjectCommand({ Bucket, Key: tenantObjectKey(tenantId, key), Body: body, ContentLength: body.byteLength, ContentType: options.contentType ?? 'application/octet-stream' }),
      );
    },
    async get(tenantId, key) {
      const { sdk, client } = await s3();
      try {
        const result = await client.send(new sdk.GetObjectCommand({ Bucket, Key: tenantObjectKey(tenantId, key) }));
        const body = result.Body;
        if (body instanceof Readable) return body;
        if (!body) throw new NotFoundError(`Stored file ${key} not found`, `Không tìm thấy tệp đã lưu ${key}`);
        return Readable.from(await body.transformToByteArray());
      } catch (error) {
        if (isMissing(error)) throw new NotFoundError(`Stored file ${key} not found`, `Không tìm thấy tệp đã lưu ${key}`);
        throw error;
      }
    },
    async delete(tenantId, key) {
      const { sdk, client } = await s3();
      await client.send(new sdk.DeleteObjectCommand({ Bucket, Key: tenantObjectKey(tenantId, key) }));
    },
    async *list(tenantId, prefix = '') {
      const { sdk, client } = await s3();
      const Prefix = tenantPrefix(tenantId, prefix);
      const root = tenantPrefix(tenantId, '');
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
        for (const object of page.Contents ?? []) {
          if (typeof object.Key === 'string' && object.Key.startsWith(root)) yield object.Key.slice(root.length);
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
    async deletePrefix(tenantId, prefix) {
      const { sdk, client } = await s3();
      const Prefix = tenantPrefix(tenantId, prefix);
      let removed = 0;
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
        const keys = (page.Contents ?? []).map((object) => object.Key).filter((key): key is string => typeof key === 'string');
        if (keys.length > 0) {
          await client.send(new sdk.DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
          removed += keys.length;
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return removed;
    },
    async close() {
      if (opened) (await opened).client.destroy();
    },
  };
}
