import { NoSuchModelError, ValidationError, type FetchFunction, type ProviderV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import { SaoChatModel } from './sao-chat-model';

/** Settings of {@link createSao}. */
export interface SaoSettings {
  /** API key; falls back to `SAO_API_KEY`. */
  readonly apiKey?: string;
  /** Default `https://api.sao-ai.example`. */
  readonly baseURL?: string;
  /** Longest silence from the server, ms (default 30 s). */
  readonly timeoutMs?: number;
  /** Retries on 429/5xx (default 2). */
  readonly maxRetries?: number;
  readonly fetch?: FetchFunction;
}

/** The Sao AI provider: `createSao({ apiKey }).languageModel('sao-mini')`. */
export interface SaoProvider extends ProviderV1 {
  languageModel(modelId: string): SaoChatModel;
}

/** Models this provider knows; others throw {@link NoSuchModelError} at once, not at the first call. */
export const SAO_MODELS = ['sao-mini', 'sao-pro'] as const;

const settingsSchema = z.object({
  apiKey: z.string().min(1),
  baseURL: z.url().default('https://api.sao-ai.example'),
  timeoutMs: z.number().int().positive().default(30_000),
  maxRetries: z.number().int().min(0).max(10).default(2),
});

/**
 * Creates the Sao AI provider. Cheap and synchronous (no I/O), so one per tenant per request is fine.
 *
 * @example
 * ```ts
 * const sao = createSao({ apiKey: process.env.SAO_API_KEY });
 * const bot = createBot({ model: sao.languageModel('sao-mini'), retriever });
 * ```
 */
export function createSao(settings: SaoSettings = {}): SaoProvider {
  const parsed = settingsSchema.safeParse({ ...settings, apiKey: settings.apiKey ?? process.env.SAO_API_KEY });
  if (!parsed.success) throw new ValidationError('Invalid Sao AI settings', 'Cấu hình Sao AI không hợp lệ', { details: { issues: parsed.error.issues } });
  const http = { ...parsed.data, baseURL: parsed.data.baseURL.replace(/\/+$/, ''), fetch: settings.fetch ?? globalThis.fetch };
  return {
    specificationVersion: 'v1',
    name: 'sao',
    languageModel(modelId) {
      if (!(SAO_MODELS as readonly string[]).includes(modelId)) throw new NoSuchModelError(modelId);
      return new SaoChatModel(modelId, http);
    },
  };
}
