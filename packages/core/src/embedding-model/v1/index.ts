import type { ProviderOptionsV1, WarningV1 } from '../../shared/v1';

/** Options for one embedding call. */
export interface EmbeddingModelV1CallOptions {
  /** Texts to embed, at most `maxEmbeddingsPerCall`. */
  readonly values: string[];
  /** Cancels the call. */
  readonly abortSignal?: AbortSignal;
  /** Provider-specific options, keyed by provider name. */
  readonly providerOptions?: ProviderOptionsV1;
}

/** The result of {@link EmbeddingModelV1.doEmbed}: one vector per input value, in order. */
export interface EmbeddingModelV1Result {
  /** One vector per input value, in input order. */
  readonly embeddings: number[][];
  /** Tokens the provider reported, when it reports them. */
  readonly usage?: { readonly tokens: number };
  /** Settings the provider ignored or changed. */
  readonly warnings: WarningV1[];
}

/**
 * A text embedding model, version 1. Core batches inputs by `maxEmbeddingsPerCall`.
 *
 * @example
 * ```ts
 * const embedder = createOpenAI({ apiKey }).embeddingModel('text-embedding-3-small');
 * ```
 */
export interface EmbeddingModelV1 {
  /** Contract version this model implements. */
  readonly specificationVersion: 'v1';
  /** Provider name, e.g. `openai`. */
  readonly provider: string;
  /** Model id at the provider, e.g. `text-embedding-3-small`. */
  readonly modelId: string;
  /** Vector length, when known before the first call. */
  readonly dimensions: number | undefined;
  /** Largest batch the provider accepts in one call; `undefined` means no limit. */
  readonly maxEmbeddingsPerCall: number | undefined;
  /** Whether core may send several batches at once. */
  readonly supportsParallelCalls: boolean;
  /** Embeds at most `maxEmbeddingsPerCall` values in one call; one vector per value, in order. */
  doEmbed(options: EmbeddingModelV1CallOptions): PromiseLike<EmbeddingModelV1Result>;
}
