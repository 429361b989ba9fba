/**
 * `@agent-chatbot/channel-telegram`: Telegram Bot API channel.
 * @packageDocumentation
 */
export { createTelegramChannel, TELEGRAM_MAX_TEXT_LENGTH, type TelegramChannel, type TelegramChannelOptions, type TelegramProviderOptions } from './create-telegram-channel';
export { generateTelegramSecretToken, setTelegramWebhook, TELEGRAM_ALLOWED_UPDATES } from './set-telegram-webhook';
export { callTelegram, telegramFailure, telegramEnvelopeSchema, type TelegramEnvelope } from './telegram-api';
export { encodeTelegramConversationId, decodeTelegramConversationId } from './telegram-conversation-id';
export { normaliseTelegramUpdate, telegramUpdateSchema, type TelegramUpdate } from './telegram-update-events';
export { splitText } from '@agent-chatbot/core';
export type { HttpClient, HttpClientOptions } from '@agent-chatbot/core';
export { createTelegramChannelFromConfig, telegramConnectionConfigSchema, type TelegramConnectionConfig } from './telegram-connection-config';
