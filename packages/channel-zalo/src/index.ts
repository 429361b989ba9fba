/**
 * `@agent-chatbot/channel-zalo`: Zalo Official Account (Open API v3, OAuth v4) channel.
 * @packageDocumentation
 */
export { createZaloChannel, ZALO_MAX_TEXT_LENGTH, ZALO_REPLY_WINDOW_MS, type ZaloChannel, type ZaloProviderOptions } from './create-zalo-channel';
export type { ZaloChannelOptions } from './zalo-channel-options';
export { encodeZaloConversationId, decodeZaloConversationId, type ZaloConversationRef } from './zalo-conversation-id';
export { ZALO_ERROR_TABLE, zaloFailure, type ZaloErrorRule } from './zalo-errors';
export {
  createZaloTokenManager,
  memoryZaloTokenStore,
  staticZaloTokenStore,
  ZaloTokenRefreshError,
  type ZaloTokenManager,
  type ZaloTokenManagerOptions,
  type ZaloTokens,
  type ZaloTokenStore,
} from './zalo-tokens';
export { computeZaloSignature, verifyZaloSignature, type ZaloSignatureCheck } from './verify-zalo-signature';
export { normaliseZaloWebhook, zaloAccountId, zaloWebhookSchema, type ZaloWebhook } from './zalo-webhook-events';
export { splitText } from '@agent-chatbot/core';
export type { HttpClient, HttpClientOptions } from '@agent-chatbot/core';
export { createZaloChannelFromConfig, zaloConnectionConfigSchema, type ZaloConnectionConfig } from './zalo-connection-config';
