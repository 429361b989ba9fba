import {
  AgentChatbotError,
  SignatureError,
  ValidationError,
  type AttachmentV1,
  type ChannelV1,
  type ChannelV1Host,
  type ChannelV1SendResult,
  type InboundEventV1,
  type LoggerV1,
} from '@agent-chatbot/core';
import { z } from 'zod';
import type { RealtimeMessageEvent } from '../client/protocol';
import { decodeWebConversationId, encodeWebConversationId, type WebConversationRef } from './conversation-id';
import { errorResponse, httpError, json } from './http-responses';
import type { RealtimeHub } from './realtime-hub';
import { streamReply, type WebReplyStream } from './reply-stream';
import { readBodyLimited } from './uploads';
import { bearerToken, verifyVisitorToken, type VisitorClaims } from './visitor-token';

/** Options of {@link createWebChannel}. */
export interface WebChannelOptions {
  /** Where replies go; the widget's SSE stream listens to it. */
  readonly hub: RealtimeHub;
  /** Signs and verifies visitor tokens (at least 32 characters; the same on every replica). */
  readonly tokenSecret: string;
  /** How long a visitor token stays valid. Default 180 days. */
  readonly tokenMaxAgeMs?: number;
  /** Longest visitor message. Default 4000 characters. */
  readonly maxTextLength?: number;
  /**
   * Called after the host stored a visitor message (the runtime queues the answer job here; SDK
   * users may answer directly with {@link WebChannel.streamReply}). Errors are logged, not thrown.
   */
  readonly onMessage?: (event: InboundEventV1) => void | Promise<void>;
}

/** What a visitor sends (after uploads were stored). */
export interface VisitorMessageInput {
  /** Client-generated id; retries of the same message carry the same id (dedup). */
  readonly id: string;
  /** Message text. */
  readonly text?: string;
  /** Uploaded images. */
  readonly attachments?: ReadonlyArray<AttachmentV1>;
  /** Visitor name, when the site identified them. */
  readonly name?: string;
}

/** The web widget channel: a {@link ChannelV1} plus streaming and the widget's own entry points. */
export interface WebChannel extends ChannelV1<WebConversationRef> {
  /** Where events for the widgets are published. */
  readonly hub: RealtimeHub;
  /** Starts a streamed answer: deltas reach the widget live; `finish` sends the final message. */
  streamReply(conversationId: string, options?: { role?: 'bot' | 'agent' }): WebReplyStream;
  /** Verifies a visitor token (signature and age). */
  verifyToken(token: string | null | undefined): VisitorClaims | null;
  /** Stores one visitor message through the host and publishes it; used by the widget handlers. */
  acceptVisitorMessage(claims: VisitorClaims, input: VisitorMessageInput, raw: unknown): Promise<InboundEventV1>;
}

const messageBodySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  text: z.string().max(100_000).optional(),
  name: z.string().max(100).optional(),
});

const DAY = 24 * 60 * 60 * 1000;

/**
 * Creates the web widget channel. Visitor messages arrive as HTTP POSTs authenticated by the
 * visitor token (`Authorization: Bearer …`); `doSend` publishes to the conversation's realtime
 * stream, so the SSE client on any replica shows it.
 *
 * @example
 * ```ts
 * const hub = createRealtimeHub({ pubsub: createMemoryPubSub() });
 * const web = createWebChannel({ hub, tokenSecret: process.env.WIDGET_TOKEN_SECRET! });
 * await web.initialize(host);
 * await web.doSend({ conversationId: 'web:pk_shop:c_1', message: { text: 'Dạ shop chào bạn ạ' } });
 * ```
 */
