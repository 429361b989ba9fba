import { ValidationError } from '@agent-chatbot/core';

/**
 * A Zalo conversation: the OA and the user's OA-scoped id (`sender.id` in events). For an
 * anonymous chat (`anonymous_send_*` events) `userId` is the `anonymous_id` and
 * `anonymousConversationId` the chat's `conversation_id`: both are needed to reply.
 */
export interface ZaloConversationRef {
  /** The Official Account. */
  readonly oaId: string;
  /** The customer's Zalo user id. */
  readonly userId: string;
  /** Set for anonymous users only (no UID, no profile; replies name the conversation). */
  readonly anonymousConversationId?: string;
}

/**
 * `zalo:<oaId>:<userId>`, or `zalo:<oaId>:anon:<anonymousId>:<conversationId>` for an anonymous
 * chat; ids are strings (never parsed as numbers: they exceed 2^53).
 */
export function encodeZaloConversationId(ref: ZaloConversationRef): string {
  if (ref.anonymousConversationId !== undefined) return `zalo:${ref.oaId}:anon:${ref.userId}:${ref.anonymousConversationId}`;
  return `zalo:${ref.oaId}:${ref.userId}`;
}

/** Inverse of {@link encodeZaloConversationId}; throws a 400 for anything else. */
export function decodeZaloConversationId(conversationId: string): ZaloConversationRef {
  const anonymous = /^zalo:([^:]+):anon:([^:]+):([^:]+)$/.exec(conversationId);
  if (anonymous?.[1] && anonymous[2] && anonymous[3]) return { oaId: anonymous[1], userId: anonymous[2], anonymousConversationId: anonymous[3] };
  const match = /^zalo:([^:]+):([^:]+)$/.exec(conversationId);
  if (!match?.[1] || !match[2] || match[2] === 'anon') {
    throw new ValidationError(`Not a Zalo conversation id: ${conversationId}`, `Không phải mã hội thoại Zalo: ${conversationId}`);
  }
  return { oaId: match[1], userId: match[2] };
}
