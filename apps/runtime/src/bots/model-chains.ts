/**
 * Key modes → model chains: `own` (the tenant's key), `own_then_platform` (the tenant's key, the
 * platform's on a failing key or provider), `platform` (platform key only, billed).
 */
import type { EngineConfig, ModelEntry } from '@agent-chatbot/core';
import type { LlmSettings } from '../llm/llm-settings';
import { defaultModels, type PlatformLlmConfig } from '../llm/platform-llm';
import { createLlmProvider } from '../llm/providers';

/** The cheap and premium chains plus the key strings the output guard must redact. */
export interface ModelChains {
  readonly models: EngineConfig['models'];
  readonly secrets: string[];
}

/**
 * Builds the chains. With no usable key both chains are empty and the engine answers without a
 * model (best FAQ / product card, else the fallback text). Async because a provider's package is
 * loaded on first use (see `createLlmProvider`).
 */
export async function buildModelChains(llm: LlmSettings, ownKey: string | undefined, platform: PlatformLlmConfig | undefined): Promise<ModelChains> {
  const cheap: ModelEntry[] = [];
  const premium: ModelEntry[] = [];
  const secrets: string[] = [];
  // A local Ollama server needs no key, only its URL.
  const ownUsable = ownKey !== undefined || (llm.provider === 'ollama' && llm.base_url !== undefined);
  if (llm.key_mode !== 'platform' && ownUsable) {
    const provider = await createLlmProvider({ provider: llm.provider, ...(ownKey ? { apiKey: ownKey } : {}), ...(llm.base_url ? { baseUrl: llm.base_url } : {}) });
    const defaults = defaultModels[llm.provider];
    cheap.push({ model: provider.languageModel(llm.cheap_model ?? defaults.cheap), keySource: 'own' });
    premium.push({ model: provider.languageModel(llm.premium_model ?? llm.cheap_model ?? defaults.premium), keySource: 'own' });
    if (ownKey) secrets.push(ownKey);
  }
  if (llm.key_mode !== 'own' && platform) {
    const provider = await createLlmProvider({ provider: platform.provider, apiKey: platform.apiKey, ...(platform.baseUrl ? { baseUrl: platform.baseUrl } : {}) });
    cheap.push({ model: provider.languageModel(platform.cheapModel), keySource: 'platform' });
    premium.push({ model: provider.languageModel(platform.premiumModel), keySource: 'platform' });
    secrets.push(platform.apiKey);
    // The platform admin's optional failover account, tried after the primary platform account.
    if (platform.failover) {
      const backup = platform.failover;
      const backupProvider = await createLlmProvider({ provider: backup.provider, apiKey: backup.apiKey, ...(backup.baseUrl ? { baseUrl: backup.baseUrl } : {}) });
      cheap.push({ model: backupProvider.languageModel(backup.cheapModel), keySource: 'platform' });
      premium.push({ model: backupProvider.languageModel(backup.premiumModel), keySource: 'platform' });
      secrets.push(backup.apiKey);
    }
  }
  return { models: { cheap, premium }, secrets };
}
