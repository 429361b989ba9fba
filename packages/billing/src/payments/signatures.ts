import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '@agent-chatbot/core';

/** HMAC hex digest. */
export function hmacHex(algorithm: 'sha256' | 'sha512', secret: string, data: string): string {
  return createHmac(algorithm, secret).update(data, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests (case-insensitive); false on any length mismatch. */
export function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a.toLowerCase(), 'utf8');
  const right = Buffer.from(b.toLowerCase(), 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks a Stripe-style signature header `t=<unix>,v1=<hex>[,v1=…]`: HMAC-SHA256 of
 * `${t}.${rawBody}` must equal one `v1`, and `t` must be within the tolerance (default 300 s).
 * Used for Stripe webhooks and for the signed bank-notification webhook. Throws {@link SignatureError}.
 */
export function verifyTimestampedSignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  options: { toleranceSeconds?: number; now?: Date } = {},
  who = 'Webhook',
): void {
  const parts = (header ?? '').split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (!Number.isInteger(timestamp) || signatures.length === 0) {
    throw new SignatureError(`Missing or malformed ${who} signature header`, `Thiếu hoặc sai định dạng chữ ký ${who}`);
  }
  const expected = hmacHex('sha256', secret, `${timestamp}.${rawBody}`);
  if (!signatures.some((signature) => safeEqualHex(expected, signature))) {
    throw new SignatureError(`Invalid ${who} signature`, `Chữ ký ${who} không hợp lệ`);
  }
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? 300)) {
    throw new SignatureError(`${who} signature timestamp outside the tolerance window`, `Chữ ký ${who} đã quá hạn`);
  }
}