export function createWebChannel(options: WebChannelOptions): WebChannel {
  if (options.tokenSecret.length < 32) {
    throw new ValidationError('tokenSecret must be at least 32 characters', 'tokenSecret phải dài ít nhất 32 ký tự');
  }
  const maxTextLength = options.maxTextLength ?? 4000;
  const tokenMaxAgeMs = options.tokenMaxAgeMs ?? 180 * DAY;
  let host: ChannelV1Host | undefined;
  let logger: LoggerV1 | undefined;
  const { hub } = options;

  const verifyToken = (token: string | null | undefined) => verifyVisitorToken(token, options.tokenSecret, { maxAgeMs: tokenMaxAgeMs });

  async function acceptVisitorMessage(claims: VisitorClaims, input: VisitorMessageInput, raw: unknown): Promise<InboundEventV1> {
    if (!host) throw httpError(503, 'channel_not_initialized', 'The web channel is not initialised', 'Kênh web chưa được khởi tạo');
    const text = input.text?.trim();
    if (!text && !input.attachments?.length) throw new ValidationError('A message needs text or an image', 'Tin nhắn cần có nội dung hoặc hình ảnh');
    if (text && text.length > maxTextLength) {
      throw new ValidationError(`Messages are limited to ${maxTextLength} characters`, `Tin nhắn tối đa ${maxTextLength} ký tự`);
    }
    const conversationId = encodeWebConversationId({ publicKey: claims.publicKey, conversation: claims.conversation });
    const event: InboundEventV1 = {
      type: 'message',
      eventId: `${claims.conversation}:${input.id}`,
      conversationId,
      sender: { id: claims.userId ? `user:${claims.userId}` : `visitor:${claims.visitorId}`, ...(input.name ? { name: input.name } : {}) },
      accountId: claims.publicKey,
      timestamp: new Date(),
      message: { ...(text ? { text } : {}), ...(input.attachments?.length ? { attachments: input.attachments } : {}) },
      raw,
    };
    try {
      await host.receive([event]);
    } catch (error) {
      logger?.error({ conversationId, error: String(error) }, 'host could not store a widget message');
      throw httpError(503, 'store_failed', 'The message could not be saved, please retry', 'Chưa lưu được tin nhắn, vui lòng thử lại');
    }
    // Other tabs of the visitor and the dashboard inbox see the message too; best effort.
    await hub
      .publish({ type: 'message', conversationId, role: 'visitor', clientId: input.id, createdAt: event.timestamp.toISOString(), ...(text ? { text } : {}), ...(input.attachments?.length ? { attachments: input.attachments } : {}) })
      .catch((error: unknown) => logger?.warn({ conversationId, error: String(error) }, 'could not publish a visitor message'));
    if (options.onMessage) {
      Promise.resolve()
        .then(() => options.onMessage?.(event))
        .catch((error: unknown) => logger?.error({ conversationId, error: String(error) }, 'onMessage failed'));
    }
    return event;
  }

  async function publishMessage(conversationId: string, message: Omit<RealtimeMessageEvent, 'id' | 'type' | 'conversationId' | 'createdAt'>): Promise<ChannelV1SendResult> {
    try {
      decodeWebConversationId(conversationId);
    } catch {
      return { status: 'failed', error: { code: 'invalid_conversation', message: 'Mã hội thoại web không hợp lệ / Invalid web conversation id', retryable: false } };
    }
    try {
      const sent = await hub.publish({ type: 'message', conversationId, createdAt: new Date().toISOString(), ...message });
      return { status: 'sent', messageId: sent.id };
    } catch (error) {
      return { status: 'failed', error: sendFailure(error) };
    }
  }

  return {
    specificationVersion: 'v1',
    platform: 'web',
    capabilities: { messageParts: ['text', 'image', 'file', 'quick-replies'], streaming: 'native', typingIndicator: true, maxTextLength: 8000, replyWindowMs: undefined },
    hub,
    verifyToken,
    acceptVisitorMessage,

    async initialize(nextHost) {
      host = nextHost;
      logger = nextHost.getLogger('channel-web');
    },

    async handleWebhook(request) {
      const claims = verifyToken(bearerToken(request));
      if (!claims) return errorResponse(new SignatureError('Missing or invalid visitor token', 'Thiếu hoặc sai mã phiên của khách'));
      let body: z.infer<typeof messageBodySchema>;
      try {
        // Text messages are small; a bounded read keeps a hostile body from filling memory.
        const bytes = await readBodyLimited(request, 64 * 1024);
        try {
          body = messageBodySchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
        } catch {
          return errorResponse(new ValidationError('The body must be JSON { id, text }', 'Nội dung phải là JSON { id, text }'));
        }
        const event = await acceptVisitorMessage(claims, body, body);
        return json({ ok: true, eventId: event.eventId });
      } catch (error) {
        if (AgentChatbotError.isInstance(error)) return errorResponse(error);
        throw error;
      }
    },

    doSend({ conversationId, message, providerOptions }) {
      const web = providerOptions?.['web'];
      const role = web?.['role'] === 'agent' ? 'agent' : 'bot';
      // A runtime that streamed the answer's deltas itself names the stream, so the final message replaces its bubble.
      const streamId = typeof web?.['streamId'] === 'string' && web['streamId'] ? web['streamId'] : undefined;
      return publishMessage(conversationId, {
        role,
        ...(streamId ? { streamId } : {}),
        ...(message.text !== undefined ? { text: message.text } : {}),
        ...(message.attachments?.length ? { attachments: message.attachments } : {}),
        ...(message.quickReplies?.length ? { quickReplies: message.quickReplies } : {}),
      });
    },

    async startTyping(conversationId) {
      await hub.publish({ type: 'typing', conversationId, on: true });
    },

    streamReply(conversationId, streamOptions = {}) {
      return streamReply(hub, conversationId, streamOptions.role ?? 'bot', (id, message) => publishMessage(id, message));
    },

    async testConnection() {
      return { ok: true, details: 'Kênh web dùng kết nối realtime của máy chủ / The web channel uses the server realtime hub' };
    },

    encodeConversationId: encodeWebConversationId,
    decodeConversationId: decodeWebConversationId,

    async disconnect() {
      await hub.close();
    },
  };
}

function sendFailure(error: unknown): Extract<ChannelV1SendResult, { status: 'failed' }>['error'] {
  if (AgentChatbotError.isInstance(error)) {
    const retryAfter = error.details?.['retry_after_ms'];
    if (error.status === 429) {
      return { code: 'rate_limited', message: `${error.messageVi} / ${error.message}`, retryable: true, ...(typeof retryAfter === 'number' ? { retryAfterMs: retryAfter } : {}) };
    }
    return { code: error.isRetryable ? 'provider_error' : 'publish_rejected', message: `${error.messageVi} / ${error.message}`, retryable: error.isRetryable, providerCode: error.code };
  }
  // Pub/sub connection trouble (Redis down): another attempt may work.
  return { code: 'provider_error', message: `Không gửi được tới trình duyệt của khách / Realtime publish failed: ${String(error)}`, retryable: true };
}
