/**
 * The slice of the runtime's secrets module the API uses: AES-256-GCM encryption with the current
 * key id. Plaintext goes in, only ciphertext and a mask are ever stored or returned.
 */

/** Encrypts tenant secrets at rest. */
export interface TenantSecrets {
  /** Encrypts `plaintext` with the current key; the envelope carries the key id for rotation. */
  encrypt(plaintext: string): { ciphertext: string; keyId: string };
}

/**
 * The only form of a secret the API returns: a few leading characters when they are a well-known
 * vendor prefix (`sk-`, `sk-ant-`), an ellipsis and the last four. Short values show nothing.
 *
 * @example maskSecret('sk-proj-abcdef1234') // 'sk-…1234'
 */
export function maskSecret(value: string): string {
  if (value.length < 12) return '…';
  const prefix = /^(sk-ant-|sk-|ack_|xox[abp]-|ghp_)/.exec(value)?.[0] ?? '';
  return `${prefix}…${value.slice(-4)}`;
}
