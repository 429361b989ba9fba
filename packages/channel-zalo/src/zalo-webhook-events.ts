import type { AttachmentV1, InboundEventV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import { encodeZaloConversationId } from './zalo-conversation-id';

// Lenient: unknown fields pass through, ids are strings (they exceed 2^53).
const id = z.union([z.string(), z.number()]).transform(String);
const attachment = z.looseObject({
  type: z.string(),
  payload: z
    .looseObject({
      url: z.string().optional(),
      thumbnail: z.string().optional(),
      name: z.string().optional(),
      size: z.union([z.string(), z.number()]).optional(),
      type: z.string().optional(),
      coordinates: z.looseObject({ latitude: z.coerce.number(), longitude: z.coerce.number() }).optional(),
    })
    .optional(),
});

/** The outer shape every Zalo OA webhook shares (channels.md §1.5). */
export const zaloWebhookSchema = z.looseObject({
  app_id: id.optional(),
  event_name: z.string(),
  timestamp: id,
  oa_id: id.optional(),
  /** Anonymous chats: some payloads carry these at the top level instead of in `sender`/`message`. */
  anonymous_id: id.optional(),
  conversation_id: id.optional(),
  sender: z.looseObject({ id }).optional(),
  recipient: z.looseObject({ id }).optional(),
  follower: z.looseObject({ id }).optional(),
  message: z
    .looseObject({
      msg_id: id.optional(),
      text: z.string().optional(),
      /** Anonymous chats (`anonymous_send_*`): the chat to reply in, with the sender's anonymous id. */
      conversation_id: id.optional(),
      attachments: z.array(attachment).optional(),
      location: z.looseObject({ latitude: z.coerce.number(), longitude: z.coerce.number() }).optional(),
    })
    .optional(),
});

/** A parsed Zalo webhook body. */
export type ZaloWebhook = z.infer<typeof zaloWebhookSchema>;

const ATTACHMENT_TYPES: Record<string, AttachmentV1['type'] | undefined> = {
  image: 'image',
  gif: 'image',
  sticker: 'sticker',
  audio: 'audio',
  video: 'video',
  file: 'file',
  location: 'location',
};

/** The OA an event belongs to: user events → recipient, echoes/receipts → sender, follows → oa_id. */
export function zaloAccountId(event: ZaloWebhook): string | undefined {
  if (event.oa_id) return event.oa_id;
  const fromOa = event.event_name.startsWith('oa_') || event.event_name === 'user_received_message' || event.event_name === 'user_seen_message';
  return fromOa ? event.sender?.id : event.recipient?.id;
}

function toAttachment(raw: z.infer<typeof attachment>): AttachmentV1 | undefined {
  const type = ATTACHMENT_TYPES[raw.type];
  if (!type) return undefined;
  const p = raw.payload ?? {};
  const size = p.size !== undefined ? Number(p.size) : undefined;
  return {
    type,
    ...(p.url ? { url: p.url } : {}),
    ...(p.name ? { name: p.name } : {}),
    ...(p.type ? { mimeType: p.type } : {}),
    ...(size !== undefined && Number.isFinite(size) ? { size } : {}),
    ...(p.coordinates ? { latitude: p.coordinates.latitude, longitude: p.coordinates.longitude } : {}),
  };
}

/**
 * Turns one Zalo webhook into normalised events: user messages (text, image, gif, file, sticker,
 * audio, video, location), the same from anonymous users (`anonymous_send_*`, conversation id
 * `zalo:<oa>:anon:<anonymous_id>:<conversation_id>`) and follow/unfollow. OA echoes (`oa_send_*`,
 * `oa_send_anonymous_*`), receipts and other
 * management events give nothing (echoes would otherwise make the bot answer itself).
 */
export function normaliseZaloWebhook(event: ZaloWebhook): InboundEventV1[] {
  const oaId = zaloAccountId(event);
  const timestamp = new Date(Number(event.timestamp));
  if (!oaId) return [];
  if (event.event_name === 'follow' || event.event_name === 'unfollow') {
    const userId = event.follower?.id;
    if (!userId) return [];
    return [
      {
        type: event.event_name,
        // No msg_id on follows: derive a stable id from what identifies the event (§1.9).
        eventId: `${event.event_name}:${oaId}:${userId}:${event.timestamp}`,
        conversationId: encodeZaloConversationId({ oaId, userId }),
        sender: { id: userId },
        accountId: oaId,
        timestamp,
        raw: event,
      },
    ];
  }
  const anonymous = event.event_name.startsWith('anonymous_send_');
  if (!event.event_name.startsWith('user_send_') && !anonymous) return [];
  const userId = anonymous ? (event.anonymous_id ?? event.sender?.id) : event.sender?.id;
  const msgId = event.message?.msg_id;
  if (!userId || !msgId) return [];
  // An anonymous user has no UID: the reply needs the anonymous id and the chat's conversation id.
  const anonymousConversationId = anonymous ? (event.message?.conversation_id ?? event.conversation_id) : undefined;
  if (anonymous && !anonymousConversationId) return [];
  const attachments = (event.message?.attachments ?? []).map(toAttachment).filter((a): a is AttachmentV1 => a !== undefined);
  const location = event.message?.location;
  if (location && !attachments.some((a) => a.type === 'location')) {
    attachments.push({ type: 'location', latitude: location.latitude, longitude: location.longitude });
  }
  const text = event.message?.text;
  return [
    {
      type: 'message',
      eventId: msgId,
      conversationId: encodeZaloConversationId({ oaId, userId, ...(anonymousConversationId ? { anonymousConversationId } : {}) }),
      sender: { id: userId },
      accountId: oaId,
      timestamp,
      message: { ...(text ? { text } : {}), ...(attachments.length > 0 ? { attachments } : {}) },
      raw: event,
    },
  ];
}
