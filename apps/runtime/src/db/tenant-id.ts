import { ValidationError } from '@agent-chatbot/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID string (any version), the shape of every id in the data model. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Returns `tenantId` lower-cased, or throws a 400 {@link ValidationError} when it is not a UUID.
 * Called before a tenant id reaches `set_config`, so a bad id is a clear 4xx, not a SQL error.
 */
export function assertTenantId(tenantId: unknown): string {
  if (!isUuid(tenantId)) {
    throw new ValidationError('Invalid tenant id (expected a UUID)', 'Mã tenant không hợp lệ (cần dạng UUID)', {
      details: { tenantId: typeof tenantId === 'string' ? tenantId.slice(0, 64) : typeof tenantId },
    });
  }
  return tenantId.toLowerCase();
}
