import { readJson, type ChannelV1SendResult, type HttpClient } from '@agent-chatbot/core';
import { z } from 'zod';

/** Schema of the Bot API envelope every method answers with. */
export const telegramEnvelopeSchema = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.looseObject({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() }).optional(),
});

/** The Bot API envelope (`{ok, result}` or `{ok:false, error_code, description, parameters}`). */
export type TelegramEnvelope = z.infer<typeof telegramEnvelopeSchema>;

/** A failed delivery. */
export type TelegramSendFailure = Extract<ChannelV1SendResult, { status: 'failed' }>;

/** Calls `<apiBase>/bot<token>/<method>` with a JSON body; network errors propagate. */
export async function callTelegram(http: HttpClient, apiBase: string, botToken: string, method: string, body: Record<string, unknown> = {}): Promise<{ status: number; envelope: TelegramEnvelope | undefined }> {
  const response = await http(`${apiBase}/bot${botToken}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const parsed = telegramEnvelopeSchema.safeParse(await readJson(response));
  return { status: response.status, envelope: parsed.success ? parsed.data : undefined };
}

const failure = (code: string, retryable: boolean, messageVi: string, message: string, extra: { retryAfterMs?: number; providerCode?: number } = {}): TelegramSendFailure => ({
  status: 'failed',
  error: { code, message: `${messageVi} (${message})`, retryable, ...extra },
});

/**
 * Maps a failed Bot API call (channels.md §3.4): 429 → rate_limited with `retry_after`; 403 →
 * user_blocked; 401 → token_invalid; 400 chat not found / migrated → permanent; 5xx → retryable.
 */
export function telegramFailure(status: number, env: TelegramEnvelope | undefined): TelegramSendFailure {
  const code = env?.error_code ?? status;
  const description = env?.description ?? `HTTP ${status}`;
  if (code === 429) {
    const seconds = env?.parameters?.retry_after ?? 1;
    return failure('rate_limited', true, `Telegram giới hạn tần suất; thử lại sau ${seconds} giây`, description, { retryAfterMs: seconds * 1000, providerCode: code });
  }
  if (code === 401 || code === 404) return failure('token_invalid', false, 'Bot token Telegram không hợp lệ', description, { providerCode: code });
  if (code === 403) return failure('user_blocked', false, 'Khách đã chặn bot hoặc bot không còn trong nhóm', description, { providerCode: code });
  if (env?.parameters?.migrate_to_chat_id !== undefined) {
    return failure('chat_migrated', false, `Nhóm đã chuyển thành supergroup ${env.parameters.migrate_to_chat_id}`, description, { providerCode: code });
  }
  if (code >= 500 || status >= 500) return failure('provider_unavailable', true, 'Telegram đang gặp sự cố; sẽ thử lại', description, { providerCode: code });
  if (/chat not found|user not found/i.test(description)) return failure('invalid_recipient', false, 'Không tìm thấy cuộc trò chuyện Telegram', description, { providerCode: code });
  return failure('invalid_payload', false, 'Telegram từ chối tin nhắn', description, { providerCode: code });
}

/** A failure for a call that never got an answer. */
export function telegramNetworkFailure(error: unknown): TelegramSendFailure {
  return failure('network_error', true, 'Không kết nối được Telegram; sẽ thử lại', error instanceof Error ? error.message : String(error));
}
