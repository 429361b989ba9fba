import type { EmbeddingModelV1, EmbeddingModelV1CallOptions, EmbeddingModelV1Result, FetchFunction } from '@agent-chatbot/core';
import { AuthenticationError, ProviderError, RateLimitError, TimeoutError } from '@agent-chatbot/core';
import { z } from 'zod';

/** Options for {@link createOpenAICompatibleEmbeddingModel}. */
export interface OpenAICompatibleEmbeddingOptions {
  /** e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama). */
  readonly baseURL: string;
  /** API key, sent as a bearer token. */
  readonly apiKey?: string;
  /** e.g. `text-embedding-3-small`. */
  readonly model: string;
  /** Requested vector length (sent as `dimensions` when set). */
  readonly dimensions?: number;
  /** Inputs per request (default 96). */
  readonly maxEmbeddingsPerCall?: number;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  /** Provider name in errors and usage (default `'openai-compatible'`). */
  readonly provider?: string;
  /** HTTP client (tests pass one pointed at a fake server). */
  readonly fetch?: FetchFunction;
}

const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number().optional(), total_tokens: z.number().optional() }).optional(),
});

/**
 * An {@link EmbeddingModelV1} for any server speaking OpenAI's `POST /embeddings` (OpenAI,
 * Ollama's `/v1`, vLLM, LM Studio, LiteLLM…). The dense arm of the retriever uses it.
 *
 * @example
 * ```ts
 * const embedder = createOpenAICompatibleEmbeddingModel({ baseURL: 'https://api.openai.com/v1', apiKey, model: 'text-embedding-3-small' });
 * ```
 */
export function createOpenAICompatibleEmbeddingModel(options: OpenAICompatibleEmbeddingOptions): EmbeddingModelV1 {
  const provider = options.provider ?? 'openai-compatible';
  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = `${options.baseURL.replace(/\/+$/, '')}/embeddings`;
  return {
    specificationVersion: 'v1',
    provider,
    modelId: options.model,
    dimensions: options.dimensions,
    maxEmbeddingsPerCall: options.maxEmbeddingsPerCall ?? 96,
    supportsParallelCalls: true,
    async doEmbed(call: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
      const signals = [AbortSignal.timeout(options.timeoutMs ?? 30_000), ...(call.abortSignal ? [call.abortSignal] : [])];
      let response: Response;
      try {
        response = await fetchFn(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: options.model,
            input: call.values,
            encoding_format: 'float',
            ...(options.dimensions ? { dimensions: options.dimensions } : {}),
          }),
          signal: AbortSignal.any(signals),
        });
      } catch (error) {
        if (error instanceof Error && error.name === 'TimeoutError') throw new TimeoutError(`${provider} embeddings timed out`, 'Dịch vụ embedding phản hồi quá lâu', { cause: error });
        throw new ProviderError({ provider, message: `${provider} embeddings request failed`, messageVi: 'Không gọi được dịch vụ embedding', cause: error });
      }
      if (response.status === 401 || response.status === 403) {
        throw new AuthenticationError(`${provider} rejected the API key`, 'Khóa API của dịch vụ embedding không hợp lệ');
      }
      if (response.status === 429) {
        const retryAfter = Number(response.headers.get('retry-after'));
        throw new RateLimitError({ category: 'third-party', ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) });
      }
      if (!response.ok) {
        throw new ProviderError({ provider, upstreamStatus: response.status, message: `${provider} embeddings failed with HTTP ${response.status}`, messageVi: `Dịch vụ embedding lỗi HTTP ${response.status}` });
      }
      const parsed = responseSchema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success || parsed.data.data.length !== call.values.length) {
        throw new ProviderError({ provider, message: `${provider} returned an invalid embeddings response`, messageVi: 'Dịch vụ embedding trả về dữ liệu không hợp lệ', isRetryable: false });
      }
      const embeddings = [...parsed.data.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      const tokens = parsed.data.usage?.prompt_tokens ?? parsed.data.usage?.total_tokens;
      return { embeddings, ...(tokens !== undefined ? { usage: { tokens } } : {}), warnings: [] };
    },
  };
}
