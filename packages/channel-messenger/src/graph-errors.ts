import type { ChannelV1SendResult } from '@agent-chatbot/core';
import { z } from 'zod';

/** A failed delivery. */
export type MessengerSendFailure = Extract<ChannelV1SendResult, { status: 'failed' }>;

const graphErrorSchema = z.looseObject({
  error: z.looseObject({ message: z.string().optional(), type: z.string().optional(), code: z.number(), error_subcode: z.number().optional(), is_transient: z.boolean().optional() }),
});

const failure = (code: string, retryable: boolean, messageVi: string, message: string, extra: { retryAfterMs?: number; providerCode?: number } = {}): MessengerSendFailure => ({
  status: 'failed',
  error: { code, message: `${messageVi} (${message})`, retryable, ...extra },
});

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);

/** Reads `estimated_time_to_regain_access` (minutes) from `X-Business-Use-Case-Usage`. */
function regainAccessMs(header: string | null): number | undefined {
  if (!header) return undefined;
  try {
    const usage = JSON.parse(header) as Record<string, Array<{ estimated_time_to_regain_access?: number }>>;
    const minutes = Math.max(0, ...Object.values(usage).flat().map((u) => u.estimated_time_to_regain_access ?? 0));
    return minutes > 0 ? minutes * 60_000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Maps a Graph API error (channels.md §2.6): 190 → token_invalid (flag the channel); subcode
 * 2018278 → window_closed; 551 → user_unavailable; 4/17/32/613 → rate_limited (retryable, with
 * the usage header's wait); 2/1200/transient/5xx → retryable; others permanent.
 */
export function graphFailure(status: number, body: unknown, headers: Headers): MessengerSendFailure {
  const parsed = graphErrorSchema.safeParse(body);
  if (!parsed.success) {
    const retryable = status === 429 || status >= 500;
    return failure(retryable ? 'provider_unavailable' : 'provider_error', retryable, `Facebook trả về HTTP ${status}`, `Graph API answered HTTP ${status}`, { providerCode: status });
  }
  const { code, error_subcode: subcode, message = 'Graph API error', is_transient: transient } = parsed.data.error;
  const detail = `${message} (code ${code}${subcode !== undefined ? `/${subcode}` : ''})`;
  if (code === 190) return failure('token_invalid', false, 'Page access token không hợp lệ hoặc đã hết hạn; cần kết nối lại trang', detail, { providerCode: code });
  if (subcode === 2018278) return failure('window_closed', false, 'Đã quá 24 giờ kể từ tin nhắn cuối của khách; chờ khách nhắn lại hoặc để nhân viên trả lời với thẻ HUMAN_AGENT', detail, { providerCode: code });
  if (code === 551) return failure('user_unavailable', false, 'Người nhận hiện không thể nhận tin nhắn', detail, { providerCode: code });
  if (RATE_LIMIT_CODES.has(code)) {
    return failure('rate_limited', true, 'Facebook đang giới hạn tần suất gửi; thử lại sau', detail, { providerCode: code, retryAfterMs: regainAccessMs(headers.get('x-business-use-case-usage')) ?? 60_000 });
  }
  if (code === 2 || code === 1200 || transient || status >= 500) return failure('provider_unavailable', true, 'Facebook tạm thời lỗi; sẽ thử lại', detail, { providerCode: code });
  if (code === 10 || code === 200) return failure('permission_denied', false, 'Ứng dụng chưa có quyền gửi tin cho trang này', detail, { providerCode: code });
  if (code === 368) return failure('policy_blocked', false, 'Trang bị tạm chặn vì vi phạm chính sách', detail, { providerCode: code });
  if (code === 100 && subcode === 2018001) return failure('invalid_recipient', false, 'Không tìm thấy người nhận', detail, { providerCode: code });
  return failure('invalid_payload', false, 'Facebook từ chối tin nhắn', detail, { providerCode: code });
}

/** A failure for a call that never got an answer. */
export function graphNetworkFailure(error: unknown): MessengerSendFailure {
  return failure('network_error', true, 'Không kết nối được Facebook; sẽ thử lại', error instanceof Error ? error.message : String(error));
}
