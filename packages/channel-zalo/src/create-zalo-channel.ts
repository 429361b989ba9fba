import { ValidationError, createHttpClient, downloadMedia, splitText, webhookMalformedBody, webhookOk, webhookReceiveFailed, webhookSignatureRejected, type ChannelV1, type ChannelV1Host, type ChannelV1SendResult, type ProviderOptionsV1 } from '@agent-chatbot/core';
import { callZalo, planZaloParts, toZaloMessage, uploadToZalo, type ZaloApiResult, type ZaloPart, type ZaloPlannedAttachment, type ZaloUploadResult } from './zalo-api';
import { zaloChannelOptionsSchema, type ZaloChannelOptions } from './zalo-channel-options';
import { decodeZaloConversationId, encodeZaloConversationId, type ZaloConversationRef } from './zalo-conversation-id';
import { isZaloTokenError, localFailure, zaloFailure } from './zalo-errors';
import { createZaloTokenManager, staticZaloTokenStore, ZaloTokenRefreshError, type ZaloTokenManager } from './zalo-tokens';
import { verifyZaloSignature } from './verify-zalo-signature';
import { normaliseZaloWebhook, zaloAccountId, zaloWebhookSchema } from './zalo-webhook-events';

/** Zalo's consultation-message window: 7 days after the user's last interaction. */
export const ZALO_REPLY_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Longest text in one consultation message. */
export const ZALO_MAX_TEXT_LENGTH = 2000;

/** A Zalo OA channel: {@link ChannelV1} plus token upkeep for a scheduled job. */
export interface ZaloChannel extends ChannelV1<ZaloConversationRef> {
  /** Refreshes the OA token pair when the access token expires within `ms` (cron: hourly, ms = 2 h). */
  refreshIfExpiringWithin(ms: number): Promise<{ refreshed: boolean; accessTokenExpiresAt?: Date }>;
  /** The token manager (refresh on demand). */
  readonly tokens: ZaloTokenManager;
  /** Downloads a customer's media (Zalo CDN URL) through the configured proxy; throws ProviderError. */
  fetchAttachment(url: string): Promise<Response>;
  /** The user's Zalo profile (`/v3.0/oa/user/detail`) to name the contact; `undefined` when Zalo refuses. */
  getUserProfile(userId: string): Promise<{ displayName: string; avatar?: string; isFollower?: boolean } | undefined>;
}

/** `providerOptions.zalo` accepted by `doSend`. */
export interface ZaloProviderOptions {
  /** Your outbound message id: parts already delivered are not sent again when a job retries. */
  outboundMessageId?: string;
  /** When the user last wrote (the runtime knows it); checked against the 7-day window before sending. */
  lastInteractionAt?: Date | string | number;
}

const lastInboundKey = (oaId: string, userId: string) => `zalo:last-inbound:${oaId}:${userId}`;

/**
 * Creates a Zalo Official Account channel (Open API v3, OAuth v4).
 *
 * @example
 * ```ts
 * const zalo = createZaloChannel({ appId, appSecret, oaSecretKey, oaId, tokenStore });
 * await zalo.initialize(host);
 * const response = await zalo.handleWebhook(request);
 * await zalo.doSend({ conversationId: event.conversationId, message: { text: 'Dạ, shop nghe ạ' } });
 * ```
 */
