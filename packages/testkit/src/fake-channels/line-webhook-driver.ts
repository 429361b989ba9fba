import { randomBytes } from 'node:crypto';
import { buildWebhookRequest, deliverWithRetries, type WebhookDelivery, type WebhookTarget } from './webhook-driver';
import { signLineWebhook } from './webhook-signers';

/** Builds and delivers LINE webhooks with `x-line-signature`, like LINE does. */
export interface LineWebhookDriver {
  /** Builds a signed webhook request (`forge`: wrong signature, `unsigned`: none). */
  request(rawBody: string, options?: { forge?: boolean; unsigned?: boolean }): Request;
  /**
   * Signs and posts `{destination, events}`; with `redelivery` (LINE's opt-in "Webhook redelivery")
   * failed deliveries are resent with `deliveryContext.isRedelivery: true` and the same ids.
   */
  deliver(events: Array<Record<string, unknown>>, options?: { redelivery?: boolean; retryDelaysMs?: ReadonlyArray<number> }): Promise<WebhookDelivery>;
  /** The console's "Verify" request body: no events. */
  verificationBody(): string;
  /** A user text message event. */
  textEvent(options: { userId: string; text: string; replyToken?: string; webhookEventId?: string; timestamp?: number }): Record<string, unknown>;
}

const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID-shaped id like LINE's `webhookEventId`. */
export const fakeWebhookEventId = (): string => Array.from(randomBytes(26), (b) => ULID_ALPHABET[b % 32]).join('');

/** Creates a {@link LineWebhookDriver} for one channel secret and bot (`destination`). */
export function createLineWebhookDriver(options: { target: WebhookTarget; channelSecret: string; destination: string }): LineWebhookDriver {
  const request: LineWebhookDriver['request'] = (rawBody, extra = {}) =>
    buildWebhookRequest(rawBody, extra.unsigned ? {} : { 'x-line-signature': signLineWebhook({ channelSecret: extra.forge ? `${options.channelSecret}x` : options.channelSecret, rawBody }) });
  return {
    request,
    deliver: (events, extra = {}) => {
      const body = (redelivery: boolean) =>
        JSON.stringify({ destination: options.destination, events: events.map((e) => ({ ...e, deliveryContext: { isRedelivery: redelivery } })) });
      // By default LINE does not resend at all.
      const delays = extra.redelivery ? (extra.retryDelaysMs ?? [2, 5, 10]) : [];
      return deliverWithRetries({ target: options.target, retryDelaysMs: delays, build: (attempt) => request(body(attempt > 0)) });
    },
    verificationBody: () => JSON.stringify({ destination: options.destination, events: [] }),
    textEvent: ({ userId, text, replyToken, webhookEventId, timestamp }) => ({
      type: 'message',
      mode: 'active',
      timestamp: timestamp ?? Date.now(),
      source: { type: 'user', userId },
      webhookEventId: webhookEventId ?? fakeWebhookEventId(),
      deliveryContext: { isRedelivery: false },
      replyToken: replyToken ?? randomBytes(16).toString('hex'),
      message: { type: 'text', id: String(BigInt(`0x${randomBytes(7).toString('hex')}`)), text, quoteToken: randomBytes(8).toString('base64url') },
    }),
  };
}
