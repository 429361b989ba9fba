/**
 * Tenant file storage: a local folder under the data dir by default, an S3-compatible bucket
 * when `CHATBOT_S3_*` is configured. Keys are always under the tenant's prefix.
 */
import { join } from 'node:path';
import type { RuntimeConfig } from '../config';
import { createLocalStorage } from './local-storage';
import { createS3Storage } from './s3-storage';
import type { ObjectStorage } from './types';

export type { ObjectStorage, S3Settings, StorageSettings } from './types';
export { readStorageSettings } from './settings';
export { createLocalStorage } from './local-storage';
export { createS3Storage } from './s3-storage';
export { safeFileName, tenantObjectKey, tenantPrefix } from './keys';

/**
 * The storage the configuration describes.
 *
 * @example const storage = createStorage(config); await storage.put(tenantId, 'documents/x/a.pdf', bytes);
 */
export function createStorage(config: Pick<RuntimeConfig, 'dataDir'> & { readonly storage?: RuntimeConfig['storage'] }): ObjectStorage {
  const s3 = config.storage?.s3;
  return s3 ? createS3Storage(s3) : createLocalStorage(join(config.dataDir, 'files'));
}

/** Reads a stream to the end (used for files the runtime itself stored, already size-checked). */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(typeof part === 'string' ? Buffer.from(part) : Buffer.from(part));
  return new Uint8Array(Buffer.concat(parts));
}
