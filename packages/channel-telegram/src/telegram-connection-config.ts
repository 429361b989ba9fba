import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { createTelegramChannel, type TelegramChannel, type TelegramChannelOptions } from './create-telegram-channel';

/** A Telegram connection's stored config: `bot_token`, plus the `secret_token` set by setWebhook. */
export const telegramConnectionConfigSchema = z.object({
  bot_token: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/),
  secret_token: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/).optional(),
});

/** A parsed {@link telegramConnectionConfigSchema}. */
export type TelegramConnectionConfig = z.infer<typeof telegramConnectionConfigSchema>;

/** Builds a channel from a stored config plus deployment settings (`CHATBOT_TELEGRAM_API_BASE`, proxy). */
export function createTelegramChannelFromConfig(config: unknown, settings: Pick<TelegramChannelOptions, 'apiBase' | 'proxy' | 'fetch' | 'timeoutMs'> = {}): TelegramChannel {
  const parsed = telegramConnectionConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new ValidationError('Invalid Telegram connection config', 'Cấu hình kết nối Telegram không hợp lệ', { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  }
  return createTelegramChannel({ ...settings, botToken: parsed.data.bot_token, ...(parsed.data.secret_token ? { secretToken: parsed.data.secret_token } : {}) });
}
