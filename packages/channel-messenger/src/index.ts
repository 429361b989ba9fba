/**
 * `@agent-chatbot/channel-messenger`: Facebook Messenger (Page) channel.
 * @packageDocumentation
 */
export {
  createMessengerChannel,
  MESSENGER_HUMAN_AGENT_WINDOW_MS,
  MESSENGER_MAX_TEXT_LENGTH,
  MESSENGER_REPLY_WINDOW_MS,
  type MessengerChannel,
  type MessengerProviderOptions,
} from './create-messenger-channel';
export type { MessengerChannelOptions } from './messenger-channel-options';
export { encodeMessengerConversationId, decodeMessengerConversationId, type MessengerConversationRef } from './messenger-conversation-id';
export { normaliseMessengerWebhook, messengerWebhookSchema, type MessengerWebhook } from './messenger-webhook-events';
export { answerMessengerVerification, verifyMessengerSignature } from './verify-messenger-signature';
export { graphFailure } from './graph-errors';
export { splitText } from '@agent-chatbot/core';
export type { HttpClientOptions } from '@agent-chatbot/core';
export { createMessengerChannelFromConfig, generateMessengerVerifyToken, messengerConnectionConfigSchema, type MessengerConnectionConfig } from './messenger-connection-config';
