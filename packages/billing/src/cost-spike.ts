import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';

const inputSchema = z.object({
  /** The tenant's platform-key spend in the last hour (VND). */
  hourlySpend: z.number().int().nonnegative(),
  /** Its usual hourly spend (e.g. the 7-day average, VND). */
  usualHourlyRate: z.number().int().nonnegative(),
  /** How many times the usual rate counts as a spike (e.g. 5). */
  multiple: z.number().positive().max(1_000),
  /** The whole platform's platform-key spend in the last hour (VND). */
  platformTotal: z.number().int().nonnegative(),
  /** Platform-wide hourly spend that trips protection for every spending tenant (VND). */
  threshold: z.number().int().positive(),
  /** Ignore tenant spikes below this hourly spend (new tenants have no usual rate). Default 20 000 VND. */
  minimumSpend: z.number().int().nonnegative().default(20_000),
});

/** The decision of {@link detectCostSpike}. */
export interface CostSpikeDecision {
  /** Whether spending is abnormal (switch the tenant to FAQ-only and alert admins). */
  readonly spike: boolean;
  /** Which checks fired: the tenant's hourly multiple or the platform total threshold. */
  readonly reasons: ReadonlyArray<'tenant_multiple' | 'platform_threshold'>;
  /** What the runtime should do: switch the tenant to FAQ-only and alert platform admins. */
  readonly action: 'none' | 'faq_only';
}

/**
 * Cost-spike rule: a spike when the tenant's hourly spend is above `multiple` × its usual rate (and
 * at least `minimumSpend`), or when the platform's hourly total reaches `threshold` while this
 * tenant is spending. Compared in integers (the multiple is taken to 1/100).
 */
export function detectCostSpike(input: z.input<typeof inputSchema>): CostSpikeDecision {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('Invalid cost-spike input', 'Dữ liệu kiểm tra chi phí tăng đột biến không hợp lệ', {
      details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    });
  }
  const { hourlySpend, usualHourlyRate, multiple, platformTotal, threshold, minimumSpend } = parsed.data;
  const reasons: Array<'tenant_multiple' | 'platform_threshold'> = [];
  if (hourlySpend >= minimumSpend && hourlySpend * 100 > usualHourlyRate * Math.round(multiple * 100)) reasons.push('tenant_multiple');
  if (hourlySpend > 0 && platformTotal >= threshold) reasons.push('platform_threshold');
  return { spike: reasons.length > 0, reasons, action: reasons.length > 0 ? 'faq_only' : 'none' };
}
