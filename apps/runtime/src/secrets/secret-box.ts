import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AgentChatbotError } from '@agent-chatbot/core';
import type { SecretKey } from '../config';

/**
 * A ciphertext could not be opened: unknown key id, wrong key, tampered bytes or a malformed
 * envelope. Status 500 (it is never the caller's fault) and never retryable.
 */
export class SecretDecryptionError extends AgentChatbotError {
  constructor(reason: 'unknown_key' | 'auth_failed' | 'malformed', keyId?: string) {
    const texts = {
      unknown_key: [
        `Secret was encrypted with key "${keyId}", which is not in CHATBOT_SECRET_KEYS`,
        `Bí mật được mã hoá bằng khoá "${keyId}" không có trong CHATBOT_SECRET_KEYS`,
      ],
      auth_failed: [
        'Secret failed authentication: wrong key or tampered ciphertext',
        'Không giải mã được bí mật: sai khoá hoặc dữ liệu mã hoá đã bị sửa',
      ],
      malformed: ['Secret ciphertext is malformed', 'Dữ liệu bí mật mã hoá không đúng định dạng'],
    } as const;
    super({
      code: 'secret_decryption_failed',
      status: 500,
      message: texts[reason][0],
      messageVi: texts[reason][1],
      isRetryable: false,
      details: { reason, ...(keyId ? { keyId } : {}) },
    });
    this.name = 'SecretDecryptionError';
  }
}

/**
 * Seals and opens secrets with AES-256-GCM. Envelope: `v1:<keyid>:<iv>:<tag>:<ciphertext>`
 * (base64url parts). The key id says which keyring entry opens it, so keys rotate without a flag
 * day; `aad` binds a ciphertext to where it belongs (tenant + name) so it cannot be copied elsewhere.
 */
export interface SecretBox {
  /** Id of the key new ciphertexts use (the keyring's first). */
  readonly currentKeyId: string;
  encrypt(plaintext: string, aad?: string): string;
  /** Throws {@link SecretDecryptionError} on any failure. */
  decrypt(envelope: string, aad?: string): string;
  /** The key id an envelope names (throws when malformed). */
  keyIdOf(envelope: string): string;
}

/** Builds a {@link SecretBox} over a keyring (first key current). */
export function createSecretBox(keys: readonly SecretKey[]): SecretBox {
  const current = keys[0];
  if (!current) throw new Error('createSecretBox needs at least one key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));

  const parse = (envelope: string) => {
    const parts = envelope.split(':');
    if (parts.length !== 5 || parts[0] !== 'v1' || !parts[1]) throw new SecretDecryptionError('malformed');
    const [, keyId, iv, tag, ct] = parts as [string, string, string, string, string];
    return { keyId, iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), ct: Buffer.from(ct, 'base64url') };
  };

  return {
    currentKeyId: current.id,
    encrypt(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return ['v1', current.id, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join(':');
    },
    decrypt(envelope, aad) {
      const { keyId, iv, tag, ct } = parse(envelope);
      const key = byId.get(keyId);
      if (!key) throw new SecretDecryptionError('unknown_key', keyId);
      if (iv.length !== 12 || tag.length !== 16) throw new SecretDecryptionError('malformed');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptionError('auth_failed', keyId);
      }
    },
    keyIdOf(envelope) {
      return parse(envelope).keyId;
    },
  };
}

/**
 * The masked form of a secret, safe to show and log: a short vendor prefix (`sk-`, `xoxb-`) kept,
 * then `…` and the last 4 characters — `sk-…abcd`. Short secrets show no characters at all.
 */
export function maskSecret(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length < 12) return '••••';
  const prefix = /^[A-Za-z]{1,6}[-_]/.exec(trimmed)?.[0] ?? '';
  return `${prefix}…${trimmed.slice(-4)}`;
}

/** The AAD that binds a platform setting's ciphertext (`platform_settings`) to its name. */
export function platformSettingAad(name: string): string {
  return `platform_settings:${name}`;
}

/** The AAD that binds a tenant secret to its tenant and name. */
export function tenantSecretAad(tenantId: string, name: string): string {
  return `tenant_secrets:${tenantId}:${name}`;
}

/** The AAD that binds a channel connection's encrypted field to its tenant and connection. */
export function connectionSecretAad(tenantId: string, connectionId: string, field: 'credentials' | 'webhook_secret'): string {
  return `channel_connections:${tenantId}:${connectionId}:${field}`;
}
