/**
 * The onboarding wizard's state: `settings.onboarding` (`completed` or `skipped`, with when) and a
 * checklist computed from what the tenant already has (a channel, knowledge, an LLM key or
 * platform credits, a template), so the wizard can show which steps are done.
 */
import { z } from 'zod';
import type { Tx } from '../db/types';
import { LLM_KEY_SECRET, llmSettingsOf } from '../llm/llm-settings';
import type { TenantSecretStore } from '../secrets/tenant-secret-store';

/** Where a tenant is in the wizard. */
export const ONBOARDING_STATUSES = ['pending', 'completed', 'skipped'] as const;

/** The API shape of the onboarding state. */
export const onboardingSchema = z.object({
  status: z.enum(ONBOARDING_STATUSES),
  finished_at: z.string().nullable(),
  checklist: z.object({
    channel: z.boolean().meta({ description: 'Có ít nhất một kênh · at least one channel connected' }),
    knowledge: z.boolean().meta({ description: 'Có tài liệu, FAQ hoặc sản phẩm · documents, FAQ or products exist' }),
    llm: z.boolean().meta({ description: 'Có khoá riêng hoặc dùng tín dụng nền tảng · own key stored or platform credits' }),
    template: z.string().nullable(),
  }),
});

/** The onboarding state of the tenant (inside its transaction). */
export async function loadOnboarding(tx: Tx, secrets: TenantSecretStore, tenantId: string): Promise<z.infer<typeof onboardingSchema>> {
  const { rows } = await tx.query<{ settings: Record<string, unknown>; channels: number; knowledge: number }>(
    `SELECT settings,
            (SELECT count(*)::int FROM channel_connections WHERE status <> 'disabled') AS channels,
            (SELECT count(*)::int FROM documents WHERE status = 'ready') + (SELECT count(*)::int FROM faq_entries)
              + (SELECT count(*)::int FROM products) AS knowledge
     FROM tenants WHERE id = $1`,
    [tenantId],
  );
  const row = rows[0];
  const settings = row?.settings ?? {};
  const stored = z
    .object({ status: z.enum(['completed', 'skipped']), finished_at: z.string() })
    .safeParse(settings['onboarding']);
  const template = z.object({ id: z.string() }).safeParse(settings['template']);
  const llm = llmSettingsOf(settings);
  const hasKey = (await secrets.describe(tx, LLM_KEY_SECRET)) !== undefined;
  return {
    status: stored.success ? stored.data.status : 'pending',
    finished_at: stored.success ? stored.data.finished_at : null,
    checklist: {
      channel: (row?.channels ?? 0) > 0,
      knowledge: (row?.knowledge ?? 0) > 0,
      llm: llm.key_mode === 'platform' || hasKey || llm.provider === 'ollama',
      template: template.success ? template.data.id : null,
    },
  };
}

/** Records the wizard as completed or skipped (`pending` starts it again). */
export async function saveOnboardingStatus(tx: Tx, tenantId: string, status: (typeof ONBOARDING_STATUSES)[number]): Promise<void> {
  await tx.query(
    status === 'pending'
      ? `UPDATE tenants SET settings = settings - 'onboarding', updated_at = now() WHERE id = $1`
      : `UPDATE tenants SET settings = settings || jsonb_build_object('onboarding', jsonb_build_object('status', $2::text, 'finished_at', now())), updated_at = now() WHERE id = $1`,
    status === 'pending' ? [tenantId] : [tenantId, status],
  );
}
