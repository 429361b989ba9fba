/**
 * Embedding models in the runtime: the platform default (`CHATBOT_EMBEDDING_*`), a tenant's
 * override in `tenants.settings.embedding` (provider, model, base URL, dimensions, key mode —
 * the same key modes as the LLM), and the resolution of the two into the model that embeds the
 * tenant's chunks at ingestion and its questions at search time. Every embedding call is metered:
 * one `usage_events` row of kind `embedding` (billable when the platform key paid for it).
 */
import { randomUUID } from 'node:crypto';
import { ValidationError, type EmbeddingModelV1, type UsageEventV1 } from '@agent-chatbot/core';
import { createOpenAICompatibleEmbeddingModel } from '@agent-chatbot/rag';
import { z } from 'zod';
import type { Tx } from '../db/types';
import { LLM_KEY_SECRET, keyModes, llmSettingsOf } from '../llm/llm-settings';
import { instrumentEmbedding } from '../ops/llm-instrumentation';
import type { TenantSecretStore } from '../secrets/tenant-secret-store';

/** Embedding providers: OpenAI (or any OpenAI-compatible server) and Ollama (its `/v1` API). */
export const embeddingProviders = ['openai', 'ollama'] as const;
/** One of {@link embeddingProviders}. */
export type EmbeddingProvider = (typeof embeddingProviders)[number];

/** The tenant secret holding the tenant's own embedding key (else its LLM key of the same provider). */
export const EMBEDDING_KEY_SECRET = 'embedding_api_key';

/** Default model and base URL per provider. */
export const embeddingDefaults: Record<EmbeddingProvider, { model: string; baseUrl: string }> = {
  openai: { model: 'text-embedding-3-small', baseUrl: 'https://api.openai.com/v1' },
  ollama: { model: 'bge-m3', baseUrl: 'http://127.0.0.1:11434/v1' },
};

/** The platform's embedding model (`CHATBOT_EMBEDDING_*`); absent → no platform dense arm. */
export interface PlatformEmbeddingConfig {
  readonly provider: EmbeddingProvider;
  readonly model: string;
  readonly baseUrl: string;
  /** Never logged, never returned by an API; absent for a keyless (Ollama) server. */
  readonly apiKey?: string;
  /** Requested vector length (OpenAI `dimensions`). */
  readonly dimensions?: number;
}

const platformEnvSchema = z.object({
  CHATBOT_EMBEDDING_PROVIDER: z.enum(embeddingProviders).optional(),
  CHATBOT_EMBEDDING_MODEL: z.string().trim().min(1).max(200).optional(),
  CHATBOT_EMBEDDING_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CHATBOT_EMBEDDING_API_KEY: z.string().trim().min(1).optional(),
  CHATBOT_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(8).max(8192).optional(),
});

/**
 * Reads the platform embedding settings. Set `CHATBOT_EMBEDDING_PROVIDER` to turn the dense arm
 * on for every tenant that does not override it; the key is `CHATBOT_EMBEDDING_API_KEY`, else the
 * platform LLM key when both the LLM and the embeddings use OpenAI's own API (no other base URL: a
 * key is only ever sent to the server it was issued for). Ollama needs no key.
 * Returns undefined (keyword search only) when no provider is set or an OpenAI provider has no key.
 *
 * @example const embedding = readPlatformEmbeddingConfig(process.env);
 */
export function readPlatformEmbeddingConfig(env: NodeJS.ProcessEnv): PlatformEmbeddingConfig | undefined {
  const picked = Object.fromEntries(Object.entries(env).filter(([name, value]) => name.startsWith('CHATBOT_EMBEDDING_') && value !== ''));
  const parsed = platformEnvSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'CHATBOT_EMBEDDING_*');
    throw new ValidationError(`Invalid ${name}: ${issue?.message ?? 'invalid'}`, `Biến ${name} không hợp lệ: ${issue?.message ?? ''}`);
  }
  const e = parsed.data;
  if (!e.CHATBOT_EMBEDDING_PROVIDER) return undefined;
  const provider = e.CHATBOT_EMBEDDING_PROVIDER;
  // The platform LLM key is OpenAI's own only without a base URL of its own (else it belongs to
  // another server, which must not receive it — and need not offer embeddings).
  const llmKey =
    env.CHATBOT_PLATFORM_LLM_API_KEY && (env.CHATBOT_PLATFORM_LLM_PROVIDER ?? 'openai') === 'openai' && isOpenAIApi(env.CHATBOT_PLATFORM_LLM_BASE_URL)
      ? env.CHATBOT_PLATFORM_LLM_API_KEY
      : undefined;
  const apiKey = e.CHATBOT_EMBEDDING_API_KEY ?? (provider === 'openai' && isOpenAIApi(e.CHATBOT_EMBEDDING_BASE_URL) ? llmKey : undefined);
  if (provider === 'openai' && !apiKey) return undefined;
  return {
    provider,
    model: e.CHATBOT_EMBEDDING_MODEL ?? embeddingDefaults[provider].model,
    baseUrl: e.CHATBOT_EMBEDDING_BASE_URL ?? embeddingDefaults[provider].baseUrl,
    ...(apiKey ? { apiKey } : {}),
    ...(e.CHATBOT_EMBEDDING_DIMENSIONS ? { dimensions: e.CHATBOT_EMBEDDING_DIMENSIONS } : {}),
  };
}

