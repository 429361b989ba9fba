import { ValidationError } from '@agent-chatbot/core';

/**
 * The database surface billing needs. The runtime's `Db` (apps/runtime/src/db/types.ts) satisfies
 * it as is: `tenant()` runs one transaction as `chatbot_app` with `app.tenant_id` set (row-level
 * security), `platform()` one transaction across tenants (webhooks, jobs, admin).
 */
export interface BillingTx {
  /** Runs one statement. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
}

/** Transaction runner; see {@link BillingTx}. */
export interface BillingDb {
  /** Runs `fn` in one transaction confined to the tenant (row-level security). */
  tenant<T>(tenantId: string, fn: (tx: BillingTx) => Promise<T>): Promise<T>;
  /** Runs `fn` in one platform-wide transaction (jobs, admin). */
  platform<T>(fn: (tx: BillingTx) => Promise<T>): Promise<T>;
}

/** int8/numeric columns may arrive as strings (plain `pg`); money paths always go through this. */
export function toInt(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const number = typeof value === 'bigint' ? Number(value) : Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`Not a safe integer from the database: ${String(value)}`);
  return number;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws a 400 `ValidationError` unless `value` is a UUID (ids reach Postgres uuid columns). */
export function requireUuid(value: string, field: string): string {
  if (!UUID_PATTERN.test(value)) {
    throw new ValidationError(`${field} must be a UUID`, `${field} phải là UUID`, { details: { field, value } });
  }
  return value;
}
