import {
  ValidationError,
  webhookMalformedBody,
  webhookOk,
  webhookReceiveFailed,
  webhookSignatureRejected,
  type ChannelV1,
  type ChannelV1Host,
  type ChannelV1SendResult,
  type FetchFunction,
  type InboundEventV1,
} from '@agent-chatbot/core';
import { z } from 'zod';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyTeamChatSignature } from './signature';
import { teamChatSendResponseSchema, teamChatWebhookSchema, type TeamChatWebhook } from './webhook-schema';

/** Where a reply goes: a TeamChat channel, optionally inside a thread. */
export interface TeamChatConversationRef {
  readonly channel: string;
  readonly threadTs?: string;
}

/** Settings of {@link createTeamChatChannel}. Validated with zod when the channel is created. */
export interface TeamChatChannelSettings {
  /** The app's signing secret (verifies inbound webhooks). */
  readonly signingSecret: string;
  /** The bot token (`Authorization: Bearer …` on outbound calls). */
  readonly botToken: string;
  /** API base URL; a fake server in tests. Default `https://api.teamchat.example`. */
  readonly apiUrl?: string;
  /** How old a signed request may be before it counts as a replay. Default 5 minutes. */
  readonly toleranceMs?: number;
  /** Injected in tests. */
  readonly fetch?: FetchFunction;
  /** Clock in ms (tests move it to check replay protection). */
  readonly now?: () => number;
}

const settingsSchema = z.object({
  signingSecret: z.string().min(8),
  botToken: z.string().min(1),
  apiUrl: z.url().default('https://api.teamchat.example'),
  toleranceMs: z.number().int().positive().default(5 * 60_000),
});

const PLATFORM = 'teamchat';
// TeamChat ids are [A-Z0-9] and message timestamps are digits and a dot, so ':' is a safe separator.
const REF_PATTERN = /^teamchat:([A-Z0-9]+)(?::(\d+\.\d+))?$/;

function failure(code: string, message: string, retryable: boolean, extra: { retryAfterMs?: number; providerCode?: string } = {}): ChannelV1SendResult {
  return { status: 'failed', error: { code, message, retryable, ...extra } };
}

function toEvents(webhook: Extract<TeamChatWebhook, { type: 'event_callback' }>, encode: (ref: TeamChatConversationRef) => string): InboundEventV1[] {
  const event = webhook.event;
  // Our own replies come back as events too; answering them would loop forever.
  if (event.type !== 'message' || event.bot_id || !event.user) return [];
  return [{
    type: 'message',
    eventId: webhook.event_id,
    conversationId: encode({ channel: event.channel, ...(event.thread_ts ? { threadTs: event.thread_ts } : {}) }),
    sender: { id: event.user, ...(event.user_name ? { name: event.user_name } : {}) },
    accountId: webhook.team_id,
    timestamp: new Date(Number(event.ts) * 1000),
    message: { text: event.text ?? '' },
    raw: webhook,
  }];
}

/**
 * A TeamChat (Slack-style) channel: HMAC-signed webhooks with replay protection, a URL
 * verification handshake, lenient parsing, and `chat.postMessage` for replies.
 *
 * @example
 * ```ts
 * const teamchat = createTeamChatChannel({ signingSecret: process.env.TEAMCHAT_SIGNING_SECRET!, botToken: process.env.TEAMCHAT_BOT_TOKEN! });
 * const bot = createBot({ model, retriever, channels: { teamchat } });
 * app.post('/webhooks/teamchat', toNodeHandler(bot.webhooks.teamchat));
 * ```
 */
export function createTeamChatChannel(settings: TeamChatChannelSettings): ChannelV1<TeamChatConversationRef> {
  const config = settingsSchema.parse(settings);
  const fetchFn = settings.fetch ?? globalThis.fetch;
  const now = settings.now ?? Date.now;
  let host: ChannelV1Host | undefined;

  const channel: ChannelV1<TeamChatConversationRef> = {
    specificationVersion: 'v1',
    platform: PLATFORM,
    capabilities: { messageParts: ['text'], streaming: 'none', typingIndicator: false, maxTextLength: 4000, replyWindowMs: undefined },

    async initialize(givenHost) {
      host = givenHost;
    },

    async handleWebhook(request) {
      if (!host) throw new Error('TeamChat channel used before initialize()');
      const rawBody = await request.text();
      // Signature first: nothing from an unverified body is parsed, logged or stored.
      const verified = verifyTeamChatSignature({
        signingSecret: config.signingSecret,
        rawBody,
        signature: request.headers.get(SIGNATURE_HEADER),
        timestamp: request.headers.get(TIMESTAMP_HEADER),
        nowMs: now(),
        toleranceMs: config.toleranceMs,
      });
      if (!verified) return webhookSignatureRejected('missing, wrong or stale x-teamchat-signature', 'thiếu, sai hoặc quá hạn x-teamchat-signature');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        return webhookMalformedBody();
      }
      const parsed = teamChatWebhookSchema.safeParse(body);
      if (!parsed.success) return webhookMalformedBody({ issues: parsed.error.issues.map((issue) => issue.path.join('.')) });
      if (parsed.data.type === 'url_verification') return Response.json({ challenge: parsed.data.challenge });
      try {
        await host.receive(toEvents(parsed.data, channel.encodeConversationId));
      } catch (error) {
        host.getLogger('teamchat').error({ err: String(error) }, 'could not store events; TeamChat will retry');
        return webhookReceiveFailed();
      }
      return webhookOk();
    },

    async doSend({ conversationId, message }) {
      const ref = channel.decodeConversationId(conversationId);
      let response: Response;
      try {
        response = await fetchFn(`${config.apiUrl}/chat.postMessage`, {
          method: 'POST',
          headers: { authorization: `Bearer ${config.botToken}`, 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({ channel: ref.channel, text: message.text ?? '', ...(ref.threadTs ? { thread_ts: ref.threadTs } : {}) }),
        });
      } catch (error) {
        return failure('network_error', `Không kết nối được TeamChat / TeamChat unreachable: ${String(error)}`, true);
      }
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after'));
        return failure('rate_limited', 'TeamChat giới hạn tốc độ gửi / TeamChat rate limit', true, Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {});
      }
      if (response.status >= 500) return failure('provider_error', `TeamChat lỗi máy chủ ${response.status} / TeamChat server error`, true);
      const parsed = teamChatSendResponseSchema.safeParse(await response.json().catch(() => null));
      if (!parsed.success) return failure('provider_error', `TeamChat trả về nội dung lạ (HTTP ${response.status}) / unexpected TeamChat answer`, response.status >= 500);
      if (!parsed.data.ok) {
        const code = parsed.data.error === 'invalid_auth' || parsed.data.error === 'token_revoked' ? 'token_expired' : 'provider_error';
        return failure(code, `TeamChat từ chối tin nhắn (${parsed.data.error}) / TeamChat rejected the message`, false, { providerCode: parsed.data.error });
      }
      return { status: 'sent', messageId: parsed.data.ts, raw: parsed.data };
    },

    encodeConversationId(ref) {
      return `${PLATFORM}:${ref.channel}${ref.threadTs ? `:${ref.threadTs}` : ''}`;
    },

    decodeConversationId(conversationId) {
      const match = REF_PATTERN.exec(conversationId);
      if (!match?.[1]) throw new ValidationError(`Not a TeamChat conversation id: ${conversationId}`, 'Mã hội thoại TeamChat không hợp lệ');
      return { channel: match[1], ...(match[2] ? { threadTs: match[2] } : {}) };
    },
  };
  return channel;
}
