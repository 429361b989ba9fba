import { ProviderError, ValidationError, createHttpClient, downloadMedia, splitText, webhookMalformedBody, webhookOk, webhookReceiveFailed, webhookSignatureRejected, type ChannelV1, type ChannelV1Host, type ChannelV1SendResult, type FetchFunction } from '@agent-chatbot/core';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { generateTelegramSecretToken, setTelegramWebhook } from './set-telegram-webhook';
import { callTelegram, telegramFailure, telegramNetworkFailure } from './telegram-api';
import { decodeTelegramConversationId, encodeTelegramConversationId } from './telegram-conversation-id';
import { normaliseTelegramUpdate, telegramUpdateSchema } from './telegram-update-events';

/** Longest `sendMessage` text. */
export const TELEGRAM_MAX_TEXT_LENGTH = 4096;

/** Options of {@link createTelegramChannel}. */
export interface TelegramChannelOptions {
  /** `123456789:AA…` from `@BotFather` (config key `bot_token`). */
  botToken: string;
  /** The `secret_token` given to setWebhook; webhooks without it are refused. */
  secretToken?: string;
  /** Default `https://api.telegram.org` (`CHATBOT_TELEGRAM_API_BASE`). */
  apiBase?: string;
  /** HTTP client (tests pass one pointed at a fake Bot API). */
  fetch?: FetchFunction;
  /** Outbound HTTP proxy URL. */
  proxy?: string;
  /** Deadline of one API call. */
  timeoutMs?: number;
}

/** `providerOptions.telegram` accepted by `doSend`. */
export interface TelegramProviderOptions {
  /** Your outbound message id: parts already delivered are skipped when a job retries. */
  outboundMessageId?: string;
}

/** A Telegram bot channel: {@link ChannelV1} plus webhook registration. */
export interface TelegramChannel extends ChannelV1<string> {
  /**
   * Calls setWebhook with `url` and a secret token (the configured one, or a new one that this
   * channel then uses). Store the returned token with the connection.
   */
  setWebhook(url: string, options?: { secretToken?: string; dropPendingUpdates?: boolean }): Promise<{ secretToken: string }>;
  /**
   * Downloads a customer's file: `telegram-file:<file_id>` (from inbound events) is resolved with
   * getFile; the download URL contains the bot token, so it stays inside the channel.
   */
  fetchAttachment(url: string): Promise<Response>;
}

const optionsSchema = z.object({
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'botToken looks like 123456:ABC-DEF'),
  secretToken: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/).optional(),
  apiBase: z.url().optional(),
  proxy: z.url().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

