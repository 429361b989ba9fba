/**
 * `@agent-chatbot/llm-ollama`: Ollama chat and embedding models for agent-chatbot, on the official
 * `ollama` package.
 * @packageDocumentation
 */
export { createOllama, type OllamaProvider, type OllamaSettings } from './ollama-provider';
export { OllamaChatModel, ollamaChatProviderOptionsSchema } from './ollama-chat-model';
export { OllamaEmbeddingModel, type OllamaEmbeddingSettings } from './ollama-embedding-model';
export type { OllamaConnection } from './ollama-call';
export { VERSION } from './version';
