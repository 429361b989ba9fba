import { ValidationError } from '@agent-chatbot/core';

/** `line:<id>` where id is a user (`U…`), group (`C…`) or room (`R…`) id: the push `to`. */
export function encodeLineConversationId(to: string): string {
  return `line:${to}`;
}

/** Inverse of {@link encodeLineConversationId}; throws a 400 for anything else. */
export function decodeLineConversationId(conversationId: string): string {
  const match = /^line:([UCR][0-9a-f]{32})$/.exec(conversationId);
  if (!match?.[1]) throw new ValidationError(`Not a LINE conversation id: ${conversationId}`, `Không phải mã hội thoại LINE: ${conversationId}`);
  return match[1];
}
