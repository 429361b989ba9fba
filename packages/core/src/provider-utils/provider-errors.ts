import {
  AgentChatbotError,
  AuthenticationError,
  ProviderError,
  RateLimitError,
  TimeoutError,
} from '../errors';
import type { CallDeadline } from './call-deadline';

/** Reads `retry-after-ms`, then `retry-after` (seconds or an HTTP date) from a response's headers. */
export function parseRetryAfterMs(headers: Headers | undefined): number | undefined {
  const milliseconds = headers?.get('retry-after-ms');
  if (milliseconds && Number.isFinite(Number.parseFloat(milliseconds))) return Math.max(0, Number.parseFloat(milliseconds));
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** What a provider error looked like on the wire. */
export interface HttpFailure {
  /** Human name for messages, e.g. `'OpenAI'`, `'Anthropic'`, `'Ollama'`. */
  readonly label: string;
  /** Provider id for {@link ProviderError.provider}, e.g. `'openai.chat'`. */
  readonly provider: string;
  /** HTTP status of the failed provider call. */
  readonly status: number;
  /** Response headers (for `Retry-After`). */
  readonly headers: Headers | undefined;
  /** The upstream message (never contains our key: providers mask it, and we do not echo it for 401s). */
  readonly message: string;
  /** The SDK's original error. */
  readonly cause: unknown;
}

/**
 * Maps an HTTP failure to core's typed errors: 401/403 → {@link AuthenticationError}, 429 →
 * {@link RateLimitError} (with `retryAfterMs`), 408/409/5xx → retryable {@link ProviderError},
 * other 4xx (bad request, unknown model) → non-retryable {@link ProviderError}.
 */
export function mapHttpFailure(failure: HttpFailure): AgentChatbotError {
  const { label, provider, status, cause } = failure;
  const details = { provider, upstream_status: status };
  if (status === 401 || status === 403) {
    return new AuthenticationError(
      `${label} rejected the API key (HTTP ${status})`,
      `${label} từ chối khoá API (HTTP ${status})`,
      { code: 'provider_unauthenticated', details, cause },
    );
  }
  if (status === 429) {
    return new RateLimitError({
      retryAfterMs: parseRetryAfterMs(failure.headers),
      message: `${label} rate limit reached: ${failure.message}`,
      messageVi: `${label} đang giới hạn số yêu cầu, vui lòng thử lại sau`,
      category: 'third-party',
      cause,
    });
  }
  return new ProviderError({
    provider,
    upstreamStatus: status,
    message: `${label} request failed with HTTP ${status}: ${failure.message}`,
    messageVi: `${label} trả về lỗi HTTP ${status}`,
    isRetryable: status === 408 || status === 409 || status >= 500,
    details,
    cause,
  });
}

/**
 * Turns whatever a call threw into what the spec promises: our timeout → {@link TimeoutError}; the
 * caller's abort → the caller's abort reason (a DOMException `AbortError` unless they gave one);
 * anything already typed passes through; the rest → a retryable {@link ProviderError}.
 */
export function mapCallError(
  error: unknown,
  deadline: CallDeadline,
  context: { label: string; provider: string },
  mapSdkError: (error: unknown) => AgentChatbotError | undefined,
): unknown {
  if (deadline.timedOut()) {
    const reason: unknown = deadline.signal.reason;
    return AgentChatbotError.isInstance(reason) ? reason : new TimeoutError();
  }
  if (deadline.callerAborted()) {
    const reason: unknown = deadline.signal.reason;
    return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
  }
  if (AgentChatbotError.isInstance(error)) return error;
  const mapped = mapSdkError(error);
  if (mapped) return mapped;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError({
    provider: context.provider,
    message: `${context.label} call failed: ${message}`,
    messageVi: `Gọi ${context.label} thất bại`,
    cause: error,
  });
}
