/**
 * `@agent-chatbot/channel-line`: LINE Messaging API channel.
 * @packageDocumentation
 */
export { createLineChannel, type LineChannel, type LineChannelOptions, type LineProviderOptions } from './create-line-channel';
export { encodeLineConversationId, decodeLineConversationId } from './line-conversation-id';
export { lineFailure } from './line-errors';
export { LINE_MAX_MESSAGES_PER_REQUEST, LINE_MAX_TEXT_LENGTH, toLineMessageBatches } from './line-messages';
export { lineRetryKey } from './line-retry-key';
export { LINE_REPLY_TOKEN_TTL_MS, lineWebhookSchema, normaliseLineWebhook, type LineWebhook } from './line-webhook-events';
export { verifyLineSignature } from './verify-line-signature';
export { splitText } from '@agent-chatbot/core';
export type { HttpClientOptions } from '@agent-chatbot/core';
export { createLineChannelFromConfig, lineConnectionConfigSchema, type LineConnectionConfig } from './line-connection-config';
