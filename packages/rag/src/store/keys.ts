import { createHash } from 'node:crypto';
import { ValidationError } from '@agent-chatbot/core';

/** Lower-case hex SHA-256 of `value`, truncated to `length` characters. */
export function hashHex(value: string, length = 64): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, length);
}

/**
 * The only way a value reaches a LanceDB filter string: it must be hex we produced ourselves.
 * Untrusted ids and names are hashed first and never interpolated (no SQL injection by design).
 */
export function sqlHex(value: string): string {
  if (!/^[0-9a-f]{1,64}$/.test(value)) {
    throw new ValidationError('Internal filter value is not hex', 'Giá trị lọc nội bộ không hợp lệ');
  }
  return `'${value}'`;
}

/** The chunk table of a namespace (tenant); a hash keeps any tenant id a valid table name. */
export function chunkTableName(namespace: string): string {
  if (namespace.length === 0) throw new ValidationError('Namespace is required', 'Thiếu namespace (mã tenant)');
  return `kb_${hashHex(namespace, 40)}`;
}

/** The document manifest table of a namespace: which version of each document is live. */
export function documentTableName(namespace: string): string {
  return `${chunkTableName(namespace)}_docs`;
}

/** Key of a source id in filters (`source_key = '…'`), so raw source ids never enter SQL. */
export function sourceKey(sourceId: string): string {
  return hashHex(sourceId, 40);
}
