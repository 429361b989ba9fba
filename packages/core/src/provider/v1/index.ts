import type { EmbeddingModelV1 } from '../../embedding-model/v1';
import type { LanguageModelV1 } from '../../language-model/v1';

/**
 * What `createOpenAI()`, `createAnthropic()` and `createOllama()` return. Cheap, synchronous, no I/O:
 * building one per tenant per request is fine.
 */
export interface ProviderV1 {
  /** Contract version this provider implements. */
  readonly specificationVersion: 'v1';
  /** Provider name used in registry ids (`'openai'` in `'openai:gpt-4o-mini'`). */
  readonly name: string;
  /** Returns the chat model; throws {@link NoSuchModelError} for an unknown id when the provider knows its list. */
  languageModel(modelId: string): LanguageModelV1;
  /** Returns an embedding model, for providers that have them. */
  embeddingModel?(modelId: string): EmbeddingModelV1;
  /**
   * Checks the credentials with one cheap call (used when a tenant saves a key). Resolves when the
   * key works; rejects with {@link AuthenticationError} otherwise.
   */
  validateCredentials?(options?: { abortSignal?: AbortSignal }): Promise<void>;
}
