import type { AttachmentV1, InboundEventV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import { encodeLineConversationId } from './line-conversation-id';

const source = z.looseObject({ type: z.string(), userId: z.string().optional(), groupId: z.string().optional(), roomId: z.string().optional() });
const event = z.looseObject({
  type: z.string(),
  mode: z.string().optional(),
  timestamp: z.number(),
  source: source.optional(),
  webhookEventId: z.string(),
  deliveryContext: z.looseObject({ isRedelivery: z.boolean() }).optional(),
  replyToken: z.string().optional(),
  message: z
    .looseObject({ type: z.string(), id: z.string(), text: z.string().optional(), fileName: z.string().optional(), fileSize: z.number().optional(), latitude: z.number().optional(), longitude: z.number().optional() })
    .optional(),
  postback: z.looseObject({ data: z.string() }).optional(),
});

/** A LINE webhook body (channels.md §4.2). `events: []` is the console's verification request. */
export const lineWebhookSchema = z.looseObject({ destination: z.string(), events: z.array(event) });

/** A parsed LINE webhook. */
export type LineWebhook = z.infer<typeof lineWebhookSchema>;

/** How long a reply token is trusted after the event (LINE: use within about a minute). */
export const LINE_REPLY_TOKEN_TTL_MS = 50_000;

const CONTENT_TYPES: Record<string, AttachmentV1['type'] | undefined> = { image: 'image', video: 'video', audio: 'audio', file: 'file', sticker: 'sticker', location: 'location' };

function attachmentOf(m: NonNullable<z.infer<typeof event>['message']>): AttachmentV1 | undefined {
  const type = CONTENT_TYPES[m.type];
  if (!type) return undefined;
  if (type === 'location') return { type, latitude: m.latitude, longitude: m.longitude };
  if (type === 'sticker') return { type };
  // Binary content lives at api-data.line.me/v2/bot/message/{id}/content and needs the token.
  return { type, url: `line-content:${m.id}`, ...(m.fileName ? { name: m.fileName } : {}), ...(m.fileSize !== undefined ? { size: m.fileSize } : {}) };
}

/**
 * Normalises LINE events: message, postback, follow, unfollow (event id: `webhookEventId`).
 * Events in `standby` mode (another module owns the channel) and other kinds give nothing.
 * The reply token is passed on with an expiry, except on redeliveries where it is likely dead.
 */
export function normaliseLineWebhook(webhook: LineWebhook): InboundEventV1[] {
  const events: InboundEventV1[] = [];
  for (const e of webhook.events) {
    if (e.mode === 'standby' || !e.source) continue;
    const to = e.source.groupId ?? e.source.roomId ?? e.source.userId;
    const senderId = e.source.userId ?? to;
    if (!to || !senderId) continue;
    const replyToken = e.replyToken && !e.deliveryContext?.isRedelivery ? { value: e.replyToken, expiresAt: new Date(e.timestamp + LINE_REPLY_TOKEN_TTL_MS) } : undefined;
    const base = { eventId: e.webhookEventId, conversationId: encodeLineConversationId(to), sender: { id: senderId }, accountId: webhook.destination, timestamp: new Date(e.timestamp), raw: e };
    if (e.type === 'message' && e.message) {
      const attachment = attachmentOf(e.message);
      events.push({ type: 'message', ...base, message: { ...(e.message.text ? { text: e.message.text } : {}), ...(attachment ? { attachments: [attachment] } : {}), ...(replyToken ? { replyToken } : {}) } });
    } else if (e.type === 'postback' && e.postback) {
      events.push({ type: 'postback', ...base, message: { text: e.postback.data, ...(replyToken ? { replyToken } : {}) } });
    } else if (e.type === 'follow' || e.type === 'unfollow') {
      events.push({ type: e.type, ...base, ...(replyToken ? { message: { replyToken } } : {}) });
    }
  }
  return events;
}
