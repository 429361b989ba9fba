import { NoSuchModelError, ValidationError, type FetchFunction, type ProviderV1 } from '@agent-chatbot/core';
import Anthropic from '@anthropic-ai/sdk';
import { VERSION as ANTHROPIC_SDK_VERSION } from '@anthropic-ai/sdk/version';
import { z } from 'zod';
import { AnthropicMessagesModel } from './anthropic-messages-model';
import { createCallDeadline } from '@agent-chatbot/core';
import { mapAnthropicError } from './map-anthropic-error';
import { mapCallError } from '@agent-chatbot/core';
import { VERSION } from './version';

const settingsSchema = z
  .object({
    apiKey: z.string().min(1).optional(),
    baseURL: z.url().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    fetch: z.custom<FetchFunction>((value) => typeof value === 'function', 'fetch must be a function').optional(),
    timeoutMs: z.number().int().min(0).optional(),
    maxRetries: z.number().int().min(0).max(10).optional(),
    defaultMaxOutputTokens: z.number().int().positive().optional(),
  })
  .strict();

/** Settings for {@link createAnthropic}. */
export interface AnthropicSettings {
  /** API key; falls back to `ANTHROPIC_API_KEY`. */
  readonly apiKey?: string;
  /** Base URL without `/v1`, default `https://api.anthropic.com` (proxies, tests). */
  readonly baseURL?: string;
  /** Extra headers on every request (e.g. `anthropic-beta`). */
  readonly headers?: Record<string, string>;
  /** Custom fetch (proxies, tests). */
  readonly fetch?: FetchFunction;
  /** Longest wait in ms (default 60 000; 0 disables): the whole call, or the silence between stream events. */
  readonly timeoutMs?: number;
  /** Retries on 408/409/429/5xx/529 and connection errors, with backoff honouring `retry-after`. Default 2. */
  readonly maxRetries?: number;
  /** `max_tokens` when a call sets no `maxOutputTokens` (the API requires one). Default 1024. */
  readonly defaultMaxOutputTokens?: number;
}

/** What {@link createAnthropic} returns: a {@link ProviderV1} with chat models (Anthropic has no embeddings). */
export interface AnthropicProvider extends ProviderV1 {
  languageModel(modelId: string): AnthropicMessagesModel;
  validateCredentials(options?: { abortSignal?: AbortSignal }): Promise<void>;
}

/**
 * Creates an Anthropic provider on the official `@anthropic-ai/sdk`. Cheap and synchronous: no
 * request is made until a model is called.
 *
 * @example
 * ```ts
 * const anthropic = createAnthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
 * const model = anthropic.languageModel('claude-haiku-4-5');
 * ```
 */
export function createAnthropic(settings: AnthropicSettings = {}): AnthropicProvider {
  const parsed = settingsSchema.safeParse(settings);
  if (!parsed.success) {
    throw new ValidationError('Invalid Anthropic provider settings', 'Cấu hình nhà cung cấp Anthropic không hợp lệ', {
      details: { issues: parsed.error.issues.map(({ path, message }) => ({ path, message })) },
    });
  }
  const options = parsed.data;
  const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY;
  if (!apiKey) {
    throw new ValidationError(
      'Missing Anthropic API key: pass apiKey or set ANTHROPIC_API_KEY',
      'Thiếu khoá API Anthropic: truyền apiKey hoặc đặt biến môi trường ANTHROPIC_API_KEY',
    );
  }
  const label = 'Anthropic';
  const timeoutMs = options.timeoutMs ?? 60_000;
  let client: Anthropic | undefined;
  const getClient = (): Anthropic =>
    (client ??= new Anthropic({
      apiKey,
      // An explicit key must win over any ANTHROPIC_AUTH_TOKEN in the environment.
      authToken: null,
      baseURL: options.baseURL ?? 'https://api.anthropic.com',
      maxRetries: options.maxRetries ?? 2,
      fetch: options.fetch,
      defaultHeaders: {
        'User-Agent': `agent-chatbot-llm-anthropic/${VERSION} Anthropic/JS ${ANTHROPIC_SDK_VERSION}`,
        ...options.headers,
      },
    }));

  return {
    specificationVersion: 'v1',
    name: 'anthropic',
    languageModel(modelId) {
      if (typeof modelId !== 'string' || modelId.trim().length === 0) throw new NoSuchModelError(String(modelId));
      return new AnthropicMessagesModel(modelId, {
        provider: 'anthropic.messages',
        label,
        client: getClient,
        timeoutMs,
        defaultMaxOutputTokens: options.defaultMaxOutputTokens ?? 1024,
      });
    },
    async validateCredentials(validateOptions = {}) {
      // GET /v1/models costs nothing and needs a valid key.
      const context = { provider: 'anthropic.models', label };
      const deadline = createCallDeadline(timeoutMs, validateOptions.abortSignal, label);
      try {
        await getClient().models.list({ limit: 1 }, { signal: deadline.signal });
      } catch (error) {
        throw mapCallError(error, deadline, context, (cause) => mapAnthropicError(cause, context));
      } finally {
        deadline.dispose();
      }
    },
  };
}
