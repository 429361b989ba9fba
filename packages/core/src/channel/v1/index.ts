import type { CacheV1 } from '../../cache/v1';
import type { LoggerV1, ProviderOptionsV1 } from '../../shared/v1';

/** What a channel can do; core adapts to it (splits long text, buffers streams, skips typing). */
export interface ChannelV1Capabilities {
  /** Message parts the channel can send. */
  readonly messageParts: ReadonlyArray<'text' | 'image' | 'file' | 'quick-replies'>;
  /** `native`: the channel streams; `edit`: it edits a sent message; `none`: core sends the whole answer. */
  readonly streaming: 'native' | 'edit' | 'none';
  /** Whether {@link ChannelV1.startTyping} exists and works. */
  readonly typingIndicator: boolean;
  /** Longest text one message may carry (characters); core splits at sentence boundaries. */
  readonly maxTextLength: number | undefined;
  /**
   * How long after the customer's last message the business may still reply (ms), e.g. 24 h on
   * Messenger, 7 days on Zalo; `undefined` when the platform has no window.
   */
  readonly replyWindowMs: number | undefined;
}

/** A file or image the customer sent, or the bot sends. */
export interface AttachmentV1 {
  /** What the attachment is. */
  readonly type: 'image' | 'file' | 'audio' | 'video' | 'sticker' | 'location';
  /** Where the provider serves it (may expire; the runtime copies it to storage). */
  readonly url?: string;
  /** File name as the customer sent it, when the platform gives one. */
  readonly name?: string;
  /** MIME type, when known. */
  readonly mimeType?: string;
  /** Size in bytes, when known. */
  readonly size?: number;
  /** For locations. */
  readonly latitude?: number;
  /** Longitude of a shared location. */
  readonly longitude?: number;
}

/**
 * A normalised inbound event. `eventId` is the provider's own id (Zalo `msg_id`, Telegram
 * `update_id`, LINE `webhookEventId`, Messenger `mid`): the runtime records it once and ignores
 * retries of the same delivery.
 */
export interface InboundEventV1 {
  /** What happened: a customer message or another platform event. */
  readonly type: 'message' | 'postback' | 'follow' | 'unfollow';
  /** Provider event id used for de-duplication. */
  readonly eventId: string;
  /** `'<platform>:<provider conversation ref>'`, see {@link ChannelV1.encodeConversationId}. */
  readonly conversationId: string;
  /** The customer as the provider identifies them. */
  readonly sender: { readonly id: string; readonly name?: string };
  /** The business account the event was sent to (OA id, page id, bot id). */
  readonly accountId?: string;
  /** When the platform says the event happened. */
  readonly timestamp: Date;
  /** Present for `message` and `postback`. */
  readonly message?: {
    readonly text?: string;
    readonly attachments?: ReadonlyArray<AttachmentV1>;
    /** Provider-specific reply handle (LINE reply token) and its expiry. */
    readonly replyToken?: { readonly value: string; readonly expiresAt: Date };
  };
  /** The provider's payload for this event (stored for audit; never logged whole). */
  readonly raw: unknown;
}

/** A message the bot or an agent sends. */
export interface OutboundMessageV1 {
  /** The message text (split by core to the channel's maximum length). */
  readonly text?: string;
  /** Images or files to send with the text. */
  readonly attachments?: ReadonlyArray<AttachmentV1>;
  /** Short suggested answers the customer can tap. */
  readonly quickReplies?: ReadonlyArray<string>;
}

/** The delivery outcome of {@link ChannelV1.doSend}. Failures say whether a retry can help. */
export type ChannelV1SendResult =
  | { readonly status: 'sent'; readonly messageId: string; readonly raw?: unknown }
  | {
      readonly status: 'failed';
      readonly error: {
        /** Stable code, e.g. `'window_closed'`, `'token_expired'`, `'rate_limited'`, `'provider_error'`. */
        readonly code: string;
        /** For people: Vietnamese first. */
        readonly message: string;
        readonly retryable: boolean;
        /** When the provider said how long to wait. */
        readonly retryAfterMs?: number;
        /** The provider's own error code, e.g. Zalo `-216`, Graph `190`. */
        readonly providerCode?: string | number;
      };
    };

/** The narrow interface a channel receives at {@link ChannelV1.initialize}; never the whole bot. */
export interface ChannelV1Host {
  /**
   * Hands normalised events to the host, which records each once and queues the answer. Resolves
   * once the events are durably stored, so the channel can answer the provider 200.
   */
  receive(events: ReadonlyArray<InboundEventV1>): Promise<void>;
  /** Shared cache (dedup helpers, token caches). */
  getCache(): CacheV1;
  /** A logger scoped to the channel (and `scope`); never log secrets or whole payloads. */
  getLogger(scope?: string): LoggerV1;
}

/**
 * A messaging channel, version 1 (vercel/chat's adapter protocol, vercel/ai's versioning).
 * The channel owns its protocol: verification handshakes, signature checks over the raw body in
 * constant time, lenient zod parsing, normalisation, and sending.
 *
 * @example
 * ```ts
 * const zalo = createZaloChannel({ appId, oaSecretKey, accessToken });
 * await zalo.initialize(host);
 * const response = await zalo.handleWebhook(request); // 200 once host.receive() stored the events
 * ```
 */
export interface ChannelV1<TConversationRef = string> {
  /** Contract version this channel implements. */
  readonly specificationVersion: 'v1';
  /** `'zalo'`, `'messenger'`, `'telegram'`, `'line'`, `'web'`…; prefix of every conversation id. */
  readonly platform: string;
  /** What the channel can send and how it streams. */
  readonly capabilities: ChannelV1Capabilities;
  /** Called once before use; the channel keeps the host. */
  initialize(host: ChannelV1Host): Promise<void>;
  /**
   * Handles one webhook request. Returns 401/403 for a missing or forged signature (before
   * parsing), 400 for a malformed body, and 200 after {@link ChannelV1Host.receive} resolved.
   * Verification handshakes (Messenger `hub.challenge`) are answered here too.
   */
  handleWebhook(request: Request): Promise<Response>;
  /** For shared apps (one Meta app, many pages): the account id in a request, before tenant routing. */
  extractAccountId?(request: Request): Promise<string | null>;
  /** Sends one message. Expected failures come back as `status: 'failed'`, not as exceptions. */
  doSend(options: {
    conversationId: string;
    message: OutboundMessageV1;
    providerOptions?: ProviderOptionsV1;
  }): Promise<ChannelV1SendResult>;
  /** Shows a typing indicator where the platform has one. */
  startTyping?(conversationId: string): Promise<void>;
  /** Checks the credentials with the provider (the dashboard's "test connection"). */
  testConnection?(): Promise<{ ok: boolean; details?: string }>;
  /** `'<platform>:<ref>'` for a provider conversation reference; round-trips with {@link ChannelV1.decodeConversationId}. */
  encodeConversationId(ref: TConversationRef): string;
  /** The provider reference inside a conversation id of this platform. */
  decodeConversationId(conversationId: string): TConversationRef;
  /** Releases timers and connections (token refresh, polling). */
  disconnect?(): Promise<void>;
}
