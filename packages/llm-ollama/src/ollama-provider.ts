import { NoSuchModelError, ValidationError, type FetchFunction, type ProviderV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import { openOllamaCall, withOllamaRetries, type OllamaConnection } from './ollama-call';
import { OllamaChatModel } from './ollama-chat-model';
import { OllamaEmbeddingModel, type OllamaEmbeddingSettings } from './ollama-embedding-model';
import { VERSION } from './version';

const settingsSchema = z
  .object({
    // Ollama accepts `host:port` without a scheme (as in OLLAMA_HOST); ollama-js normalises it.
    host: z.string().trim().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    fetch: z.custom<FetchFunction>((value) => typeof value === 'function', 'fetch must be a function').optional(),
    timeoutMs: z.number().int().min(0).optional(),
    maxRetries: z.number().int().min(0).max(10).optional(),
    retryDelayMs: z.number().int().min(0).optional(),
  })
  .strict();

/** Settings for {@link createOllama}. */
export interface OllamaSettings {
  /** Server URL or `host:port`, default `OLLAMA_HOST` or `http://127.0.0.1:11434`. */
  readonly host?: string;
  /** Bearer key, only for hosted Ollama (ollama.com) or an authenticating proxy. */
  readonly apiKey?: string;
  /** Extra headers on every request. */
  readonly headers?: Record<string, string>;
  /** Custom fetch (proxies, tests). */
  readonly fetch?: FetchFunction;
  /**
   * Longest wait in ms (default 120 000 — local models load slowly; 0 disables): the whole call, or
   * the silence between stream chunks.
   */
  readonly timeoutMs?: number;
  /** Retries on 408/409/429/5xx and connection errors. Default 2. */
  readonly maxRetries?: number;
  /** First backoff delay in ms, doubled per retry (a `retry-after` header wins). Default 500. */
  readonly retryDelayMs?: number;
}

/** What {@link createOllama} returns: a {@link ProviderV1} with chat and embedding models. */
export interface OllamaProvider extends ProviderV1 {
  languageModel(modelId: string): OllamaChatModel;
  embeddingModel(modelId: string, settings?: OllamaEmbeddingSettings): OllamaEmbeddingModel;
  validateCredentials(options?: { abortSignal?: AbortSignal }): Promise<void>;
}

/**
 * Creates an Ollama provider on the official `ollama` package. Cheap and synchronous: no request
 * is made until a model is called.
 *
 * @example
 * ```ts
 * const ollama = createOllama({ host: 'http://127.0.0.1:11434' });
 * const model = ollama.languageModel('qwen2.5:7b');
 * const embedder = ollama.embeddingModel('bge-m3', { dimensions: 1024 });
 * ```
 */
export function createOllama(settings: OllamaSettings = {}): OllamaProvider {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) {
    throw new ValidationError('Invalid Ollama provider settings', 'Cấu hình nhà cung cấp Ollama không hợp lệ', {
      details: { issues: parsed.error.issues.map(({ path, message }) => ({ path, message })) },
    });
  }
  const options = parsed.data;
  const connection: OllamaConnection = {
    host: (options.host ?? process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434').replace(/\/+$/u, ''),
    headers: { ...options.headers, ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}) },
    fetch: options.fetch ?? globalThis.fetch,
    userAgent: `agent-chatbot-llm-ollama/${VERSION}`,
    timeoutMs: options.timeoutMs ?? 120_000,
    maxRetries: options.maxRetries ?? 2,
    retryDelayMs: options.retryDelayMs ?? 500,
  };
  const requireModelId = (modelId: string) => {
    if (typeof modelId !== 'string' || modelId.trim().length === 0) throw new NoSuchModelError(String(modelId));
  };

  return {
    specificationVersion: 'v1',
    name: 'ollama',
    languageModel(modelId) {
      requireModelId(modelId);
      return new OllamaChatModel(modelId, connection);
    },
    embeddingModel(modelId, embeddingSettings) {
      requireModelId(modelId);
      return new OllamaEmbeddingModel(modelId, connection, embeddingSettings);
    },
    async validateCredentials(validateOptions = {}) {
      // GET /api/tags: proves the server answers (and, behind a proxy or on ollama.com, that the key works).
      const call = openOllamaCall(connection, { label: 'Ollama', provider: 'ollama.models' }, validateOptions.abortSignal);
      try {
        await withOllamaRetries(connection, call, () => call.client.list());
      } finally {
        call.deadline.dispose();
      }
    },
  };
}
