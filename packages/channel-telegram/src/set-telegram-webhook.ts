import { ProviderError, type HttpClient } from '@agent-chatbot/core';
import { randomBytes } from 'node:crypto';
import { callTelegram } from './telegram-api';

/** The update kinds the channel understands (others are not delivered). */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/** A fresh `secret_token`: 1–256 chars of A-Z a-z 0-9 _ - (here 43 base64url chars, 256 bits). */
export function generateTelegramSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Registers `url` with `setWebhook` and the secret Telegram will send in
 * `X-Telegram-Bot-Api-Secret-Token`. Throws a {@link ProviderError} when Telegram refuses.
 */
export async function setTelegramWebhook(options: {
  http: HttpClient;
  apiBase: string;
  botToken: string;
  url: string;
  secretToken: string;
  dropPendingUpdates?: boolean;
}): Promise<void> {
  const { status, envelope } = await callTelegram(options.http, options.apiBase, options.botToken, 'setWebhook', {
    url: options.url,
    secret_token: options.secretToken,
    allowed_updates: TELEGRAM_ALLOWED_UPDATES,
    drop_pending_updates: options.dropPendingUpdates ?? false,
  });
  if (!envelope?.ok) {
    throw new ProviderError({
      provider: 'telegram',
      upstreamStatus: status,
      message: `Telegram setWebhook failed: ${envelope?.description ?? `HTTP ${status}`}`,
      messageVi: `Telegram từ chối đăng ký webhook: ${envelope?.description ?? `HTTP ${status}`}`,
    });
  }
}