export function createZaloChannel(options: ZaloChannelOptions): ZaloChannel {
  const parsed = zaloChannelOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new ValidationError('Invalid Zalo channel options', 'Cấu hình kênh Zalo không hợp lệ', { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  }
  const now = options.now ?? Date.now;
  const apiBase = (options.apiBase ?? 'https://openapi.zalo.me').replace(/\/$/, '');
  const http = createHttpClient(options);
  let host: ChannelV1Host | undefined;
  const store = options.tokenStore ?? staticZaloTokenStore(options.accessToken ?? '');
  const tokens = createZaloTokenManager({
    appId: options.appId,
    appSecret: options.appSecret,
    store,
    oauthBase: (options.oauthBase ?? 'https://oauth.zaloapp.com').replace(/\/$/, ''),
    http: http.request,
    cache: () => host?.getCache(),
    lockKey: `zalo:token-refresh:${options.appId}:${options.oaId ?? 'default'}`,
    now,
  });

  const refreshFailure = (error: unknown): ChannelV1SendResult => {
    if (error instanceof ZaloTokenRefreshError) {
      return localFailure('token_refresh_failed', error.isRetryable, error.messageVi, error.message, { providerCode: error.details?.provider_code as number | undefined });
    }
    return localFailure('network_error', true, 'Không kết nối được Zalo', `Zalo unreachable: ${String(error)}`);
  };

  /** One API call with the "refresh once on -216/-220, then retry" rule; failures as results. */
  const withToken = async (call: (accessToken: string) => Promise<ZaloApiResult>): Promise<ZaloApiResult | ChannelV1SendResult> => {
    let refreshed = false;
    for (;;) {
      let accessToken: string;
      try {
        accessToken = await tokens.getAccessToken(options.refreshAheadMs ?? 10 * 60 * 1000);
      } catch (error) {
        return refreshFailure(error);
      }
      let result: ZaloApiResult;
      try {
        result = await call(accessToken);
      } catch (error) {
        return localFailure('network_error', true, 'Không kết nối được Zalo; sẽ thử lại', `Zalo unreachable: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (result.kind === 'zalo_error' && isZaloTokenError(result.code) && !refreshed && (await store.get()).refreshToken) {
        refreshed = true;
        try {
          await tokens.refresh(accessToken);
        } catch (error) {
          return refreshFailure(error);
        }
        continue;
      }
      return result;
    }
  };

  const asSendResult = (result: ZaloApiResult | ChannelV1SendResult): ChannelV1SendResult => {
    if (!('kind' in result)) return result;
    if (result.kind === 'ok') return { status: 'sent', messageId: result.messageId ?? '', raw: result.raw };
    if (result.kind === 'http_error') {
      const retryable = result.status === 429 || result.status >= 500;
      return localFailure(retryable ? 'provider_unavailable' : 'provider_error', retryable, `Zalo trả về HTTP ${result.status}`, `Zalo answered HTTP ${result.status}`, { providerCode: result.status, ...(result.retryAfterMs ? { retryAfterMs: result.retryAfterMs } : {}) });
    }
    return zaloFailure(result.code, result.message);
  };

  /**
   * Sends one part: `/v3.0/oa/message/cs` to a user; anonymous chats go to `/v2.0/oa/message`
   * with `recipient: {anonymous_id, conversation_id}` (channels.md §1.6).
   */
  const sendPart = async (ref: ZaloConversationRef, part: ZaloPart): Promise<ChannelV1SendResult> => {
    const anonymous = ref.anonymousConversationId !== undefined;
    const url = anonymous ? `${apiBase}/v2.0/oa/message` : `${apiBase}/v3.0/oa/message/cs`;
    const recipient = anonymous ? { anonymous_id: ref.userId, conversation_id: ref.anonymousConversationId } : { user_id: ref.userId };
    return asSendResult(await withToken((accessToken) => callZalo(http.request, url, accessToken, { method: 'POST', body: { recipient, message: toZaloMessage(part) } })));
  };

  const uploadKey = (planned: ZaloPlannedAttachment) => `zalo:upload:${options.appId}:${options.oaId ?? 'default'}:${planned.kind}:${planned.attachment.url}`;

  /**
   * The part for an outbound image or file: downloaded, uploaded to Zalo (id/token cached for 6
   * days, Zalo keeps them about 7), sent by id. When the file cannot be fetched or Zalo does not
   * take it (size, type), an image goes by URL and a file as a link in text.
   */
  const uploadPart = async (planned: ZaloPlannedAttachment, fresh: boolean): Promise<ZaloPart | ChannelV1SendResult> => {
    const { kind, attachment } = planned;
    const fallback: ZaloPart = kind === 'image' ? { imageUrl: attachment.url } : { text: `${attachment.name ?? attachment.url}: ${attachment.url}` };
    const cache = host?.getCache();
    const cached = fresh ? undefined : await cache?.get<string>(uploadKey(planned));
    if (cached) return kind === 'image' ? { imageAttachmentId: cached } : { fileToken: cached };
    let bytes: Uint8Array;
    let mimeType: string;
    try {
      const response = await http.request(attachment.url, { method: 'GET' });
      if (!response.ok) {
        await response.body?.cancel();
        return fallback;
      }
      bytes = new Uint8Array(await response.arrayBuffer());
      mimeType = attachment.mimeType ?? response.headers.get('content-type') ?? 'application/octet-stream';
    } catch {
      return fallback;
    }
    const name = attachment.name ?? (decodeURIComponent(new URL(attachment.url).pathname.split('/').pop() ?? '') || kind);
    let outcome: ZaloUploadResult | undefined;
    const result = await withToken(async (accessToken) => {
      outcome = await uploadToZalo(http.request, apiBase, accessToken, { kind, bytes, mimeType, name });
      return outcome.kind === 'failed' ? outcome.result : { kind: 'ok', messageId: undefined, raw: undefined };
    });
    if (!('kind' in result)) return result;
    if (!outcome || outcome.kind === 'unsupported') return fallback;
    if (outcome.kind === 'failed') return asSendResult(outcome.result);
    await cache?.set(uploadKey(planned), outcome.id, { ttlMs: 6 * 86_400_000 });
    return kind === 'image' ? { imageAttachmentId: outcome.id } : { fileToken: outcome.id };
  };

  /** Sends a planned step; an expired upload (-100) is uploaded again once. */
  const sendStep = async (ref: ZaloConversationRef, step: { part: ZaloPart } | ZaloPlannedAttachment): Promise<ChannelV1SendResult> => {
    if ('part' in step) return sendPart(ref, step.part);
    for (const fresh of [false, true]) {
      const part = await uploadPart(step, fresh);
      if ('status' in part) return part;
      const result = await sendPart(ref, part);
      const expired = result.status === 'failed' && result.error.providerCode === -100 && (part.imageAttachmentId || part.fileToken);
      if (!expired || fresh) return result;
    }
    return localFailure('attachment_expired', false, 'Tệp đính kèm đã hết hạn', 'The attachment expired');
  };

  const windowClosed = async (ref: ZaloConversationRef, zaloOptions: ZaloProviderOptions | undefined): Promise<boolean> => {
    const given = zaloOptions?.lastInteractionAt;
    const last = given !== undefined ? new Date(given).getTime() : await host?.getCache().get<number>(lastInboundKey(ref.oaId, ref.userId));
    return last !== undefined && Number.isFinite(last) && now() - last > ZALO_REPLY_WINDOW_MS;
  };

  return {
    specificationVersion: 'v1',
    platform: 'zalo',
    capabilities: { messageParts: ['text', 'image', 'file', 'quick-replies'], streaming: 'none', typingIndicator: false, maxTextLength: ZALO_MAX_TEXT_LENGTH, replyWindowMs: ZALO_REPLY_WINDOW_MS },
    tokens,
    refreshIfExpiringWithin: (ms) => tokens.refreshIfExpiringWithin(ms),
    fetchAttachment: (url) => downloadMedia(http.request, 'zalo', url),

    async getUserProfile(userId) {
      const url = `${apiBase}/v3.0/oa/user/detail?data=${encodeURIComponent(JSON.stringify({ user_id: userId }))}`;
      const result = await callZalo(http.request, url, await tokens.getAccessToken(options.refreshAheadMs ?? 10 * 60 * 1000), { method: 'GET' });
      if (result.kind !== 'ok') return undefined;
      const data = (result.raw as { data?: { display_name?: unknown; avatar?: unknown; user_is_follower?: unknown } }).data;
      if (typeof data?.display_name !== 'string') return undefined;
      return {
        displayName: data.display_name,
        ...(typeof data.avatar === 'string' ? { avatar: data.avatar } : {}),
        ...(typeof data.user_is_follower === 'boolean' ? { isFollower: data.user_is_follower } : {}),
      };
    },

    async initialize(newHost) {
      host = newHost;
    },

    async handleWebhook(request) {
      if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
      const rawBody = await request.text();
      const check = verifyZaloSignature({ appId: options.appId, oaSecretKey: options.oaSecretKey, rawBody, header: request.headers.get('x-zevent-signature'), maxAgeMs: options.maxEventAgeMs ?? 3 * 60 * 60 * 1000, now: now() });
      if (!check.ok) return webhookSignatureRejected(check.reason, { missing_signature: 'thiếu chữ ký', missing_timestamp: 'thiếu timestamp', bad_signature: 'chữ ký sai', stale_timestamp: 'sự kiện quá cũ' }[check.reason]);
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        return webhookMalformedBody();
      }
      const webhook = zaloWebhookSchema.safeParse(json);
      if (!webhook.success) return webhookMalformedBody({ issues: webhook.error.issues.map((i) => i.path.join('.')) });
      const logger = host?.getLogger('channel-zalo');
      const accountId = zaloAccountId(webhook.data);
      if (options.oaId && accountId !== options.oaId) {
        logger?.warn({ event: webhook.data.event_name, accountId }, 'zalo webhook for another OA ignored');
        return webhookOk();
      }
      const events = normaliseZaloWebhook(webhook.data);
      if (events.length === 0) return webhookOk();
      if (!host) return webhookReceiveFailed();
      try {
        await host.receive(events);
      } catch (error) {
        logger?.error({ error: String(error) }, 'zalo events not stored; Zalo will retry');
        return webhookReceiveFailed();
      }
      for (const event of events) {
        const ref = decodeZaloConversationId(event.conversationId);
        await host.getCache().set(lastInboundKey(ref.oaId, ref.userId), event.timestamp.getTime(), { ttlMs: ZALO_REPLY_WINDOW_MS + 86_400_000 });
      }
      return webhookOk();
    },

    async extractAccountId(request) {
      try {
        const parsed = zaloWebhookSchema.safeParse(JSON.parse(await request.clone().text()));
        return parsed.success ? (zaloAccountId(parsed.data) ?? null) : null;
      } catch {
        return null;
      }
    },

    async doSend({ conversationId, message, providerOptions }) {
      let ref: ZaloConversationRef;
      try {
        ref = decodeZaloConversationId(conversationId);
      } catch {
        return localFailure('invalid_conversation', false, 'Mã hội thoại Zalo không hợp lệ', `Not a Zalo conversation id: ${conversationId}`);
      }
      const zaloOptions = readZaloOptions(providerOptions);
      if (await windowClosed(ref, zaloOptions)) {
        return localFailure('window_closed', false, 'Khách chưa tương tác với OA trong 7 ngày qua; chờ khách nhắn lại', 'Outside the 7-day interaction window; wait for the user to write again');
      }
      const parts = planZaloParts(message, (text) => splitText(text, ZALO_MAX_TEXT_LENGTH), { upload: options.uploadAttachments ?? true });
      if (parts.length === 0) return localFailure('invalid_payload', false, 'Tin nhắn trống', 'Empty message');
      const ids: string[] = [];
      for (const [index, part] of parts.entries()) {
        const doneKey = zaloOptions?.outboundMessageId ? `zalo:sent:${ref.oaId}:${zaloOptions.outboundMessageId}:${index}` : undefined;
        const done = doneKey ? await host?.getCache().get<string>(doneKey) : undefined;
        if (done !== undefined) {
          ids.push(done);
          continue;
        }
        const result = await sendStep(ref, part);
        if (result.status === 'failed') return result;
        ids.push(result.messageId);
        if (doneKey) await host?.getCache().set(doneKey, result.messageId, { ttlMs: 2 * 86_400_000 });
      }
      return { status: 'sent', messageId: ids[ids.length - 1] ?? '', raw: { messageIds: ids } };
    },

    async testConnection() {
      try {
        const result = await callZalo(http.request, `${apiBase}/v2.0/oa/getoa`, await tokens.getAccessToken(0), { method: 'GET' });
        if (result.kind === 'ok') return { ok: true, details: 'Kết nối Zalo OA thành công / Zalo OA connection OK' };
        return { ok: false, details: result.kind === 'zalo_error' ? zaloFailure(result.code, result.message).error.message : `HTTP ${result.status}` };
      } catch (error) {
        return { ok: false, details: String(error) };
      }
    },

    encodeConversationId: encodeZaloConversationId,
    decodeConversationId: decodeZaloConversationId,
    disconnect: () => http.close(),
  };
}

function readZaloOptions(providerOptions: ProviderOptionsV1 | undefined): ZaloProviderOptions | undefined {
  const raw = providerOptions?.zalo;
  if (!raw) return undefined;
  const lastInteractionAt = raw.lastInteractionAt;
  return {
    ...(typeof raw.outboundMessageId === 'string' ? { outboundMessageId: raw.outboundMessageId } : {}),
    ...(lastInteractionAt instanceof Date || typeof lastInteractionAt === 'string' || typeof lastInteractionAt === 'number' ? { lastInteractionAt } : {}),
  };
}
