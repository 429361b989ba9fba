/**
 * Builds a provider (`@agent-chatbot/llm-openai|anthropic|ollama`) from a tenant's or the
 * platform's settings, and validates a key with one cheap call before it is saved.
 *
 * Each provider package (and the SDK under it: `openai`, `@anthropic-ai/sdk`, `ollama`) is
 * imported the first time a provider of that kind is created, not when the server starts: an idle
 * runtime, or one that only uses one provider, does not pay for the others' memory.
 */
import { AgentChatbotError, UnprocessableError, type ProviderV1 } from '@agent-chatbot/core';
import type { LlmProvider } from './platform-llm';

/** Imports a module on the first call and reuses it; a failed import is retried on the next call. */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

const loadOpenAi = lazy(() => import('@agent-chatbot/llm-openai'));
const loadAnthropic = lazy(() => import('@agent-chatbot/llm-anthropic'));
const loadOllama = lazy(() => import('@agent-chatbot/llm-ollama'));

/** What a provider needs: which one, the key, an optional base URL. */
export interface ProviderSettings {
  readonly provider: LlmProvider;
  readonly apiKey?: string;
  readonly baseUrl?: string;
}

/** Customer-facing calls must not hang: one retry, 30 s per call (Ollama: 120 s, local models load slowly). */
const CALL = { timeoutMs: 30_000, maxRetries: 1 } as const;

/**
 * Creates the provider; no network I/O (the first call for a provider kind loads its package).
 *
 * @example const provider = await createLlmProvider({ provider: 'openai', apiKey, baseUrl }); provider.languageModel('gpt-4o-mini');
 */
export async function createLlmProvider(settings: ProviderSettings): Promise<ProviderV1> {
  switch (settings.provider) {
    case 'openai': {
      const { createOpenAI } = await loadOpenAi();
      // OpenAI-compatible servers without keys accept any string.
      return createOpenAI({ apiKey: settings.apiKey ?? 'none', ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}), ...CALL });
    }
    case 'anthropic': {
      const { createAnthropic } = await loadAnthropic();
      return createAnthropic({ apiKey: settings.apiKey ?? 'none', ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}), ...CALL });
    }
    case 'ollama': {
      const { createOllama } = await loadOllama();
      return createOllama({
        ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
        ...(settings.baseUrl ? { host: settings.baseUrl } : {}),
        timeoutMs: 120_000,
        maxRetries: 1,
      });
    }
  }
}

/**
 * Checks a key with the provider's `validateCredentials` (one cheap call). A rejected key or an
 * unreachable server is a 422 with a bilingual message; the key never appears in it.
 */
export async function validateProviderKey(settings: ProviderSettings, abortSignal?: AbortSignal): Promise<void> {
  const provider = await createLlmProvider(settings);
  try {
    await provider.validateCredentials?.({ ...(abortSignal ? { abortSignal } : {}) });
  } catch (error) {
    const status = AgentChatbotError.isInstance(error) ? error.status : undefined;
    const rejected = status === 401 || status === 403;
    throw new UnprocessableError(
      rejected ? 'The provider rejected this API key' : 'Could not verify the API key with the provider',
      rejected ? 'Nhà cung cấp từ chối khoá API này' : 'Không kiểm tra được khoá API với nhà cung cấp',
      { code: rejected ? 'invalid_llm_key' : 'llm_key_unverified', details: { provider: settings.provider, ...(status ? { provider_status: status } : {}) } },
    );
  }
}
