import { ValidationError } from '@agent-chatbot/core';

/** The provider-side reference of a web conversation: which widget, which conversation in it. */
export interface WebConversationRef {
  /** The widget's public key. */
  readonly publicKey: string;
  /** The visitor's conversation reference. */
  readonly conversation: string;
}

const PART = /^[A-Za-z0-9_-]{1,100}$/;

/** `web:<publicKey>:<conversation>`. */
export function encodeWebConversationId(ref: WebConversationRef): string {
  if (!PART.test(ref.publicKey) || !PART.test(ref.conversation)) {
    throw new ValidationError('Invalid web conversation reference', 'Mã hội thoại web không hợp lệ');
  }
  return `web:${ref.publicKey}:${ref.conversation}`;
}

/** The inverse of {@link encodeWebConversationId}; throws `ValidationError` for anything else. */
export function decodeWebConversationId(conversationId: string): WebConversationRef {
  const [platform, publicKey, conversation, ...rest] = conversationId.split(':');
  if (platform !== 'web' || publicKey === undefined || conversation === undefined || rest.length > 0 || !PART.test(publicKey) || !PART.test(conversation)) {
    throw new ValidationError(`Not a web conversation id: ${conversationId.slice(0, 120)}`, 'Không phải mã hội thoại web');
  }
  return { publicKey, conversation };
}
