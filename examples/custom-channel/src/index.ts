/**
 * `@agent-chatbot/example-custom-channel`: a complete third-party channel (TeamChat, a made-up
 * Slack-style webhook platform) implemented against `ChannelV1` — copy this folder to start yours.
 * @packageDocumentation
 */
export { createTeamChatChannel, type TeamChatChannelSettings, type TeamChatConversationRef } from './teamchat-channel';
export { signTeamChatRequest, verifyTeamChatSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature';
export { teamChatWebhookSchema, teamChatMessageEventSchema, teamChatSendResponseSchema, type TeamChatWebhook } from './webhook-schema';
