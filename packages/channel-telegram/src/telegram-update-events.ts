import type { AttachmentV1, InboundEventV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import { encodeTelegramConversationId } from './telegram-conversation-id';

const user = z.looseObject({ id: z.number(), is_bot: z.boolean().optional(), first_name: z.string().optional(), last_name: z.string().optional(), username: z.string().optional() });
const chat = z.looseObject({ id: z.number(), type: z.string() });
const file = z.looseObject({ file_id: z.string(), file_name: z.string().optional(), mime_type: z.string().optional(), file_size: z.number().optional() });
const message = z.looseObject({
  message_id: z.number(),
  from: user.optional(),
  chat,
  date: z.number(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(file).optional(),
  document: file.optional(),
  audio: file.optional(),
  voice: file.optional(),
  video: file.optional(),
  sticker: z.looseObject({ file_id: z.string(), emoji: z.string().optional() }).optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number() }).optional(),
});

/** A Telegram `Update` (channels.md §3.2); unknown kinds pass through and are ignored. */
export const telegramUpdateSchema = z.looseObject({
  update_id: z.number().int(),
  message: message.optional(),
  callback_query: z.looseObject({ id: z.string(), from: user, data: z.string().optional(), message: message.optional() }).optional(),
  my_chat_member: z.looseObject({ chat, from: user, date: z.number(), new_chat_member: z.looseObject({ status: z.string() }) }).optional(),
});

/** A parsed Telegram update. */
export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;

const displayName = (u: z.infer<typeof user>) => [u.first_name, u.last_name].filter(Boolean).join(' ') || u.username;

// Telegram gives file ids, not URLs: a download URL contains the bot token, so it is never put in
// an event. The runtime resolves `telegram-file:<file_id>` with getFile when it copies the media.
const fileAttachment = (type: AttachmentV1['type'], f: z.infer<typeof file>): AttachmentV1 => ({
  type,
  url: `telegram-file:${f.file_id}`,
  ...(f.file_name ? { name: f.file_name } : {}),
  ...(f.mime_type ? { mimeType: f.mime_type } : {}),
  ...(f.file_size !== undefined ? { size: f.file_size } : {}),
});

function attachmentsOf(m: z.infer<typeof message>): AttachmentV1[] {
  const list: AttachmentV1[] = [];
  const largestPhoto = m.photo?.[m.photo.length - 1];
  if (largestPhoto) list.push(fileAttachment('image', largestPhoto));
  if (m.document) list.push(fileAttachment('file', m.document));
  if (m.audio ?? m.voice) list.push(fileAttachment('audio', (m.audio ?? m.voice)!));
  if (m.video) list.push(fileAttachment('video', m.video));
  if (m.sticker) list.push({ type: 'sticker', url: `telegram-file:${m.sticker.file_id}`, ...(m.sticker.emoji ? { name: m.sticker.emoji } : {}) });
  if (m.location) list.push({ type: 'location', latitude: m.location.latitude, longitude: m.location.longitude });
  return list;
}

/**
 * Normalises one update: messages (text, photos, documents, audio, video, stickers, locations),
 * callback queries (button taps → postback) and the bot being blocked/unblocked in a private chat
 * (→ unfollow/follow). The event id is `update_id`, which Telegram provides for deduplication.
 */
export function normaliseTelegramUpdate(update: TelegramUpdate, botId?: string): InboundEventV1[] {
  const eventId = String(update.update_id);
  const accountId = botId ? { accountId: botId } : {};
  if (update.message?.from && !update.message.from.is_bot) {
    const m = update.message;
    const from = m.from!;
    const attachments = attachmentsOf(m);
    const text = m.text ?? m.caption;
    return [
      {
        type: 'message',
        eventId,
        conversationId: encodeTelegramConversationId(String(m.chat.id)),
        sender: { id: String(from.id), ...(displayName(from) ? { name: displayName(from) } : {}) },
        ...accountId,
        timestamp: new Date(m.date * 1000),
        message: { ...(text ? { text } : {}), ...(attachments.length > 0 ? { attachments } : {}) },
        raw: update,
      },
    ];
  }
  const query = update.callback_query;
  if (query?.message && query.data !== undefined) {
    return [
      {
        type: 'postback',
        eventId,
        conversationId: encodeTelegramConversationId(String(query.message.chat.id)),
        sender: { id: String(query.from.id), ...(displayName(query.from) ? { name: displayName(query.from) } : {}) },
        ...accountId,
        timestamp: new Date(),
        message: { text: query.data },
        raw: update,
      },
    ];
  }
  const member = update.my_chat_member;
  if (member && member.chat.type === 'private' && ['kicked', 'member'].includes(member.new_chat_member.status)) {
    return [
      {
        type: member.new_chat_member.status === 'kicked' ? 'unfollow' : 'follow',
        eventId,
        conversationId: encodeTelegramConversationId(String(member.chat.id)),
        sender: { id: String(member.from.id) },
        ...accountId,
        timestamp: new Date(member.date * 1000),
        raw: update,
      },
    ];
  }
  return [];
}
