import { ValidationError } from '@agent-chatbot/core';

/** A Zalo conversation: the OA and the user's OA-scoped id (`sender.id` in events). */
export interface ZaloConversationRef {
  readonly oaId: string;
  readonly userId: string;
}

/** `zalo:<oaId>:<userId>`; ids are decimal strings (never parsed as numbers: they exceed 2^53). */
export function encodeZaloConversationId(ref: ZaloConversationRef): string {
  return `zalo:${ref.oaId}:${ref.userId}`;
}

/** Inverse of {@link encodeZaloConversationId}; throws a 400 for anything else. */
export function decodeZaloConversationId(conversationId: string): ZaloConversationRef {
  const match = /^zalo:([^:]+):([^:]+)$/.exec(conversationId);
  if (!match?.[1] || !match[2]) {
    throw new ValidationError(`Not a Zalo conversation id: ${conversationId}`, `Không phải mã hội thoại Zalo: ${conversationId}`);
  }
  return { oaId: match[1], userId: match[2] };
}
