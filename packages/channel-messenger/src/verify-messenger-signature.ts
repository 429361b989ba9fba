import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` in constant
 * time. The raw bytes matter: Meta escapes non-ASCII as `\uXXXX` before signing, so re-serialised
 * JSON would not match (channels.md §2.2).
 */
export function verifyMessengerSignature(appSecret: string, rawBody: string, header: string | null): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7).toLowerCase(), 'utf8');
  const expected = Buffer.from(createHmac('sha256', appSecret).update(rawBody, 'utf8').digest('hex'), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Answers Meta's GET verification: the challenge when mode and token match, else `null` (→ 403). */
export function answerMessengerVerification(url: URL, verifyToken: string): string | null {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge');
  if (mode !== 'subscribe' || challenge === null) return null;
  const a = Buffer.from(token, 'utf8');
  const b = Buffer.from(verifyToken, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b) ? challenge : null;
}
