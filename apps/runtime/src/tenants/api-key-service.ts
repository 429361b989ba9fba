import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, ValidationError } from '@agent-chatbot/core';
import { assertTenantId } from '../db/tenant-id';
import type { Db, Tx } from '../db/types';

/** Every tenant API key starts with this, so leaked keys are recognisable (and log-scrubbed). */
export const API_KEY_PREFIX = 'acb_';

/** An API key as stored and listed (never the key itself). */
export interface ApiKeySummary {
  id: string;
  tenantId: string;
  name: string;
  /** The visible start of the key, e.g. `acb_3kF9xQ2a`. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** SHA-256 (hex) of a key: what the database stores and looks keys up by. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A fresh random key (`acb_` + 43 base64url characters = 256 bits). */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

type Row = { id: string; tenant_id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null };
const summary = (r: Row): ApiKeySummary => ({
  id: r.id, tenantId: r.tenant_id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
});
const COLUMNS = 'id, tenant_id, name, prefix, created_at, last_used_at, revoked_at';

/**
 * Creates an API key inside a tenant transaction. Returns the key once (`key`); only its SHA-256
 * hash and prefix are stored. 404 when the transaction's tenant does not exist.
 */
export async function insertApiKey(
  tx: Tx,
  tenantId: string,
  options: { name?: string; createdBy?: string } = {},
): Promise<ApiKeySummary & { key: string }> {
  const id = assertTenantId(tenantId);
  const name = (options.name ?? 'default').trim();
  if (name.length === 0 || name.length > 100) {
    throw new ValidationError('API key name must be 1–100 characters', 'Tên API key phải dài 1–100 ký tự', { details: { field: 'name' } });
  }
  const exists = await tx.query('SELECT 1 FROM tenants WHERE id = $1', [id]);
  if (exists.rowCount === 0) throw new NotFoundError(`Tenant not found: ${id}`, `Không tìm thấy cửa hàng: ${id}`);
  const key = generateApiKey();
  const { rows } = await tx.query<Row>(
    `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [id, name, key.slice(0, 12), hashApiKey(key), options.createdBy ?? null],
  );
  await tx.query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_kind, action, target_type, target_id, details)
     VALUES ($1, $2, $3, 'api_key.create', 'api_key', $4, $5)`,
    [id, options.createdBy ?? null, options.createdBy ? 'user' : 'cli', rows[0]!.id, JSON.stringify({ name, prefix: rows[0]!.prefix })],
  );
  return { ...summary(rows[0]!), key };
}

/**
 * Creates an API key for a tenant in its own tenant transaction (`agent-chatbot apikey create`).
 *
 * @example const { key } = await createApiKey(db, tenantId, { name: 'website' }); // show once
 */
export async function createApiKey(
  db: Db,
  tenantId: string,
  options: { name?: string; createdBy?: string } = {},
): Promise<ApiKeySummary & { key: string }> {
  return db.tenant(tenantId, (tx) => insertApiKey(tx, tenantId, options));
}

/** The tenant's keys (prefixes only), newest first. Inside a tenant transaction. */
export async function listApiKeys(tx: Tx): Promise<ApiKeySummary[]> {
  const { rows } = await tx.query<Row>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC`);
  return rows.map(summary);
}

/** Revokes one of the tenant's keys; 404 when it is not the tenant's (or already revoked). */
export async function revokeApiKey(tx: Tx, keyId: string): Promise<void> {
  const { rowCount } = await tx.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [keyId]);
  if (rowCount === 0) throw new NotFoundError('API key not found', 'Không tìm thấy API key');
}

/**
 * Which tenant a presented key acts for, through the one-door function (no tenant is known yet).
 * Undefined for an unknown or revoked key. Check `tenantStatus` before serving.
 */
export async function resolveApiKey(
  db: Db,
  key: string,
): Promise<{ tenantId: string; apiKeyId: string; tenantStatus: string } | undefined> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return undefined;
  const { rows } = await db.anonymous((tx) =>
    tx.query<{ tenant_id: string; api_key_id: string; tenant_status: string }>('SELECT * FROM app.tenant_for_api_key($1)', [hashApiKey(key)]),
  );
  const r = rows[0];
  return r ? { tenantId: r.tenant_id, apiKeyId: r.api_key_id, tenantStatus: r.tenant_status } : undefined;
}
