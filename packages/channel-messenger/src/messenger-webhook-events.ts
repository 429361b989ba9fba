import type { AttachmentV1, InboundEventV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import { encodeMessengerConversationId } from './messenger-conversation-id';

const attachment = z.looseObject({
  type: z.string(),
  payload: z.looseObject({ url: z.string().optional(), coordinates: z.looseObject({ lat: z.number(), long: z.number() }).optional() }).nullish(),
});
const messaging = z.looseObject({
  sender: z.looseObject({ id: z.string() }),
  recipient: z.looseObject({ id: z.string() }),
  timestamp: z.number(),
  message: z
    .looseObject({
      mid: z.string(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      quick_reply: z.looseObject({ payload: z.string() }).optional(),
      attachments: z.array(attachment).optional(),
    })
    .optional(),
  postback: z.looseObject({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
});

/** A Messenger webhook body (channels.md §2.3), lenient about unknown fields and event kinds. */
export const messengerWebhookSchema = z.looseObject({
  object: z.string(),
  entry: z.array(z.looseObject({ id: z.string(), time: z.number().optional(), messaging: z.array(messaging).optional() })),
});

/** A parsed Messenger webhook. */
export type MessengerWebhook = z.infer<typeof messengerWebhookSchema>;

const TYPES: Record<string, AttachmentV1['type'] | undefined> = { image: 'image', audio: 'audio', video: 'video', file: 'file', location: 'location', sticker: 'sticker' };

function toAttachment(a: z.infer<typeof attachment>): AttachmentV1 | undefined {
  // Messenger sends stickers as images with a sticker_id; keep them as images to show agents.
  const type = TYPES[a.type];
  if (!type) return undefined;
  const coords = a.payload?.coordinates;
  return { type, ...(a.payload?.url ? { url: a.payload.url } : {}), ...(coords ? { latitude: coords.lat, longitude: coords.long } : {}) };
}

/**
 * Normalises every `entry[].messaging[]` item: messages (text, quick-reply taps, attachments)
 * and postbacks. Echoes of the Page's own sends, deliveries, reads and other kinds give nothing.
 * Event id: `message.mid`, `postback.mid`, or for old postbacks sender + timestamp + payload.
 */
export function normaliseMessengerWebhook(webhook: MessengerWebhook): InboundEventV1[] {
  if (webhook.object !== 'page') return [];
  const events: InboundEventV1[] = [];
  for (const entry of webhook.entry) {
    for (const item of entry.messaging ?? []) {
      const base = {
        conversationId: encodeMessengerConversationId({ pageId: entry.id, psid: item.sender.id }),
        sender: { id: item.sender.id },
        accountId: entry.id,
        timestamp: new Date(item.timestamp),
        raw: item,
      };
      if (item.message && !item.message.is_echo) {
        const attachments = (item.message.attachments ?? []).map(toAttachment).filter((a): a is AttachmentV1 => a !== undefined);
        const text = item.message.text;
        events.push({ type: 'message', eventId: item.message.mid, ...base, message: { ...(text ? { text } : {}), ...(attachments.length > 0 ? { attachments } : {}) } });
      } else if (item.postback) {
        const payload = item.postback.payload ?? item.postback.title ?? '';
        events.push({ type: 'postback', eventId: item.postback.mid ?? `postback:${item.sender.id}:${item.timestamp}:${payload}`, ...base, message: { text: payload } });
      }
    }
  }
  return events;
}
