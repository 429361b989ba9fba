import { ValidationError, createHttpClient, downloadMedia, readJson, webhookMalformedBody, webhookOk, webhookReceiveFailed, webhookSignatureRejected, type ChannelV1, type ChannelV1Host, type ChannelV1SendResult, type FetchFunction, type ProviderOptionsV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import { decodeLineConversationId, encodeLineConversationId } from './line-conversation-id';
import { lineFailure, lineNetworkFailure } from './line-errors';
import { LINE_MAX_TEXT_LENGTH, toLineMessageBatches } from './line-messages';
import { lineRetryKey } from './line-retry-key';
import { lineWebhookSchema, normaliseLineWebhook } from './line-webhook-events';
import { verifyLineSignature } from './verify-line-signature';

/** Options of {@link createLineChannel}. */
export interface LineChannelOptions {
  /** Channel secret (`channel_secret`): signs webhooks. */
  channelSecret: string;
  /** Long-lived channel access token (`channel_access_token`). */
  channelAccessToken: string;
  /** Default `https://api.line.me` (`CHATBOT_LINE_API_BASE`). */
  apiBase?: string;
  /** Content host, default `https://api-data.line.me` (tests: the same fake as `apiBase`). */
  dataApiBase?: string;
  /** HTTP client (tests pass one pointed at a fake LINE). */
  fetch?: FetchFunction;
  /** Outbound HTTP proxy URL. */
  proxy?: string;
  /** Deadline of one API call. */
  timeoutMs?: number;
  /** Clock (tests pass a fixed one). */
  now?: () => number;
}

/** `providerOptions.line` accepted by `doSend`. */
export interface LineProviderOptions {
  /** The inbound event's `message.replyToken` (value, or value + expiry); used while still valid. */
  replyToken?: string | { value: string; expiresAt: Date | string | number };
  /** Your outbound message id: push retries reuse the same `X-Line-Retry-Key`. */
  outboundMessageId?: string;
}

/** A LINE channel: {@link ChannelV1} plus media download. */
export interface LineChannel extends ChannelV1<string> {
  /** Downloads a customer's media: `line-content:<message id>` from inbound events, or a URL. */
  fetchAttachment(url: string): Promise<Response>;
  /**
   * A user's profile (`GET /v2/bot/profile/{userId}`: `displayName`, `pictureUrl`) to name the
   * contact; `undefined` when LINE refuses (the user has not added the bot) or is unreachable.
   */
  getUserProfile(userId: string): Promise<{ displayName: string; avatar?: string } | undefined>;
}

const optionsSchema = z.object({
  channelSecret: z.string().trim().min(1),
  channelAccessToken: z.string().trim().min(1),
  apiBase: z.url().optional(),
  dataApiBase: z.url().optional(),
  proxy: z.url().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

function readOptions(providerOptions: ProviderOptionsV1 | undefined, now: number): { replyToken?: string; outboundMessageId?: string } {
  const raw = providerOptions?.line ?? {};
  const token = raw.replyToken as LineProviderOptions['replyToken'] | undefined;
  let replyToken: string | undefined;
  if (typeof token === 'string') replyToken = token;
  else if (token && typeof token === 'object' && typeof token.value === 'string' && new Date(token.expiresAt).getTime() > now) replyToken = token.value;
  return { ...(replyToken ? { replyToken } : {}), ...(typeof raw.outboundMessageId === 'string' ? { outboundMessageId: raw.outboundMessageId } : {}) };
}

/**
 * Creates a LINE Messaging API channel: replies with the reply token while it is valid, otherwise
 * pushes with an idempotent `X-Line-Retry-Key`.
 *
 * @example
 * ```ts
 * const line = createLineChannel({ channelSecret, channelAccessToken });
 * await line.doSend({ conversationId, message: { text: 'Dạ' }, providerOptions: { line: { replyToken: event.message?.replyToken, outboundMessageId: msg.id } } });
 * ```
 */
export function createLineChannel(options: LineChannelOptions): LineChannel {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new ValidationError('Invalid LINE channel options', 'Cấu hình kênh LINE không hợp lệ', { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  }
  const now = options.now ?? Date.now;
  const apiBase = (options.apiBase ?? 'https://api.line.me').replace(/\/$/, '');
  const http = createHttpClient(options);
  const auth = { authorization: `Bearer ${options.channelAccessToken}` };
  let host: ChannelV1Host | undefined;

  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await http.request(`${apiBase}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth, ...headers }, body: JSON.stringify(body) });
    return { response, json: (await readJson(response)) as { message?: string; sentMessages?: Array<{ id?: string }> } | undefined };
  };
  const sentId = (json: { sentMessages?: Array<{ id?: string }> } | undefined, fallback: string) => json?.sentMessages?.at(-1)?.id ?? fallback;

  const push = async (to: string, messages: unknown[], retryKey: string): Promise<ChannelV1SendResult> => {
    try {
      const { response, json } = await call('/v2/bot/message/push', { to, messages }, { 'x-line-retry-key': retryKey });
      if (response.ok) return { status: 'sent', messageId: sentId(json, response.headers.get('x-line-request-id') ?? retryKey), raw: json };
      // 409 with our retry key: an earlier attempt was accepted, so this message is delivered.
      if (response.status === 409) return { status: 'sent', messageId: response.headers.get('x-line-accepted-request-id') ?? retryKey, raw: json };
      return lineFailure(response.status, json, response.headers.get('retry-after'));
    } catch (error) {
      return lineNetworkFailure(error);
    }
  };

  /** Reply; `undefined` means "token no longer usable, push instead". */
  const reply = async (replyToken: string, messages: unknown[]): Promise<ChannelV1SendResult | undefined> => {
    try {
      const { response, json } = await call('/v2/bot/message/reply', { replyToken, messages });
      if (response.ok) return { status: 'sent', messageId: sentId(json, response.headers.get('x-line-request-id') ?? replyToken), raw: json };
      if (response.status === 400 && /reply token/i.test(json?.message ?? '')) return undefined;
      return lineFailure(response.status, json, response.headers.get('retry-after'));
    } catch (error) {
      return lineNetworkFailure(error);
    }
  };

  return {
    specificationVersion: 'v1',
    platform: 'line',
    capabilities: { messageParts: ['text', 'image', 'quick-replies'], streaming: 'none', typingIndicator: true, maxTextLength: LINE_MAX_TEXT_LENGTH, replyWindowMs: undefined },

    async initialize(newHost) {
      host = newHost;
    },

    async handleWebhook(request) {
      if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
      const rawBody = await request.text();
      if (!verifyLineSignature(options.channelSecret, rawBody, request.headers.get('x-line-signature'))) {
        return webhookSignatureRejected('missing or wrong x-line-signature', 'thiếu hoặc sai x-line-signature');
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        return webhookMalformedBody();
      }
      const webhook = lineWebhookSchema.safeParse(json);
      if (!webhook.success) return webhookMalformedBody({ issues: webhook.error.issues.map((i) => i.path.join('.')) });
      // The console's "Verify" button sends `events: []`: answer 200, receive nothing.
      const events = normaliseLineWebhook(webhook.data);
      if (events.length === 0) return webhookOk();
      if (!host) return webhookReceiveFailed();
      try {
        await host.receive(events);
      } catch (error) {
        host.getLogger('channel-line').error({ error: String(error) }, 'line events not stored; LINE redelivers only if enabled');
        return webhookReceiveFailed();
      }
      return webhookOk();
    },

    async extractAccountId(request) {
      try {
        const webhook = lineWebhookSchema.safeParse(JSON.parse(await request.clone().text()));
        return webhook.success ? webhook.data.destination : null;
      } catch {
        return null;
      }
    },

    async doSend({ conversationId, message, providerOptions }) {
      let to: string;
      try {
        to = decodeLineConversationId(conversationId);
      } catch {
        return { status: 'failed', error: { code: 'invalid_conversation', message: `Mã hội thoại LINE không hợp lệ (Not a LINE conversation id: ${conversationId})`, retryable: false } };
      }
      const opts = readOptions(providerOptions, now());
      const batches = toLineMessageBatches(message);
      if (batches.length === 0) return { status: 'failed', error: { code: 'invalid_payload', message: 'Tin nhắn trống (Empty message)', retryable: false } };
      const ids: string[] = [];
      for (const [index, messages] of batches.entries()) {
        // The reply token is single-use: only the first batch may use it; it is free, push is billed.
        const replied = index === 0 && opts.replyToken ? await reply(opts.replyToken, messages) : undefined;
        const result = replied ?? (await push(to, messages, lineRetryKey(opts.outboundMessageId, index)));
        if (result.status === 'failed') return result;
        ids.push(result.messageId);
      }
      return { status: 'sent', messageId: ids[ids.length - 1] ?? '', raw: { messageIds: ids } };
    },

    async startTyping(conversationId) {
      const to = decodeLineConversationId(conversationId);
      // The loading animation exists only in one-to-one chats.
      if (to.startsWith('U')) await call('/v2/bot/chat/loading/start', { chatId: to, loadingSeconds: 20 }).catch(() => undefined);
    },

    async testConnection() {
      try {
        const response = await http.request(`${apiBase}/v2/bot/info`, { method: 'GET', headers: auth });
        const json = (await readJson(response)) as { displayName?: string; basicId?: string; message?: string } | undefined;
        return response.ok ? { ok: true, details: `${json?.displayName ?? ''} ${json?.basicId ?? ''}`.trim() } : { ok: false, details: json?.message ?? `HTTP ${response.status}` };
      } catch (error) {
        return { ok: false, details: String(error) };
      }
    },

    async getUserProfile(userId) {
      try {
        const response = await http.request(`${apiBase}/v2/bot/profile/${encodeURIComponent(userId)}`, { method: 'GET', headers: auth });
        const json = (await readJson(response)) as { displayName?: unknown; pictureUrl?: unknown } | undefined;
        if (!response.ok || typeof json?.displayName !== 'string' || !json.displayName) return undefined;
        return { displayName: json.displayName, ...(typeof json.pictureUrl === 'string' ? { avatar: json.pictureUrl } : {}) };
      } catch {
        return undefined;
      }
    },

    fetchAttachment: (url) =>
      url.startsWith('line-content:')
        ? downloadMedia(http.request, 'line', `${(options.dataApiBase ?? 'https://api-data.line.me').replace(/\/$/, '')}/v2/bot/message/${encodeURIComponent(url.slice('line-content:'.length))}/content`, auth)
        : downloadMedia(http.request, 'line', url),

    encodeConversationId: encodeLineConversationId,
    decodeConversationId: decodeLineConversationId,
    disconnect: () => http.close(),
  };
}
