import { buildWebhookRequest, deliverWithRetries, type WebhookDelivery, type WebhookTarget } from './webhook-driver';

/** Builds and delivers Telegram updates with `X-Telegram-Bot-Api-Secret-Token`, like Telegram does. */
export interface TelegramWebhookDriver {
  /** Builds a webhook request with the secret token header (`forge`: wrong, `unsigned`: none). */
  request(rawBody: string, options?: { forge?: boolean; unsigned?: boolean }): Request;
  /** Posts the update; on non-2xx Telegram repeats the same update (compressed delays). */
  deliver(update: Record<string, unknown> | string, options?: { retryDelaysMs?: ReadonlyArray<number> }): Promise<WebhookDelivery>;
  /** A private-chat text message update with the next `update_id`. */
  textUpdate(options: { chatId: number; text: string; updateId?: number; firstName?: string }): Record<string, unknown>;
}

/** Creates a {@link TelegramWebhookDriver} for one bot's secret token. */
export function createTelegramWebhookDriver(options: { target: WebhookTarget; secretToken: string; firstUpdateId?: number }): TelegramWebhookDriver {
  let nextUpdateId = options.firstUpdateId ?? 914236001;
  const request: TelegramWebhookDriver['request'] = (rawBody, extra = {}) =>
    buildWebhookRequest(rawBody, extra.unsigned ? {} : { 'x-telegram-bot-api-secret-token': extra.forge ? `${options.secretToken}x` : options.secretToken });
  return {
    request,
    deliver: (update, extra = {}) => {
      const rawBody = typeof update === 'string' ? update : JSON.stringify(update);
      return deliverWithRetries({ target: options.target, retryDelaysMs: extra.retryDelaysMs ?? [2, 5, 10, 20], build: () => request(rawBody) });
    },
    textUpdate: ({ chatId, text, updateId, firstName }) => {
      const id = updateId ?? nextUpdateId++;
      const from = { id: chatId, is_bot: false, first_name: firstName ?? 'An', language_code: 'vi' };
      return { update_id: id, message: { message_id: id % 100000, from, chat: { id: chatId, first_name: from.first_name, type: 'private' }, date: Math.floor(Date.now() / 1000), text } };
    },
  };
}
