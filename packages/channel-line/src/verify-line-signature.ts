import { createHmac, timingSafeEqual } from 'node:crypto';

/** Verifies `x-line-signature` = Base64(HMAC-SHA256(channel secret, raw body)) in constant time. */
export function verifyLineSignature(channelSecret: string, rawBody: string, header: string | null): boolean {
  if (!header) return false;
  const given = Buffer.from(header.trim(), 'utf8');
  const expected = Buffer.from(createHmac('sha256', channelSecret).update(rawBody, 'utf8').digest('base64'), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
