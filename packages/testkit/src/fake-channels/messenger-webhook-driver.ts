import { randomBytes } from 'node:crypto';
import { buildWebhookRequest, deliverWithRetries, type WebhookDelivery, type WebhookTarget } from './webhook-driver';
import { metaJsonStringify, signMessengerWebhook } from './webhook-signers';

/** Builds and delivers Messenger webhooks the way Meta does (ASCII-escaped JSON, `X-Hub-Signature-256`). */
export interface MessengerWebhookDriver {
  /** Builds a signed webhook request (`forge`: wrong signature, `unsigned`: none). */
  request(rawBody: string, options?: { forge?: boolean; unsigned?: boolean }): Request;
  /** Serialises like Meta, signs and posts; Meta retries on failure (compressed delays). */
  deliver(payload: Record<string, unknown> | string, options?: { retryDelaysMs?: ReadonlyArray<number> }): Promise<WebhookDelivery>;
  /** Meta's GET handshake when the callback URL is saved. */
  verificationRequest(verifyToken: string, challenge: string): Request;
  /** A one-message webhook body. */
  textEvent(options: { psid: string; text: string; mid?: string; timestamp?: number }): Record<string, unknown>;
  /** A postback (button tap) body. */
  postbackEvent(options: { psid: string; payload: string; title?: string; mid?: string }): Record<string, unknown>;
}

/** Creates a {@link MessengerWebhookDriver} for one app secret and Page. */
export function createMessengerWebhookDriver(options: { target: WebhookTarget; appSecret: string; pageId: string }): MessengerWebhookDriver {
  const request: MessengerWebhookDriver['request'] = (rawBody, extra = {}) => {
    const headers: Record<string, string> = {};
    if (!extra.unsigned) {
      headers['x-hub-signature-256'] = signMessengerWebhook({ appSecret: extra.forge ? `${options.appSecret}x` : options.appSecret, rawBody });
    }
    return buildWebhookRequest(rawBody, headers);
  };
  const wrap = (item: Record<string, unknown>, timestamp: number) => ({ object: 'page', entry: [{ id: options.pageId, time: timestamp, messaging: [item] }] });
  return {
    request,
    deliver: (payload, extra = {}) => {
      const rawBody = typeof payload === 'string' ? payload : metaJsonStringify(payload);
      return deliverWithRetries({ target: options.target, retryDelaysMs: extra.retryDelaysMs ?? [1, 5, 20, 60], build: () => request(rawBody) });
    },
    verificationRequest: (verifyToken, challenge) =>
      new Request(`http://127.0.0.1/webhook?hub.mode=subscribe&hub.challenge=${encodeURIComponent(challenge)}&hub.verify_token=${encodeURIComponent(verifyToken)}`),
    textEvent: ({ psid, text, mid, timestamp = Date.now() }) =>
      wrap({ sender: { id: psid }, recipient: { id: options.pageId }, timestamp, message: { mid: mid ?? `m_${randomBytes(8).toString('hex')}`, text } }, timestamp),
    postbackEvent: ({ psid, payload, title, mid }) => {
      const timestamp = Date.now();
      return wrap({ sender: { id: psid }, recipient: { id: options.pageId }, timestamp, postback: { mid: mid ?? `m_${randomBytes(8).toString('hex')}`, title: title ?? payload, payload } }, timestamp);
    },
  };
}
