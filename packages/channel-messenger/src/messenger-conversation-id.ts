import { ValidationError } from '@agent-chatbot/core';

/** A Messenger conversation: the Page and the person's page-scoped id (PSID). */
export interface MessengerConversationRef {
  /** The Facebook page. */
  readonly pageId: string;
  /** The customer's page-scoped id. */
  readonly psid: string;
}

/** `messenger:<pageId>:<psid>`. */
export function encodeMessengerConversationId(ref: MessengerConversationRef): string {
  return `messenger:${ref.pageId}:${ref.psid}`;
}

/** Inverse of {@link encodeMessengerConversationId}; throws a 400 for anything else. */
export function decodeMessengerConversationId(conversationId: string): MessengerConversationRef {
  const match = /^messenger:([^:]+):([^:]+)$/.exec(conversationId);
  if (!match?.[1] || !match[2]) {
    throw new ValidationError(`Not a Messenger conversation id: ${conversationId}`, `Không phải mã hội thoại Messenger: ${conversationId}`);
  }
  return { pageId: match[1], psid: match[2] };
}
