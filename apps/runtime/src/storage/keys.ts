import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';

const tenantIdSchema = z.uuid();
const SEGMENT = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * The full object key of a tenant's file: `<tenantId>/<key>` (the S3 driver puts it under
 * `tenants/`; the local driver under `<dataDir>/files/`, where tenant export/delete expect it). Keys are built by the
 * runtime (never taken verbatim from a request), but are still checked so no key can climb out
 * of its tenant's prefix (`..`, absolute paths, odd characters).
 */
export function tenantObjectKey(tenantId: string, key: string): string {
  return `${tenantPrefix(tenantId)}${checkKey(key, false)}`;
}

/** `<tenantId>/` plus an optional (checked) sub-prefix. */
export function tenantPrefix(tenantId: string, prefix = ''): string {
  if (!tenantIdSchema.safeParse(tenantId).success) {
    throw new ValidationError('Invalid tenant id for storage', 'Mã cửa hàng không hợp lệ khi lưu tệp');
  }
  return `${tenantId}/${prefix === '' ? '' : checkKey(prefix, true)}`;
}

function checkKey(key: string, prefix: boolean): string {
  const trimmed = prefix ? key.replace(/\/+$/, '') : key;
  const segments = trimmed.split('/');
  if (segments.some((segment) => !SEGMENT.test(segment) || segment === '.' || segment === '..')) {
    throw new ValidationError(`Invalid storage key "${key}"`, `Khoá lưu trữ không hợp lệ "${key}"`);
  }
  return prefix ? `${trimmed}/` : trimmed;
}

/** A file name made safe for a storage key segment (accents folded, odd characters replaced). */
export function safeFileName(name: string): string {
  const base = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd');
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(-120);
  return cleaned === '' ? 'file' : cleaned;
}
