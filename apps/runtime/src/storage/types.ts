import type { Readable } from 'node:stream';

/** Where tenant files (uploaded documents) are kept. Every key lives under its tenant's prefix. */
export interface ObjectStorage {
  /** `'local'` (a folder under the data dir) or `'s3'` (any S3-compatible service). */
  readonly kind: 'local' | 's3';
  /** Stores `body` at `key` of the tenant, replacing what was there. */
  put(tenantId: string, key: string, body: Uint8Array, options?: { contentType?: string }): Promise<void>;
  /** A stream of the object's bytes; a {@link NotFoundError} when absent. */
  get(tenantId: string, key: string): Promise<Readable>;
  /** Deletes one object (no error when absent). */
  delete(tenantId: string, key: string): Promise<void>;
  /**
   * Every key of the tenant under `prefix` (`''`: all of the tenant's files), relative to the
   * tenant (as passed to {@link ObjectStorage.put}); used by backups and tenant export.
   */
  list(tenantId: string, prefix?: string): AsyncIterable<string>;
  /** Deletes every object of the tenant under `prefix` (`''`: all of the tenant's files); returns how many. */
  deletePrefix(tenantId: string, prefix: string): Promise<number>;
  /** Releases clients. */
  close(): Promise<void>;
}

/** S3-compatible settings (`CHATBOT_S3_*`). */
export interface S3Settings {
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  /** Path-style URLs (`endpoint/bucket/key`), needed by MinIO and most self-hosted servers (default true). */
  readonly forcePathStyle: boolean;
}

/** Storage settings of the runtime; without `s3` files stay in `<dataDir>/files`. */
export interface StorageSettings {
  readonly s3?: S3Settings;
}
