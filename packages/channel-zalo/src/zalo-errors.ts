import type { ChannelV1SendResult } from '@agent-chatbot/core';

/** A failed delivery as {@link ChannelV1SendResult} carries it. */
export type ZaloSendFailure = Extract<ChannelV1SendResult, { status: 'failed' }>;

/** How one Zalo OA API error code is handled. */
export interface ZaloErrorRule {
  /** Our error code for the Zalo error. */
  readonly code: string;
  /** Whether sending again later may succeed. */
  readonly retryable: boolean;
  /** Explanation in Vietnamese. */
  readonly messageVi: string;
  /** Explanation in English. */
  readonly message: string;
  /** Suggested wait before retrying. */
  readonly retryAfterMs?: number;
}

const rule = (code: string, retryable: boolean, messageVi: string, message: string, retryAfterMs?: number): ZaloErrorRule => ({
  code,
  retryable,
  messageVi,
  message,
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});

const window = rule('window_closed', false, 'Khách chưa tương tác với OA trong 7 ngày qua; chờ khách nhắn lại', 'The user has not interacted with the OA in the last 7 days; wait for them to write again');
const token = rule('token_invalid', false, 'Access token Zalo không hợp lệ hoặc đã hết hạn; cần cấp quyền lại cho OA', 'The Zalo access token is invalid or expired; the OA must grant access again');
const config = rule('config_error', false, 'Ứng dụng Zalo chưa được cấp quyền hoặc cấu hình sai cho API này', 'The Zalo app is not authorised or misconfigured for this API');

/**
 * Zalo OA API `error` codes (channels.md §1.10) → stable delivery error codes. Token codes -216
 * and -220 reach this table only after the one refresh-and-retry failed.
 */
export const ZALO_ERROR_TABLE: Readonly<Record<number, ZaloErrorRule>> = {
  [-32]: rule('rate_limited', true, 'Zalo đang giới hạn tần suất gọi API; thử lại sau', 'Zalo rate limit reached; retry later', 60_000),
  [-100]: rule('attachment_expired', false, 'Tệp đính kèm đã hết hạn; cần tải lên lại', 'The attachment id expired; upload it again'),
  [-200]: rule('provider_error', true, 'Zalo gửi tin thất bại; sẽ thử lại', 'Zalo failed to send the message; will retry'),
  [-201]: rule('invalid_payload', false, 'Nội dung tin nhắn không hợp lệ với Zalo', 'The message payload is invalid for Zalo'),
  [-204]: rule('account_disabled', false, 'OA Zalo đã bị vô hiệu hoá', 'The Zalo OA is disabled'),
  [-205]: rule('account_disabled', false, 'OA Zalo không tồn tại', 'The Zalo OA does not exist'),
  [-209]: config,
  [-211]: rule('quota_exceeded', false, 'OA đã hết hạn mức gửi tin', 'The OA is out of message quota'),
  [-212]: config,
  [-213]: rule('user_not_follower', false, 'Khách chưa quan tâm OA', 'The user does not follow the OA'),
  [-216]: token,
  [-217]: rule('user_blocked', false, 'Khách đã chặn tin nhắn từ OA', 'The user blocked messages from the OA'),
  [-218]: rule('recipient_quota_exceeded', false, 'Khách đã nhận quá số tin cho phép', 'The user reached their receive quota'),
  [-220]: token,
  [-221]: rule('config_error', false, 'OA cần được xác thực để dùng API này', 'The OA must be verified to use this API'),
  [-223]: config,
  [-224]: rule('config_error', false, 'OA cần nâng cấp gói dịch vụ', 'The OA must upgrade its package'),
  [-227]: rule('user_unavailable', false, 'Tài khoản khách bị khoá hoặc không hoạt động quá 45 ngày', 'The user is banned or inactive for over 45 days'),
  [-230]: window,
  [-232]: window,
  [-233]: rule('invalid_payload', false, 'Loại tin nhắn không hợp lệ', 'Invalid message type'),
  [-234]: rule('night_blocked', true, 'Không được gửi loại tin này từ 22:00 đến 06:00', 'This message type cannot be sent between 22:00 and 06:00', 60 * 60 * 1000),
  [-240]: rule('config_error', false, 'API tin nhắn v2 đã ngừng; cần dùng v3', 'Message API v2 is shut down; use v3'),
  [-242]: rule('config_error', false, 'appsecret_proof không hợp lệ', 'Invalid appsecret_proof'),
  [-244]: rule('user_restricted', false, 'Khách đã chặn loại tin nhắn này', 'The user restricted this message type'),
  [-248]: rule('policy_violation', false, 'Tin nhắn vi phạm tiêu chuẩn nền tảng Zalo', 'The message violates Zalo platform standards'),
};

/** Maps a Zalo `error` code to a failed delivery result. Unknown codes are not retried. */
export function zaloFailure(providerCode: number, providerMessage?: string): ZaloSendFailure {
  const known = ZALO_ERROR_TABLE[providerCode];
  const found = known ?? rule('provider_error', false, 'Zalo trả về lỗi không xác định', 'Zalo returned an unknown error');
  return {
    status: 'failed',
    error: {
      code: found.code,
      message: `${found.messageVi} (${found.message}; Zalo ${providerCode}${providerMessage ? `: ${providerMessage}` : ''})`,
      retryable: found.retryable,
      providerCode,
      ...(found.retryAfterMs !== undefined ? { retryAfterMs: found.retryAfterMs } : {}),
    },
  };
}

/** A failure that did not come from Zalo's error table (network, HTTP status, window check). */
export function localFailure(code: string, retryable: boolean, messageVi: string, message: string, extra: { retryAfterMs?: number; providerCode?: string | number } = {}): ZaloSendFailure {
  return { status: 'failed', error: { code, message: `${messageVi} (${message})`, retryable, ...extra } };
}

/** Whether a Zalo error code means "refresh the access token once and retry". */
export const isZaloTokenError = (code: number): boolean => code === -216 || code === -220;
