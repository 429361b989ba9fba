import type { EmbeddingModelV1, EmbeddingModelV1CallOptions, EmbeddingModelV1Result } from '@agent-chatbot/core';
import type OpenAI from 'openai';
import { createCallDeadline } from '@agent-chatbot/core';
import { mapOpenAIError } from './map-openai-error';
import { mapCallError } from '@agent-chatbot/core';

/** Vector lengths of OpenAI's own embedding models (at their default size). */
const KNOWN_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** Per-model settings for {@link OpenAIProvider.embeddingModel}. */
export interface OpenAIEmbeddingSettings {
  /** Shortened vector length (text-embedding-3 models accept `dimensions`). */
  readonly dimensions?: number;
  /** Largest batch per request. Default 2048 (OpenAI's limit). */
  readonly maxEmbeddingsPerCall?: number;
}

/** How the provider wires an embedding model; built by {@link createOpenAI}. */
export interface OpenAIEmbeddingModelConfig {
  /** Provider name reported on usage. */
  readonly provider: string;
  /** Name used in error messages. */
  readonly label: string;
  /** Returns the SDK client (created lazily). */
  readonly client: () => OpenAI;
  /** Deadline of one call. */
  readonly timeoutMs: number;
}

/** An OpenAI (or OpenAI-compatible) embedding model speaking `POST /embeddings`. */
export class OpenAIEmbeddingModel implements EmbeddingModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly dimensions: number | undefined;
  readonly maxEmbeddingsPerCall: number;
  readonly supportsParallelCalls = true;

  constructor(
    readonly modelId: string,
    private readonly config: OpenAIEmbeddingModelConfig,
    private readonly settings: OpenAIEmbeddingSettings = {},
  ) {
    this.provider = config.provider;
    this.dimensions = settings.dimensions ?? KNOWN_DIMENSIONS[modelId];
    this.maxEmbeddingsPerCall = settings.maxEmbeddingsPerCall ?? 2048;
  }

  /**
   * Embeds `values`, one vector per value in order. More values than
   * {@link maxEmbeddingsPerCall} are sent in several sequential requests, so callers that skip
   * core's batching still get a correct answer.
   */
  async doEmbed(options: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
    const embeddings: number[][] = [];
    let tokens: number | undefined;
    for (let start = 0; start < options.values.length; start += this.maxEmbeddingsPerCall) {
      const batch = options.values.slice(start, start + this.maxEmbeddingsPerCall);
      const deadline = createCallDeadline(this.config.timeoutMs, options.abortSignal, this.config.label);
      try {
        const response = await this.config.client().embeddings.create(
          {
            model: this.modelId,
            input: batch,
            // Floats, not the SDK's default base64: some OpenAI-compatible servers only speak floats.
            encoding_format: 'float',
            ...(this.settings.dimensions !== undefined ? { dimensions: this.settings.dimensions } : {}),
          },
          { signal: deadline.signal },
        );
        const ordered = [...response.data].sort((left, right) => left.index - right.index);
        embeddings.push(...ordered.map((item) => item.embedding));
        if (response.usage?.prompt_tokens !== undefined) tokens = (tokens ?? 0) + response.usage.prompt_tokens;
      } catch (error) {
        throw mapCallError(error, deadline, this.config, (cause) => mapOpenAIError(cause, this.config));
      } finally {
        deadline.dispose();
      }
    }
    return { embeddings, ...(tokens !== undefined ? { usage: { tokens } } : {}), warnings: [] };
  }
}
