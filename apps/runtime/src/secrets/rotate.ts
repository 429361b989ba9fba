import type { Db } from '../db/types';
import { connectionSecretAad, platformSettingAad, tenantSecretAad, type SecretBox } from './secret-box';

/** What {@link rotateSecrets} re-encrypted. */
export interface RotateResult {
  keyId: string;
  tenantSecrets: number;
  channelConnections: number;
  /** Platform settings (the platform LLM key saved by a platform admin). */
  platformSettings: number;
}

/**
 * Re-encrypts every ciphertext not yet under the current key (tenant_secrets, channel connection
 * credentials and webhook secrets, platform_settings) in one platform transaction: all or nothing. Old keys can be
 * dropped from CHATBOT_SECRET_KEYS once this has run. A ciphertext no key opens aborts the whole
 * rotation with a {@link SecretDecryptionError}.
 */
export async function rotateSecrets(db: Db, box: SecretBox): Promise<RotateResult> {
  return db.platform(async (tx) => {
    const secrets = await tx.query<{ tenant_id: string; name: string; ciphertext: string }>(
      'SELECT tenant_id, name, ciphertext FROM tenant_secrets WHERE key_id IS DISTINCT FROM $1 FOR UPDATE',
      [box.currentKeyId],
    );
    for (const s of secrets.rows) {
      const aad = tenantSecretAad(s.tenant_id, s.name);
      const sealed = box.encrypt(box.decrypt(s.ciphertext, aad), aad);
      await tx.query('UPDATE tenant_secrets SET ciphertext = $1, key_id = $2, updated_at = now() WHERE tenant_id = $3 AND name = $4', [
        sealed,
        box.currentKeyId,
        s.tenant_id,
        s.name,
      ]);
    }
    const connections = await tx.query<{
      id: string;
      tenant_id: string;
      credentials_ciphertext: string | null;
      webhook_secret_ciphertext: string | null;
    }>(
      `SELECT id, tenant_id, credentials_ciphertext, webhook_secret_ciphertext FROM channel_connections
       WHERE (credentials_ciphertext IS NOT NULL OR webhook_secret_ciphertext IS NOT NULL)
         AND key_id IS DISTINCT FROM $1 FOR UPDATE`,
      [box.currentKeyId],
    );
    for (const c of connections.rows) {
      const reseal = (value: string | null, field: 'credentials' | 'webhook_secret') => {
        if (value === null) return null;
        const aad = connectionSecretAad(c.tenant_id, c.id, field);
        return box.encrypt(box.decrypt(value, aad), aad);
      };
      await tx.query(
        `UPDATE channel_connections SET credentials_ciphertext = $1, webhook_secret_ciphertext = $2, key_id = $3, updated_at = now()
         WHERE id = $4`,
        [reseal(c.credentials_ciphertext, 'credentials'), reseal(c.webhook_secret_ciphertext, 'webhook_secret'), box.currentKeyId, c.id],
      );
    }
    const settings = await tx.query<{ name: string; ciphertext: string }>(
      'SELECT name, ciphertext FROM platform_settings WHERE ciphertext IS NOT NULL AND key_id IS DISTINCT FROM $1 FOR UPDATE',
      [box.currentKeyId],
    );
    for (const p of settings.rows) {
      const aad = platformSettingAad(p.name);
      // The version is left alone: the plaintext did not change, processes need not reload.
      await tx.query('UPDATE platform_settings SET ciphertext = $1, key_id = $2 WHERE name = $3', [box.encrypt(box.decrypt(p.ciphertext, aad), aad), box.currentKeyId, p.name]);
    }
    return { keyId: box.currentKeyId, tenantSecrets: secrets.rowCount, channelConnections: connections.rowCount, platformSettings: settings.rowCount };
  });
}