const sameSecret = (given: string | null, expected: string | undefined): boolean => {
  if (!given || !expected) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Creates a Telegram Bot API channel.
 *
 * @example
 * ```ts
 * const telegram = createTelegramChannel({ botToken, secretToken: stored.secret_token });
 * const { secretToken } = await telegram.setWebhook(`${publicUrl}/webhooks/telegram/${connectionId}`);
 * ```
 */
export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new ValidationError('Invalid Telegram channel options', 'Cấu hình kênh Telegram không hợp lệ', { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  }
  const apiBase = (options.apiBase ?? 'https://api.telegram.org').replace(/\/$/, '');
  const botId = options.botToken.split(':')[0];
  const http = createHttpClient(options);
  let secretToken = options.secretToken;
  let host: ChannelV1Host | undefined;

  const call = async (method: string, body: Record<string, unknown>): Promise<ChannelV1SendResult> => {
    try {
      const { status, envelope } = await callTelegram(http.request, apiBase, options.botToken, method, body);
      if (envelope?.ok) {
        const id = (envelope.result as { message_id?: number } | undefined)?.message_id;
        return { status: 'sent', messageId: id !== undefined ? String(id) : '', raw: envelope.result };
      }
      return telegramFailure(status, envelope);
    } catch (error) {
      return telegramNetworkFailure(error);
    }
  };

  return {
    specificationVersion: 'v1',
    platform: 'telegram',
    capabilities: { messageParts: ['text', 'image', 'file', 'quick-replies'], streaming: 'none', typingIndicator: true, maxTextLength: TELEGRAM_MAX_TEXT_LENGTH, replyWindowMs: undefined },

    async initialize(newHost) {
      host = newHost;
    },

    async setWebhook(url, extra = {}) {
      const token = extra.secretToken ?? secretToken ?? generateTelegramSecretToken();
      await setTelegramWebhook({ http: http.request, apiBase, botToken: options.botToken, url, secretToken: token, dropPendingUpdates: extra.dropPendingUpdates });
      secretToken = token;
      return { secretToken: token };
    },

    async handleWebhook(request) {
      if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
      if (!sameSecret(request.headers.get('x-telegram-bot-api-secret-token'), secretToken)) {
        return webhookSignatureRejected('missing or wrong X-Telegram-Bot-Api-Secret-Token', 'thiếu hoặc sai X-Telegram-Bot-Api-Secret-Token');
      }
      let json: unknown;
      try {
        json = JSON.parse(await request.text());
      } catch {
        return webhookMalformedBody();
      }
      const update = telegramUpdateSchema.safeParse(json);
      if (!update.success) return webhookMalformedBody({ issues: update.error.issues.map((i) => i.path.join('.')) });
      const events = normaliseTelegramUpdate(update.data, botId);
      if (events.length === 0) return webhookOk();
      if (!host) return webhookReceiveFailed();
      try {
        await host.receive(events);
      } catch (error) {
        host.getLogger('channel-telegram').error({ error: String(error) }, 'telegram update not stored; Telegram will retry');
        return webhookReceiveFailed();
      }
      const queryId = update.data.callback_query?.id;
      if (queryId) {
        // Stops the button's spinner; not awaited so the webhook is acknowledged at once.
        void callTelegram(http.request, apiBase, options.botToken, 'answerCallbackQuery', { callback_query_id: queryId }).catch(() => undefined);
      }
      return webhookOk();
    },

    async doSend({ conversationId, message, providerOptions }) {
      let chatId: string;
      try {
        chatId = decodeTelegramConversationId(conversationId);
      } catch {
        return { status: 'failed', error: { code: 'invalid_conversation', message: `Mã hội thoại Telegram không hợp lệ (Not a Telegram conversation id: ${conversationId})`, retryable: false } };
      }
      const calls: Array<[string, Record<string, unknown>]> = [];
      const texts = message.text?.trim() ? splitText(message.text, TELEGRAM_MAX_TEXT_LENGTH) : [];
      texts.forEach((text) => calls.push(['sendMessage', { chat_id: chatId, text }]));
      for (const a of message.attachments ?? []) {
        if (a.url && a.type === 'image') calls.push(['sendPhoto', { chat_id: chatId, photo: a.url }]);
        else if (a.url) calls.push(['sendDocument', { chat_id: chatId, document: a.url }]);
      }
      if (calls.length === 0) return { status: 'failed', error: { code: 'invalid_payload', message: 'Tin nhắn trống (Empty message)', retryable: false } };
      const lastText = calls.findLastIndex(([method]) => method === 'sendMessage');
      if (message.quickReplies?.length && lastText >= 0) {
        calls[lastText]![1].reply_markup = { keyboard: message.quickReplies.map((text) => [{ text }]), one_time_keyboard: true, resize_keyboard: true };
      }
      const outboundId = typeof providerOptions?.telegram?.outboundMessageId === 'string' ? providerOptions.telegram.outboundMessageId : undefined;
      const ids: string[] = [];
      for (const [index, [method, body]] of calls.entries()) {
        const doneKey = outboundId ? `telegram:sent:${botId}:${outboundId}:${index}` : undefined;
        const done = doneKey ? await host?.getCache().get<string>(doneKey) : undefined;
        if (done !== undefined) {
          ids.push(done);
          continue;
        }
        const result = await call(method, body);
        if (result.status === 'failed') return result;
        ids.push(result.messageId);
        if (doneKey) await host?.getCache().set(doneKey, result.messageId, { ttlMs: 2 * 86_400_000 });
      }
      return { status: 'sent', messageId: ids[ids.length - 1] ?? '', raw: { messageIds: ids } };
    },

    async startTyping(conversationId) {
      await call('sendChatAction', { chat_id: decodeTelegramConversationId(conversationId), action: 'typing' });
    },

    async testConnection() {
      try {
        const { envelope } = await callTelegram(http.request, apiBase, options.botToken, 'getMe');
        const me = envelope?.result as { username?: string } | undefined;
        return envelope?.ok ? { ok: true, details: `@${me?.username ?? botId}` } : { ok: false, details: envelope?.description ?? 'getMe failed' };
      } catch (error) {
        return { ok: false, details: String(error) };
      }
    },

    async fetchAttachment(url) {
      if (!url.startsWith('telegram-file:')) return downloadMedia(http.request, 'telegram', url);
      const { status, envelope } = await callTelegram(http.request, apiBase, options.botToken, 'getFile', { file_id: url.slice('telegram-file:'.length) });
      const path = (envelope?.result as { file_path?: string } | undefined)?.file_path;
      if (!envelope?.ok || !path) {
        throw new ProviderError({ provider: 'telegram', upstreamStatus: status, message: `getFile failed: ${envelope?.description ?? `HTTP ${status}`}`, messageVi: 'Không lấy được tệp từ Telegram' });
      }
      return downloadMedia(http.request, 'telegram', `${apiBase}/file/bot${options.botToken}/${path}`);
    },

    encodeConversationId: encodeTelegramConversationId,
    decodeConversationId: decodeTelegramConversationId,
    disconnect: () => http.close(),
  };
}
