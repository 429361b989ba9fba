/**
 * Saving a tenant's LLM settings (the API's PUT /v1/tenant/llm and `agent-chatbot tenant set-llm`):
 * a new key is validated with the provider first (422 and nothing stored when it is rejected),
 * then settings and the encrypted key are written in one short transaction that bumps
 * `config_version`, so every process rebuilds the tenant's bot on its next message.
 */
import { UnprocessableError } from '@agent-chatbot/core';
import { z } from 'zod';
import type { Db, Tx } from '../db/types';
import type { TenantSecretStore } from '../secrets/tenant-secret-store';
import { LLM_KEY_SECRET, keyModes, llmSettingsOf, loadLlmSettingsView, type LlmSettings, type LlmSettingsView } from './llm-settings';
import { llmProviders } from './platform-llm';
import { validateProviderKey } from './providers';

const modelId = z.string().trim().min(1).max(200);

/** Cloud metadata endpoints a tenant must never make the server call (keys would be sent there). */
const METADATA_HOSTS = /^(169\.254\.\d{1,3}\.\d{1,3}|\[?fd00:ec2::254\]?|metadata\.google\.internal|metadata)$/i;

/** A provider base URL (http/https, never a cloud metadata address); shared with the platform LLM settings. */
export const llmBaseUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(500)
  // zod runs refinements even after the URL check failed: a non-URL must not throw here.
  .refine((value) => URL.canParse(value) && !METADATA_HOSTS.test(new URL(value).hostname), {
    message: 'this address is not allowed (địa chỉ này không được phép)',
  });

/** What a caller may change; omitted fields keep their value, `null` clears an optional one. */
export const llmSettingsInputSchema = z
  .object({
    provider: z.enum(llmProviders),
    base_url: llmBaseUrlSchema.nullable().optional(),
    cheap_model: modelId.nullable().optional(),
    premium_model: modelId.nullable().optional(),
    key_mode: z.enum(keyModes).optional(),
    /** Write-only; `null` removes the stored key. */
    api_key: z.string().trim().min(1).max(8192).nullable().optional(),
  })
  .strict();

/** Input of {@link saveLlmSettings}. */
export type LlmSettingsInput = z.output<typeof llmSettingsInputSchema>;

/** Who made the change, for the audit log (the audit helper's callback). */
export type AuditWriter = (tx: Tx, details: Record<string, unknown>) => Promise<void>;

/** Validates and stores the settings; returns what the API shows (the key only masked). */
export async function saveLlmSettings(
  deps: { db: Db; secrets: TenantSecretStore },
  tenantId: string,
  input: LlmSettingsInput,
  audit?: AuditWriter,
): Promise<LlmSettingsView> {
  const current = await deps.db.tenant(tenantId, async (tx) => {
    const { rows } = await tx.query<{ settings: Record<string, unknown> }>('SELECT settings FROM tenants WHERE id = $1', [tenantId]);
    return { settings: llmSettingsOf(rows[0]?.settings ?? {}), hasKey: (await deps.secrets.describe(tx, LLM_KEY_SECRET)) !== undefined };
  });
  const next: LlmSettings = {
    provider: input.provider,
    key_mode: input.key_mode ?? current.settings.key_mode,
    ...pick('base_url', input.base_url, current.settings.base_url),
    ...pick('cheap_model', input.cheap_model, current.settings.cheap_model),
    ...pick('premium_model', input.premium_model, current.settings.premium_model),
  };
  const providerChanged = next.provider !== current.settings.provider;
  const needsOwnKey = next.key_mode !== 'platform' && next.provider !== 'ollama';
  if (providerChanged && current.hasKey && input.api_key === undefined && needsOwnKey) {
    throw new UnprocessableError(
      'Changing the provider needs that provider\'s API key (api_key)',
      'Đổi nhà cung cấp cần nhập khoá API của nhà cung cấp mới (api_key)',
      { code: 'llm_key_required' },
    );
  }
  // The network call happens outside any transaction; nothing is written when it fails.
  if (typeof input.api_key === 'string') {
    await validateProviderKey({ provider: next.provider, apiKey: input.api_key, ...(next.base_url ? { baseUrl: next.base_url } : {}) });
  } else if (next.provider === 'ollama' && next.base_url && (providerChanged || next.base_url !== current.settings.base_url)) {
    // A keyless local server: check it answers before the bot depends on it.
    await validateProviderKey({ provider: 'ollama', baseUrl: next.base_url });
  }
  return deps.db.tenant(tenantId, async (tx) => {
    await tx.query(
      `UPDATE tenants SET settings = jsonb_set(settings, '{llm}', $2::jsonb), config_version = config_version + 1, updated_at = now()
       WHERE id = $1`,
      [tenantId, JSON.stringify(next)],
    );
    let keyChange: 'set' | 'removed' | 'kept' = 'kept';
    if (typeof input.api_key === 'string') {
      await deps.secrets.put(tx, tenantId, LLM_KEY_SECRET, input.api_key);
      keyChange = 'set';
    } else if (input.api_key === null && (await deps.secrets.describe(tx, LLM_KEY_SECRET))) {
      await deps.secrets.remove(tx, LLM_KEY_SECRET);
      keyChange = 'removed';
    }
    const view = await loadLlmSettingsView(tx, deps.secrets, tenantId);
    await audit?.(tx, { provider: next.provider, key_mode: next.key_mode, key: keyChange, ...(view.api_key_hint ? { mask: view.api_key_hint } : {}) });
    return view;
  });
}

function pick<K extends 'base_url' | 'cheap_model' | 'premium_model'>(
  key: K,
  given: string | null | undefined,
  current: string | undefined,
): Partial<Record<K, string>> {
  const value = given === undefined ? current : (given ?? undefined);
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}
