import { createHash, randomUUID } from 'node:crypto';

/**
 * The `X-Line-Retry-Key` for one push request: a UUID derived from your outbound message id (and
 * the batch number), so a delivery job that retries after a timeout sends the same key and LINE
 * answers 409 instead of delivering twice. Without an id, a random UUID (no idempotency).
 */
export function lineRetryKey(outboundMessageId: string | undefined, batch = 0): string {
  if (!outboundMessageId) return randomUUID();
  const bytes = createHash('sha256').update(`agent-chatbot:line-retry-key:${outboundMessageId}:${batch}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5 layout (name-based)
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
