import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `v0=<hex HMAC-SHA256>` of `v0:<timestamp>:<raw body>` (Slack's scheme). */
export const SIGNATURE_HEADER = 'x-teamchat-signature';
/** Header carrying the Unix time (seconds) the request was signed at. */
export const TIMESTAMP_HEADER = 'x-teamchat-request-timestamp';

/**
 * Signs a raw webhook body the way TeamChat does. Exported so tests (and the testkit's
 * `signRequest`) build exactly what the provider would send.
 */
export function signTeamChatRequest(options: { signingSecret: string; timestamp: number | string; rawBody: string }): string {
  const base = `v0:${options.timestamp}:${options.rawBody}`;
  return `v0=${createHmac('sha256', options.signingSecret).update(base, 'utf8').digest('hex')}`;
}

/**
 * Checks a request's signature over the exact raw bytes, in constant time, and rejects timestamps
 * older (or further in the future) than `toleranceMs`, so a captured request cannot be replayed.
 */
export function verifyTeamChatSignature(options: {
  signingSecret: string;
  rawBody: string;
  signature: string | null;
  timestamp: string | null;
  nowMs: number;
  toleranceMs: number;
}): boolean {
  if (!options.signature || !options.timestamp || !/^\d{1,12}$/.test(options.timestamp)) return false;
  if (Math.abs(options.nowMs - Number(options.timestamp) * 1000) > options.toleranceMs) return false;
  const expected = Buffer.from(signTeamChatRequest({ signingSecret: options.signingSecret, timestamp: options.timestamp, rawBody: options.rawBody }));
  const given = Buffer.from(options.signature);
  // timingSafeEqual throws on different lengths; a length mismatch is simply a forgery.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
