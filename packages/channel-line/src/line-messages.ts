import { splitText, type OutboundMessageV1 } from '@agent-chatbot/core';

/** Longest text in one LINE text message. */
export const LINE_MAX_TEXT_LENGTH = 5000;
/** Message objects per reply/push request. */
export const LINE_MAX_MESSAGES_PER_REQUEST = 5;

/**
 * Converts one outbound message to LINE message objects, in batches of at most five (one request
 * each): text parts, images (`originalContentUrl`), files as links (LINE bots cannot send files),
 * and quick replies on the last message.
 */
export function toLineMessageBatches(message: OutboundMessageV1): Array<Array<Record<string, unknown>>> {
  const links = (message.attachments ?? []).filter((a) => a.type !== 'image' && a.url).map((a) => `${a.name ?? a.url}: ${a.url}`);
  const text = [message.text ?? '', ...links].filter((t) => t.trim()).join('\n');
  const objects: Array<Record<string, unknown>> = text ? splitText(text, LINE_MAX_TEXT_LENGTH).map((t) => ({ type: 'text', text: t })) : [];
  for (const image of (message.attachments ?? []).filter((a) => a.type === 'image' && a.url)) {
    objects.push({ type: 'image', originalContentUrl: image.url, previewImageUrl: image.url });
  }
  const last = objects[objects.length - 1];
  if (last && message.quickReplies?.length) {
    last.quickReply = { items: message.quickReplies.slice(0, 13).map((label) => ({ type: 'action', action: { type: 'message', label: [...label].slice(0, 20).join(''), text: label } })) };
  }
  const batches: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < objects.length; i += LINE_MAX_MESSAGES_PER_REQUEST) batches.push(objects.slice(i, i + LINE_MAX_MESSAGES_PER_REQUEST));
  return batches;
}
