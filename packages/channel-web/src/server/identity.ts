import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The identity hash a site computes on its own server for a logged-in user:
 * hex HMAC-SHA256 of the user id with the tenant's widget identity secret (Intercom-style).
 *
 * @example
 * ```ts
 * // On the shop's server, never in the browser:
 * const hash = computeIdentityHash(String(user.id), process.env.CHATBOT_WIDGET_SECRET!);
 * // <script src=".../widget.js" data-key="pk_..." data-user-id="42" data-user-hash="${hash}" async></script>
 * ```
 */
export function computeIdentityHash(userId: string, secret: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Checks an identity hash in constant time; false for anything malformed. */
export function verifyIdentityHash(userId: string, hash: string, secret: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(hash)) return false;
  const expected = Buffer.from(computeIdentityHash(userId, secret), 'hex');
  const given = Buffer.from(hash.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
