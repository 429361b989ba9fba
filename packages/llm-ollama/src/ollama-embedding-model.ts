import type { EmbeddingModelV1, EmbeddingModelV1CallOptions, EmbeddingModelV1Result } from '@agent-chatbot/core';
import { openOllamaCall, withOllamaRetries, type OllamaConnection } from './ollama-call';

/** Per-model settings for {@link OllamaProvider.embeddingModel}. */
export interface OllamaEmbeddingSettings {
  /** Vector length, when known (also sent as `dimensions` for models that can shorten vectors). */
  readonly dimensions?: number;
  /** Largest batch per `/api/embed` request. Default 512 (Ollama has no hard limit; this bounds memory). */
  readonly maxEmbeddingsPerCall?: number;
}

/** An Ollama embedding model speaking `POST /api/embed`. */
export class OllamaEmbeddingModel implements EmbeddingModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'ollama.embedding';
  readonly dimensions: number | undefined;
  readonly maxEmbeddingsPerCall: number;
  // A local server embeds one batch at a time; parallel batches only queue up.
  readonly supportsParallelCalls = false;
  private readonly context = { label: 'Ollama', provider: 'ollama.embedding' };

  constructor(
    readonly modelId: string,
    private readonly connection: OllamaConnection,
    private readonly settings: OllamaEmbeddingSettings = {},
  ) {
    this.dimensions = settings.dimensions;
    this.maxEmbeddingsPerCall = settings.maxEmbeddingsPerCall ?? 512;
  }

  /** Embeds `values`, one vector per value in order, in batches of {@link maxEmbeddingsPerCall}. */
  async doEmbed(options: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
    const embeddings: number[][] = [];
    let tokens: number | undefined;
    for (let start = 0; start < options.values.length; start += this.maxEmbeddingsPerCall) {
      const input = options.values.slice(start, start + this.maxEmbeddingsPerCall);
      const call = openOllamaCall(this.connection, this.context, options.abortSignal);
      try {
        const response = await withOllamaRetries(this.connection, call, () =>
          call.client.embed({
            model: this.modelId,
            input,
            ...(this.settings.dimensions !== undefined ? { dimensions: this.settings.dimensions } : {}),
          }),
        );
        embeddings.push(...response.embeddings);
        if (typeof response.prompt_eval_count === 'number') tokens = (tokens ?? 0) + response.prompt_eval_count;
      } finally {
        call.deadline.dispose();
      }
    }
    return { embeddings, ...(tokens !== undefined ? { usage: { tokens } } : {}), warnings: [] };
  }
}
