import { NotFoundError, ValidationError } from '@agent-chatbot/core';
import { assertTenantId } from '../db/tenant-id';
import type { Tx } from '../db/types';
import { maskSecret, tenantSecretAad, type SecretBox } from './secret-box';

/** What the API may show about a stored secret: never the value, only its mask. */
export interface TenantSecretInfo {
  name: string;
  /** Masked value, e.g. `sk-…abcd`. */
  hint: string;
  keyId: string;
  updatedAt: Date;
}

const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

function assertName(name: string): string {
  if (!NAME.test(name)) {
    throw new ValidationError(
      'Invalid secret name (lower-case letters, digits, "_", ".", "-"; up to 64)',
      'Tên bí mật không hợp lệ (chữ thường, số, "_", ".", "-"; tối đa 64 ký tự)',
      { details: { name: name.slice(0, 64) } },
    );
  }
  return name;
}

/**
 * Write-only tenant secrets over `tenant_secrets`, inside the caller's transaction (normally a
 * `db.tenant(id, …)` one, so RLS confines it to that tenant). Reading back through
 * `list`/`describe` returns only the mask; `reveal` is for server-side use (calling the tenant's
 * LLM) and must never feed a response or a log line.
 */
export interface TenantSecretStore {
  put(tx: Tx, tenantId: string, name: string, value: string): Promise<TenantSecretInfo>;
  list(tx: Tx): Promise<TenantSecretInfo[]>;
  describe(tx: Tx, name: string): Promise<TenantSecretInfo | undefined>;
  /** The plaintext, or undefined when not set. Server-side use only. */
  reveal(tx: Tx, tenantId: string, name: string): Promise<string | undefined>;
  /** Deletes; throws NotFoundError (404) when absent. */
  remove(tx: Tx, name: string): Promise<void>;
}

interface Row {
  name: string;
  hint: string;
  key_id: string;
  updated_at: Date;
}
const info = (r: Row): TenantSecretInfo => ({ name: r.name, hint: r.hint, keyId: r.key_id, updatedAt: r.updated_at });

/** Creates the store over a {@link SecretBox}. */
export function createTenantSecretStore(box: SecretBox): TenantSecretStore {
  return {
    async put(tx, tenantId, name, value) {
      const id = assertTenantId(tenantId);
      assertName(name);
      if (typeof value !== 'string' || value.length === 0 || value.length > 8192) {
        throw new ValidationError('Secret value must be 1–8192 characters', 'Giá trị bí mật phải dài 1–8192 ký tự');
      }
      const ciphertext = box.encrypt(value, tenantSecretAad(id, name));
      const { rows } = await tx.query<Row>(
        `INSERT INTO tenant_secrets (tenant_id, name, ciphertext, key_id, hint) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, name) DO UPDATE
           SET ciphertext = EXCLUDED.ciphertext, key_id = EXCLUDED.key_id, hint = EXCLUDED.hint, updated_at = now()
         RETURNING name, hint, key_id, updated_at`,
        [id, name, ciphertext, box.currentKeyId, maskSecret(value)],
      );
      return info(rows[0]!);
    },
    async list(tx) {
      const { rows } = await tx.query<Row>('SELECT name, hint, key_id, updated_at FROM tenant_secrets ORDER BY name');
      return rows.map(info);
    },
    async describe(tx, name) {
      const { rows } = await tx.query<Row>('SELECT name, hint, key_id, updated_at FROM tenant_secrets WHERE name = $1', [
        assertName(name),
      ]);
      return rows[0] ? info(rows[0]) : undefined;
    },
    async reveal(tx, tenantId, name) {
      const id = assertTenantId(tenantId);
      const { rows } = await tx.query<{ ciphertext: string }>(
        'SELECT ciphertext FROM tenant_secrets WHERE tenant_id = $1 AND name = $2',
        [id, assertName(name)],
      );
      return rows[0] ? box.decrypt(rows[0].ciphertext, tenantSecretAad(id, name)) : undefined;
    },
    async remove(tx, name) {
      const { rowCount } = await tx.query('DELETE FROM tenant_secrets WHERE name = $1', [assertName(name)]);
      if (rowCount === 0) throw new NotFoundError('Secret not found', 'Không tìm thấy bí mật');
    },
  };
}
