import type { ChannelV1SendResult } from '@agent-chatbot/core';

/** A failed delivery. */
export type LineSendFailure = Extract<ChannelV1SendResult, { status: 'failed' }>;

const failure = (code: string, retryable: boolean, messageVi: string, message: string, extra: { retryAfterMs?: number; providerCode?: number } = {}): LineSendFailure => ({
  status: 'failed',
  error: { code, message: `${messageVi} (${message})`, retryable, ...extra },
});

/**
 * Maps a LINE Messaging API error (`{message, details}`, channels.md §4.3): 429 is a rate limit
 * (retryable) unless it is the monthly quota; 401 token; 403 permission; 400 payload; 5xx retryable.
 */
export function lineFailure(status: number, body: { message?: string } | undefined, retryAfterHeader: string | null): LineSendFailure {
  const message = body?.message ?? `HTTP ${status}`;
  if (status === 429) {
    if (/monthly limit/i.test(message)) return failure('quota_exceeded', false, 'Kênh LINE đã hết hạn mức tin nhắn tháng này', message, { providerCode: status });
    const seconds = Number(retryAfterHeader);
    return failure('rate_limited', true, 'LINE đang giới hạn tần suất gửi; thử lại sau', message, { providerCode: status, retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000 });
  }
  if (status === 401) return failure('token_invalid', false, 'Channel access token LINE không hợp lệ', message, { providerCode: status });
  if (status === 403) return failure('permission_denied', false, 'Kênh LINE không có quyền gọi API này', message, { providerCode: status });
  if (status >= 500) return failure('provider_unavailable', true, 'LINE đang gặp sự cố; sẽ thử lại', message, { providerCode: status });
  return failure('invalid_payload', false, 'LINE từ chối tin nhắn', message, { providerCode: status });
}

/** A failure for a call that never got an answer. */
export function lineNetworkFailure(error: unknown): LineSendFailure {
  return failure('network_error', true, 'Không kết nối được LINE; sẽ thử lại', error instanceof Error ? error.message : String(error));
}
