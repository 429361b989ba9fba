import type { AgentChatbotError } from './agent-chatbot-error';

/**
 * A Fetch `Response` for a typed error: the bilingual body `{ error: { code, message, message_vi } }`
 * with the error's status, and `Retry-After` (seconds, rounded up) when `details.retry_after_ms` is
 * set (rate limits, quotas). `headers` are added (e.g. `cache-control`).
 *
 * @example
 * return errorResponse(new ValidationError('Missing text', 'Thiếu nội dung'));
 */
export function errorResponse(error: AgentChatbotError, headers: Record<string, string> = {}): Response {
  const retryAfterMs = error.details?.['retry_after_ms'];
  const retryAfter: Record<string, string> = typeof retryAfterMs === 'number' ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } : {};
  return new Response(JSON.stringify(error.toJSON()), {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...retryAfter, ...headers },
  });
}
