import { createHash, timingSafeEqual } from 'node:crypto';

/** Why a Zalo webhook was refused, or `ok`. */
export type ZaloSignatureCheck =
  | { readonly ok: true; readonly timestamp: string }
  | { readonly ok: false; readonly reason: 'missing_signature' | 'missing_timestamp' | 'bad_signature' | 'stale_timestamp' };

// The timestamp is read from the raw bytes with a pattern, not JSON.parse: nothing is parsed
// before the signature is verified (channels.md: verify first, then parse).
const TIMESTAMP_FIELD = /"timestamp"\s*:\s*"?(\d{10,16})"?/;

/** Computes the lowercase hex `X-ZEvent-Signature` digest (without `mac=`). */
export function computeZaloSignature(appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(appId + rawBody + timestamp + oaSecretKey, 'utf8').digest('hex');
}

/**
 * Verifies `X-ZEvent-Signature` = SHA-256(appId + rawBody + timestamp + oaSecretKey), accepting
 * the header with or without its `mac=` prefix, comparing in constant time, and refusing events
 * whose body timestamp is older than `maxAgeMs` (Zalo retries for about 2 h, so the default
 * window in the channel is 3 h) or more than 5 minutes in the future.
 */
export function verifyZaloSignature(options: {
  appId: string;
  oaSecretKey: string;
  rawBody: string;
  header: string | null;
  maxAgeMs: number;
  now: number;
}): ZaloSignatureCheck {
  const header = options.header?.trim();
  if (!header) return { ok: false, reason: 'missing_signature' };
  const timestamp = TIMESTAMP_FIELD.exec(options.rawBody)?.[1];
  if (!timestamp) return { ok: false, reason: 'missing_timestamp' };
  const given = header.toLowerCase().startsWith('mac=') ? header.slice(4) : header;
  const expected = computeZaloSignature(options.appId, options.rawBody, timestamp, options.oaSecretKey);
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'bad_signature' };
  const age = options.now - Number(timestamp);
  if (age > options.maxAgeMs || age < -5 * 60 * 1000) return { ok: false, reason: 'stale_timestamp' };
  return { ok: true, timestamp };
}
