import { randomBytes } from 'node:crypto';
import { buildWebhookRequest, deliverWithRetries, type WebhookDelivery, type WebhookTarget } from './webhook-driver';
import { signZaloWebhook } from './webhook-signers';

/** Zalo's retry ladder (30 s, 5 min, 15 min, 30 min, 1 h), compressed 10,000× for tests. */
export const ZALO_TEST_RETRY_DELAYS_MS = [3, 30, 90, 180, 360] as const;

/** Builds and delivers Zalo OA webhooks signed with `X-ZEvent-Signature`, like Zalo does. */
export interface ZaloWebhookDriver {
  /** A signed request for a raw body; `numRetry` adds Zalo's `num_retry` header. */
  request(rawBody: string, options?: { numRetry?: number; forge?: boolean; prefix?: boolean }): Request;
  /** Posts the event, retrying on failure with `num_retry` set, as Zalo does. */
  deliver(payload: Record<string, unknown> | string, options?: { retryDelaysMs?: ReadonlyArray<number> }): Promise<WebhookDelivery>;
  /** A `user_send_text` payload (timestamp now unless given). */
  textEvent(options: { userId: string; text: string; msgId?: string; timestamp?: number }): Record<string, unknown>;
  /**
   * An `anonymous_send_text` payload: a user chatting without following or sharing a UID;
   * `sender.id` is the anonymous id and `message.conversation_id` the chat to reply in.
   */
  anonymousTextEvent(options: { anonymousId: string; conversationId: string; text: string; msgId?: string; timestamp?: number }): Record<string, unknown>;
  /** A `follow` / `unfollow` payload. */
  followEvent(options: { userId: string; unfollow?: boolean; timestamp?: number }): Record<string, unknown>;
}

/** Creates a {@link ZaloWebhookDriver} for one Zalo app and OA. */
export function createZaloWebhookDriver(options: {
  target: WebhookTarget;
  appId: string;
  oaId: string;
  oaSecretKey: string;
}): ZaloWebhookDriver {
  const request: ZaloWebhookDriver['request'] = (rawBody, extra = {}) => {
    const signature = signZaloWebhook({
      appId: options.appId,
      oaSecretKey: extra.forge ? `${options.oaSecretKey}-forged` : options.oaSecretKey,
      rawBody,
    });
    const headers: Record<string, string> = { 'x-zevent-signature': extra.prefix === false ? signature.slice(4) : signature };
    if (extra.numRetry !== undefined) headers['num_retry'] = String(extra.numRetry);
    return buildWebhookRequest(rawBody, headers);
  };
  return {
    request,
    deliver: (payload, extra = {}) => {
      const rawBody = typeof payload === 'string' ? payload : JSON.stringify(payload);
      return deliverWithRetries({
        target: options.target,
        retryDelaysMs: extra.retryDelaysMs ?? ZALO_TEST_RETRY_DELAYS_MS,
        build: (attempt) => request(rawBody, attempt > 0 ? { numRetry: attempt } : {}),
      });
    },
    textEvent: ({ userId, text, msgId, timestamp }) => ({
      app_id: options.appId,
      sender: { id: userId },
      user_id_by_app: `app_${userId}`,
      recipient: { id: options.oaId },
      event_name: 'user_send_text',
      message: { text, msg_id: msgId ?? randomBytes(10).toString('hex') },
      timestamp: String(timestamp ?? Date.now()),
    }),
    anonymousTextEvent: ({ anonymousId, conversationId, text, msgId, timestamp }) => ({
      app_id: options.appId,
      sender: { id: anonymousId },
      recipient: { id: options.oaId },
      event_name: 'anonymous_send_text',
      message: { text, msg_id: msgId ?? randomBytes(10).toString('hex'), conversation_id: conversationId },
      timestamp: String(timestamp ?? Date.now()),
    }),
    followEvent: ({ userId, unfollow, timestamp }) => ({
      oa_id: options.oaId,
      follower: { id: userId },
      user_id_by_app: `app_${userId}`,
      event_name: unfollow ? 'unfollow' : 'follow',
      source: 'oa_profile',
      app_id: options.appId,
      timestamp: String(timestamp ?? Date.now()),
    }),
  };
}
