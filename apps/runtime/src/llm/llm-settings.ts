/**
 * A tenant's LLM settings: provider, base URL, cheap and premium model and key mode, kept in
 * `tenants.settings.llm`; the tenant's API key lives encrypted in the tenant secrets store under
 * {@link LLM_KEY_SECRET} (write-only, masked when read back).
 */
import { z } from 'zod';
import type { Tx } from '../db/types';
import type { TenantSecretStore } from '../secrets/tenant-secret-store';
import { llmProviders } from './platform-llm';

/** The tenant secret holding the tenant's own LLM key. */
export const LLM_KEY_SECRET = 'llm_api_key';

/**
 * Key modes: `own` (the tenant's key only), `own_then_platform` (the tenant's key, platform
 * credits when it fails), `platform` (platform key only, billed).
 */
export const keyModes = ['own', 'own_then_platform', 'platform'] as const;
/** One of {@link keyModes}. */
export type KeyMode = (typeof keyModes)[number];

const modelId = z.string().trim().min(1).max(200);

/** The stored (non-secret) LLM settings. */
export const llmSettingsSchema = z
  .object({
    provider: z.enum(llmProviders).default('openai'),
    base_url: z.url({ protocol: /^https?$/ }).max(500).optional(),
    cheap_model: modelId.optional(),
    premium_model: modelId.optional(),
    key_mode: z.enum(keyModes).default('own_then_platform'),
  })
  .strict();

/** LLM settings with defaults applied. */
export type LlmSettings = z.output<typeof llmSettingsSchema>;

/** Reads `settings.llm`, falling back to defaults for a missing or damaged value. */
export function llmSettingsOf(settings: Record<string, unknown>): LlmSettings {
  const parsed = llmSettingsSchema.safeParse(settings['llm'] ?? {});
  return parsed.success ? parsed.data : llmSettingsSchema.parse({});
}

/** What a tenant's LLM configuration looks like to the API (the key only as a mask). */
export interface LlmSettingsView extends LlmSettings {
  readonly api_key_set: boolean;
  /** Masked key (`sk-…abcd`), null when none is stored. */
  readonly api_key_hint: string | null;
}

/** Loads the settings and the key's mask inside a tenant transaction. */
export async function loadLlmSettingsView(tx: Tx, secrets: TenantSecretStore, tenantId: string): Promise<LlmSettingsView> {
  const { rows } = await tx.query<{ settings: Record<string, unknown> }>('SELECT settings FROM tenants WHERE id = $1', [tenantId]);
  const settings = llmSettingsOf(rows[0]?.settings ?? {});
  const key = await secrets.describe(tx, LLM_KEY_SECRET);
  return { ...settings, api_key_set: key !== undefined, api_key_hint: key?.hint ?? null };
}
