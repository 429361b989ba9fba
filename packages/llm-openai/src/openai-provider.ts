import { NoSuchModelError, ValidationError, type FetchFunction, type ProviderV1 } from '@agent-chatbot/core';
import OpenAI from 'openai';
import { VERSION as OPENAI_SDK_VERSION } from 'openai/version';
import { z } from 'zod';
import { createCallDeadline } from '@agent-chatbot/core';
import { mapOpenAIError } from './map-openai-error';
import { OpenAIChatModel } from './openai-chat-model';
import { OpenAIEmbeddingModel, type OpenAIEmbeddingSettings } from './openai-embedding-model';
import { mapCallError } from '@agent-chatbot/core';
import { VERSION } from './version';

const OFFICIAL_BASE_URL = 'https://api.openai.com/v1';

const settingsSchema = z
  .object({
    apiKey: z.string().min(1).optional(),
    baseURL: z.url().optional(),
    organization: z.string().min(1).optional(),
    project: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    fetch: z.custom<FetchFunction>((value) => typeof value === 'function', 'fetch must be a function').optional(),
    timeoutMs: z.number().int().min(0).optional(),
    maxRetries: z.number().int().min(0).max(10).optional(),
    name: z.string().min(1).optional(),
    maxTokensParameter: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
  })
  .strict();

/** Settings for {@link createOpenAI}. */
export interface OpenAISettings {
  /** API key; falls back to `OPENAI_API_KEY`. OpenAI-compatible servers without keys accept any string. */
  readonly apiKey?: string;
  /**
   * Base URL, default `https://api.openai.com/v1`. Any OpenAI-compatible server works:
   * Gemini `https://generativelanguage.googleapis.com/v1beta/openai`, DeepSeek
   * `https://api.deepseek.com/v1`, Groq `https://api.groq.com/openai/v1`, vLLM or llama.cpp
   * `http://host:8000/v1`.
   */
  readonly baseURL?: string;
  /** OpenAI organization id (`OpenAI-Organization` header). */
  readonly organization?: string;
  /** OpenAI project id (`OpenAI-Project` header). */
  readonly project?: string;
  /** Extra headers on every request. */
  readonly headers?: Record<string, string>;
  /** Custom fetch (proxies, tests). */
  readonly fetch?: FetchFunction;
  /**
   * Longest wait for the provider, in ms (default 60 000; 0 disables): the whole call for
   * generate and embed, and the silence between chunks for streams.
   */
  readonly timeoutMs?: number;
  /** Retries on 408/409/429/5xx and connection errors, with exponential backoff honouring `retry-after`. Default 2. */
  readonly maxRetries?: number;
  /** Provider name used in registry ids, default `'openai'` (e.g. `'deepseek'` for a compatible server). */
  readonly name?: string;
  /**
   * Which body field carries `maxOutputTokens`. Default `max_completion_tokens` on OpenAI itself and
   * `max_tokens` elsewhere (what most compatible servers understand).
   */
  readonly maxTokensParameter?: 'max_tokens' | 'max_completion_tokens';
}

/** What {@link createOpenAI} returns: a {@link ProviderV1} with chat and embedding models. */
export interface OpenAIProvider extends ProviderV1 {
  languageModel(modelId: string): OpenAIChatModel;
  embeddingModel(modelId: string, settings?: OpenAIEmbeddingSettings): OpenAIEmbeddingModel;
  validateCredentials(options?: { abortSignal?: AbortSignal }): Promise<void>;
}

/**
 * Creates an OpenAI provider (or one for any OpenAI-compatible endpoint) on the official `openai`
 * SDK. Cheap and synchronous: no request is made until a model is called.
 *
 * @example
 * ```ts
 * const openai = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });
 * const model = openai.languageModel('gpt-4o-mini');
 * const embedder = openai.embeddingModel('text-embedding-3-small');
 * const deepseek = createOpenAI({ name: 'deepseek', apiKey, baseURL: 'https://api.deepseek.com/v1' });
 * ```
 */
export function createOpenAI(settings: OpenAISettings = {}): OpenAIProvider {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) {
    throw new ValidationError('Invalid OpenAI provider settings', 'Cấu hình nhà cung cấp OpenAI không hợp lệ', {
      details: { issues: parsed.error.issues.map(({ path, message }) => ({ path, message })) },
    });
  }
  const options = parsed.data;
  const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;
  if (!apiKey) {
    throw new ValidationError(
      'Missing OpenAI API key: pass apiKey or set OPENAI_API_KEY',
      'Thiếu khoá API OpenAI: truyền apiKey hoặc đặt biến môi trường OPENAI_API_KEY',
    );
  }
  const baseURL = (options.baseURL ?? OFFICIAL_BASE_URL).replace(/\/+$/u, '');
  const name = options.name ?? 'openai';
  const label = name === 'openai' ? 'OpenAI' : name;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let client: OpenAI | undefined;
  const getClient = (): OpenAI =>
    (client ??= new OpenAI({
      apiKey,
      baseURL,
      organization: options.organization ?? null,
      project: options.project ?? null,
      maxRetries: options.maxRetries ?? 2,
      fetch: options.fetch,
      defaultHeaders: { 'User-Agent': `agent-chatbot-llm-openai/${VERSION} OpenAI/JS ${OPENAI_SDK_VERSION}`, ...options.headers },
    }));
  const maxTokensParameter = options.maxTokensParameter ?? (baseURL === OFFICIAL_BASE_URL ? 'max_completion_tokens' : 'max_tokens');
  const requireModelId = (modelId: string) => {
    if (typeof modelId !== 'string' || modelId.trim().length === 0) throw new NoSuchModelError(String(modelId));
  };

  return {
    specificationVersion: 'v1',
    name,
    languageModel(modelId) {
      requireModelId(modelId);
      return new OpenAIChatModel(modelId, { provider: `${name}.chat`, label, client: getClient, timeoutMs, maxTokensParameter });
    },
    embeddingModel(modelId, embeddingSettings) {
      requireModelId(modelId);
      return new OpenAIEmbeddingModel(modelId, { provider: `${name}.embedding`, label, client: getClient, timeoutMs }, embeddingSettings);
    },
    async validateCredentials(validateOptions = {}) {
      // GET /models is free, needs a valid key and exists on every compatible server we target.
      const context = { provider: `${name}.models`, label };
      const deadline = createCallDeadline(timeoutMs, validateOptions.abortSignal, label);
      try {
        await getClient().models.list({ signal: deadline.signal });
      } catch (error) {
        throw mapCallError(error, deadline, context, (cause) => mapOpenAIError(cause, context));
      } finally {
        deadline.dispose();
      }
    },
  };
}