/** A tenant's stored embedding settings (`tenants.settings.embedding`). */
export const tenantEmbeddingSettingsSchema = z
  .object({
    /** `false`: keyword search only for this tenant, whatever the platform offers. */
    enabled: z.boolean().default(true),
    provider: z.enum(embeddingProviders).optional(),
    model: z.string().trim().min(1).max(200).optional(),
    base_url: z.url({ protocol: /^https?$/ }).max(500).optional(),
    dimensions: z.number().int().min(8).max(8192).optional(),
    key_mode: z.enum(keyModes).default('own_then_platform'),
  })
  .strict();

/** Tenant embedding settings with defaults applied. */
export type TenantEmbeddingSettings = z.output<typeof tenantEmbeddingSettingsSchema>;

/** Reads `settings.embedding`, falling back to defaults for a missing or damaged value. */
export function tenantEmbeddingSettingsOf(settings: Record<string, unknown>): TenantEmbeddingSettings {
  const parsed = tenantEmbeddingSettingsSchema.safeParse(settings['embedding'] ?? {});
  return parsed.success ? parsed.data : tenantEmbeddingSettingsSchema.parse({});
}

/** The model a tenant's knowledge is embedded with, and who pays for it. */
export interface EffectiveEmbedding {
  readonly provider: EmbeddingProvider;
  readonly model: string;
  readonly baseUrl: string;
  readonly dimensions?: number;
  readonly keySource: 'own' | 'platform';
  /** Secret; never leaves the process. */
  readonly apiKey?: string;
}

/**
 * Picks the tenant's embedding model: its own settings with its own key (`embedding_api_key`,
 * else `llmKey`, its OpenAI LLM key, sent to OpenAI's API only), or the platform model, by key mode:
 * `own` (own key only; keyword search without one), `own_then_platform` (own when it has one,
 * else the platform's), `platform` (the platform model only). An Ollama server the tenant names
 * needs no key. Vectors of two models cannot be mixed, so there is no failover between them
 * call by call: the choice holds until the settings change (which re-indexes).
 */
export function resolveEmbedding(
  settings: TenantEmbeddingSettings,
  ownKey: string | undefined,
  platform: PlatformEmbeddingConfig | undefined,
  llmKey?: string,
): EffectiveEmbedding | undefined {
  if (!settings.enabled) return undefined;
  const provider = settings.provider ?? platform?.provider ?? 'openai';
  if (ownKey === undefined && llmKey !== undefined && provider === 'openai' && isOpenAIApi(settings.base_url) && settings.key_mode !== 'platform') {
    // The tenant's OpenAI LLM key (see loadTenantEmbedding) goes to OpenAI's API only.
    return {
      provider,
      model: settings.model ?? embeddingDefaults.openai.model,
      baseUrl: embeddingDefaults.openai.baseUrl,
      ...(settings.dimensions ? { dimensions: settings.dimensions } : {}),
      keySource: 'own',
      apiKey: llmKey,
    };
  }
  // Own means the tenant's own account: an OpenAI-compatible key, or its own Ollama server (a key
  // alone must not route the platform's Ollama server as "own", unbilled).
  const ownUsable = settings.key_mode !== 'platform' && (provider === 'ollama' ? settings.base_url !== undefined : ownKey !== undefined);
  if (ownUsable) {
    const samePlatform = platform?.provider === provider;
    return {
      provider,
      model: settings.model ?? (samePlatform ? platform.model : embeddingDefaults[provider].model),
      baseUrl: settings.base_url ?? (samePlatform ? platform.baseUrl : embeddingDefaults[provider].baseUrl),
      ...(settings.dimensions ? { dimensions: settings.dimensions } : samePlatform && platform.dimensions && !settings.model ? { dimensions: platform.dimensions } : {}),
      keySource: 'own',
      ...(ownKey ? { apiKey: ownKey } : {}),
    };
  }
  if (settings.key_mode === 'own' || !platform) return undefined;
  return {
    provider: platform.provider,
    model: platform.model,
    baseUrl: platform.baseUrl,
    ...(platform.dimensions ? { dimensions: platform.dimensions } : {}),
    keySource: 'platform',
    ...(platform.apiKey ? { apiKey: platform.apiKey } : {}),
  };
}

