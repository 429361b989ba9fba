import { ValidationError } from '@agent-chatbot/core';

/** `telegram:<chat id>`; group chat ids are negative, so the id keeps its sign. */
export function encodeTelegramConversationId(chatId: string): string {
  return `telegram:${chatId}`;
}

/** Inverse of {@link encodeTelegramConversationId}: the chat id as a string. */
export function decodeTelegramConversationId(conversationId: string): string {
  const match = /^telegram:(-?\d+|@[A-Za-z0-9_]{5,})$/.exec(conversationId);
  if (!match?.[1]) throw new ValidationError(`Not a Telegram conversation id: ${conversationId}`, `Không phải mã hội thoại Telegram: ${conversationId}`);
  return match[1];
}
