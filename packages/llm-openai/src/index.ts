/**
 * `@agent-chatbot/llm-openai`: OpenAI and OpenAI-compatible (Gemini, DeepSeek, Groq, vLLM,
 * llama.cpp) chat and embedding models for agent-chatbot, on the official `openai` SDK.
 * @packageDocumentation
 */
export { createOpenAI, type OpenAIProvider, type OpenAISettings } from './openai-provider';
export { OpenAIChatModel, openAIChatProviderOptionsSchema, type OpenAIChatModelConfig } from './openai-chat-model';
export { OpenAIEmbeddingModel, type OpenAIEmbeddingModelConfig, type OpenAIEmbeddingSettings } from './openai-embedding-model';
export { VERSION } from './version';