/** `provider:model:dimensions` of an effective model (what a re-index is keyed on). */
export function effectiveIdentity(effective: EffectiveEmbedding | undefined): string | null {
  return effective ? `${effective.provider}:${effective.model}:${effective.dimensions ?? ''}` : null;
}

/** Reads the tenant's embedding settings and own key inside a tenant transaction. */
export async function loadTenantEmbedding(
  tx: Tx,
  secrets: TenantSecretStore | undefined,
  tenantId: string,
): Promise<{ settings: TenantEmbeddingSettings; ownKey: string | undefined; llmKey: string | undefined; indexed: string | null; raw: Record<string, unknown> }> {
  const { rows } = await tx.query<{ settings: Record<string, unknown> }>('SELECT settings FROM tenants WHERE id = $1', [tenantId]);
  const raw = rows[0]?.settings ?? {};
  const settings = tenantEmbeddingSettingsOf(raw);
  const indexedValue = (raw['embedding_index'] as { identity?: unknown } | undefined)?.identity;
  const indexed = typeof indexedValue === 'string' ? indexedValue : null;
  let ownKey: string | undefined;
  let llmKey: string | undefined;
  // Read whatever the settings say, so a save that changes them resolves the new model right.
  if (secrets) {
    ownKey = await secrets.reveal(tx, tenantId, EMBEDDING_KEY_SECRET);
    const llm = llmSettingsOf(raw);
    // One OpenAI key for both — but only a key for OpenAI's own API: a key for another
    // OpenAI-compatible server (its base URL set) belongs to that server alone.
    if (!ownKey && llm.provider === 'openai' && isOpenAIApi(llm.base_url)) llmKey = await secrets.reveal(tx, tenantId, LLM_KEY_SECRET);
  }
  return { settings, ownKey, llmKey, indexed, raw };
}

/** True for OpenAI's own API: no base URL, or `https://api.openai.com/v1` spelled any way. */
export function isOpenAIApi(baseUrl: string | undefined): boolean {
  if (baseUrl === undefined) return true;
  return baseUrl.trim().replace(/\/+$/, '').toLowerCase() === embeddingDefaults.openai.baseUrl;
}

/** Where embedding usage goes: the billing meter when billing runs, else `usage_events` directly. */
export type EmbeddingUsageRecorder = (event: UsageEventV1) => Promise<void>;

/**
 * The model for an effective setting, metered: every successful call records one usage event
 * (kind `embedding`, provider-reported tokens, or about 4 characters per token when the server
 * reports none) and its latency (`embedding_duration_seconds`).
 */
export function meteredEmbeddingModel(
  tenantId: string,
  effective: EffectiveEmbedding,
  record: EmbeddingUsageRecorder,
  options: { timeoutMs?: number; onRecordError?: (error: unknown) => void } = {},
): EmbeddingModelV1 {
  const inner = createOpenAICompatibleEmbeddingModel({
    baseURL: effective.baseUrl,
    model: effective.model,
    provider: effective.provider,
    ...(effective.apiKey ? { apiKey: effective.apiKey } : {}),
    ...(effective.dimensions ? { dimensions: effective.dimensions } : {}),
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  return {
    ...inner,
    async doEmbed(call) {
      const result = await instrumentEmbedding({ provider: effective.provider, model: effective.model }, async () => inner.doEmbed(call));
      const tokens = result.usage?.tokens ?? call.values.reduce((sum, value) => sum + Math.max(1, Math.ceil(value.length / 4)), 0);
      const event: UsageEventV1 = {
        id: randomUUID(),
        tenantId,
        kind: 'embedding',
        provider: effective.provider,
        modelId: effective.model,
        keySource: effective.keySource,
        billable: effective.keySource === 'platform',
        usage: { tokens },
        occurredAt: new Date(),
      };
      // Usage is recorded before the vectors are used; a failed write is logged, never fatal.
      await record(event).catch((error: unknown) => options.onRecordError?.(error));
      return result;
    },
  };
}

/**
 * Records which model the tenant's knowledge is indexed with (`settings.embedding_index`):
 * the re-index job always, an ingestion only when nothing is recorded yet. The settings view
 * compares it with the model in use to say whether a re-index is needed.
 */
export async function stampEmbeddingIndex(tx: Tx, tenantId: string, identity: string | null, options: { onlyIfMissing?: boolean } = {}): Promise<void> {
  await tx.query(
    `UPDATE tenants SET settings = jsonb_set(settings, '{embedding_index}', $2::jsonb)
     WHERE id = $1 ${options.onlyIfMissing ? "AND NOT (settings ? 'embedding_index')" : ''}`,
    [tenantId, JSON.stringify({ identity, at: new Date().toISOString() })],
  );
}
