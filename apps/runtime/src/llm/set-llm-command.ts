/**
 * `agent-chatbot tenant set-llm --tenant ID --provider openai|anthropic|ollama [--base-url URL]
 * --api-key KEY [--cheap-model M] [--premium-model M] [--key-mode own|own_then_platform|platform]`:
 * configures a tenant's LLM; the key is checked with the provider before it is stored (encrypted).
 */
import { ValidationError } from '@agent-chatbot/core';
import type { CommandDef } from '../cli/command-table';
import { usageError } from '../cli/output';
import { createTenantSecretStore } from '../secrets/tenant-secret-store';
import { getTenant } from '../tenants/tenant-service';
import { llmSettingsInputSchema, saveLlmSettings } from './llm-service';

/** The `tenant set-llm` command. */
export const setLlmCommand: CommandDef = {
  name: 'tenant set-llm',
  summaryVi: 'Cấu hình mô hình AI cho cửa hàng (kiểm tra khoá)',
  summaryEn: "Configure a tenant's LLM (the key is validated)",
  usage:
    'agent-chatbot tenant set-llm --tenant ID|SLUG --provider openai|anthropic|ollama [--base-url URL] --api-key KEY [--cheap-model M] [--premium-model M] [--key-mode own|own_then_platform|platform] [--json]',
  options: {
    tenant: { type: 'string' },
    provider: { type: 'string' },
    'base-url': { type: 'string' },
    'api-key': { type: 'string' },
    'cheap-model': { type: 'string' },
    'premium-model': { type: 'string' },
    'key-mode': { type: 'string' },
  },
  async run(env, values) {
    const text = (name: string) => (typeof values[name] === 'string' && (values[name] as string).trim() ? (values[name] as string).trim() : undefined);
    const tenantRef = text('tenant');
    if (!tenantRef) throw usageError('Missing --tenant', 'Thiếu tham số --tenant');
    if (!text('provider')) throw usageError('Missing --provider', 'Thiếu tham số --provider');
    const parsed = llmSettingsInputSchema.safeParse({
      provider: text('provider'),
      ...(text('base-url') ? { base_url: text('base-url') } : {}),
      ...(text('api-key') ? { api_key: text('api-key') } : {}),
      ...(text('cheap-model') ? { cheap_model: text('cheap-model') } : {}),
      ...(text('premium-model') ? { premium_model: text('premium-model') } : {}),
      ...(text('key-mode') ? { key_mode: text('key-mode') } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue?.path[0] ?? '').replace(/_/g, '-');
      throw new ValidationError(`Invalid --${field}: ${issue?.message ?? ''}`, `Tham số --${field} không hợp lệ: ${issue?.message ?? ''}`);
    }
    const tenant = await getTenant(env.db, tenantRef);
    const view = await saveLlmSettings({ db: env.db, secrets: createTenantSecretStore(env.secretBox) }, tenant.id, parsed.data, async (tx, details) => {
      await tx.query(
        `INSERT INTO audit_log (tenant_id, actor_kind, action, target_type, target_id, details) VALUES ($1::uuid, 'cli', 'llm.update', 'tenant', $1::text, $2::jsonb)`,
        [tenant.id, JSON.stringify(details)],
      );
    });
    return {
      json: { tenantId: tenant.id, ...view },
      text: [
        `Đã lưu cấu hình AI / LLM settings saved: ${tenant.slug}`,
        `  provider: ${view.provider}${view.base_url ? ` (${view.base_url})` : ''}`,
        `  models:   ${view.cheap_model ?? 'mặc định/default'} · ${view.premium_model ?? 'mặc định/default'}`,
        `  key mode: ${view.key_mode} · key: ${view.api_key_hint ?? '—'}`,
      ].join('\n'),
    };
  },
};
