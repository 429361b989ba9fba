/**
 * `@agent-chatbot/llm-anthropic`: Anthropic (Claude) chat models for agent-chatbot, on the official
 * `@anthropic-ai/sdk`.
 * @packageDocumentation
 */
export { createAnthropic, type AnthropicProvider, type AnthropicSettings } from './anthropic-provider';
export { AnthropicMessagesModel, anthropicProviderOptionsSchema, type AnthropicMessagesModelConfig } from './anthropic-messages-model';
export { convertToAnthropicPrompt, type AnthropicPrompt } from './convert-to-anthropic-prompt';
export { VERSION } from './version';
