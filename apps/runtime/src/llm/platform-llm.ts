/**
 * The platform's own LLM account (`CHATBOT_PLATFORM_LLM_*`): what tenants in key mode `platform`
 * or `own_then_platform` run on, billed through their credits.
 */
import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';

/** LLM providers a tenant or the platform can use. */
export const llmProviders = ['openai', 'anthropic', 'ollama'] as const;
/** One of {@link llmProviders}. */
export type LlmProvider = (typeof llmProviders)[number];

/** One platform LLM account: provider, key, optional base URL and the two model ids. */
export interface PlatformLlmAccount {
  readonly provider: LlmProvider;
  /** Never logged, never returned by an API. */
  readonly apiKey: string;
  readonly baseUrl?: string;
  readonly cheapModel: string;
  readonly premiumModel: string;
}

/**
 * The platform key's settings; absent when no platform key is configured. From the environment
 * (`CHATBOT_PLATFORM_LLM_*`) or, when a platform admin saved them, the database (see
 * `platform-llm-store.ts`), which may add a failover account tried after the primary one.
 */
export interface PlatformLlmConfig extends PlatformLlmAccount {
  /** A second account tried when the primary one fails (database settings only). */
  readonly failover?: PlatformLlmAccount;
}

/** Default model ids per provider (cheap, premium). */
export const defaultModels: Record<LlmProvider, { cheap: string; premium: string }> = {
  openai: { cheap: 'gpt-4o-mini', premium: 'gpt-4o' },
  anthropic: { cheap: 'claude-3-5-haiku-latest', premium: 'claude-sonnet-4-5' },
  ollama: { cheap: 'qwen2.5:7b', premium: 'qwen2.5:14b' },
};

const envSchema = z.object({
  CHATBOT_PLATFORM_LLM_PROVIDER: z.enum(llmProviders).optional(),
  CHATBOT_PLATFORM_LLM_API_KEY: z.string().trim().min(1).optional(),
  CHATBOT_PLATFORM_LLM_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CHATBOT_PLATFORM_CHEAP_MODEL: z.string().trim().min(1).max(200).optional(),
  CHATBOT_PLATFORM_PREMIUM_MODEL: z.string().trim().min(1).max(200).optional(),
});

/**
 * Reads the platform LLM settings from the environment; undefined when no key is set (tenants
 * then need their own key or answer without a model). Ollama needs no key, only a base URL.
 *
 * @example const platformLlm = readPlatformLlmConfig(process.env);
 */
export function readPlatformLlmConfig(env: NodeJS.ProcessEnv): PlatformLlmConfig | undefined {
  const picked = Object.fromEntries(Object.entries(env).filter(([name, value]) => name.startsWith('CHATBOT_PLATFORM_') && value !== ''));
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'CHATBOT_PLATFORM_LLM_*');
    throw new ValidationError(`Invalid ${name}: ${issue?.message ?? 'invalid'}`, `Biến ${name} không hợp lệ: ${issue?.message ?? ''}`);
  }
  const e = parsed.data;
  const provider = e.CHATBOT_PLATFORM_LLM_PROVIDER ?? 'openai';
  const apiKey = e.CHATBOT_PLATFORM_LLM_API_KEY ?? (provider === 'ollama' && e.CHATBOT_PLATFORM_LLM_BASE_URL ? 'ollama' : undefined);
  if (!apiKey) return undefined;
  return {
    provider,
    apiKey,
    ...(e.CHATBOT_PLATFORM_LLM_BASE_URL ? { baseUrl: e.CHATBOT_PLATFORM_LLM_BASE_URL } : {}),
    cheapModel: e.CHATBOT_PLATFORM_CHEAP_MODEL ?? defaultModels[provider].cheap,
    premiumModel: e.CHATBOT_PLATFORM_PREMIUM_MODEL ?? defaultModels[provider].premium,
  };
}
