/**
 * The platform admin's money view: per tenant and cycle, the usage (chats, messages, tokens), what
 * the platform paid its model providers (cost), what it charges the tenant (revenue: subscription
 * fee, chat overage and platform-key usage at price) and the margin. Read in platform scope, in
 * three grouped queries for the whole page of tenants.
 */
import { billingCycle, divCeil, type BillingConfig } from '@agent-chatbot/billing';
import type { Db } from '../db/types';

/** One tenant's line. */
export interface TenantMoneyLine {
  readonly tenantId: string;
  readonly name: string;
  readonly slug: string;
  readonly status: string;
  readonly planId: string;
  /** False when the tenant's plan id is not in the configuration (its fee counts as 0). */
  readonly planKnown: boolean;
  readonly monthlyCapVnd: number | null;
  readonly faqOnly: boolean;
  readonly balanceVnd: number;
  readonly chats: number;
  readonly messages: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  /** Tokens on the platform's key (billed to the tenant). */
  readonly platformTokens: number;
  readonly costVnd: number;
  readonly revenueVnd: number;
  readonly subscriptionVnd: number;
  readonly overageVnd: number;
  readonly usageVnd: number;
  readonly marginVnd: number;
}

/** The whole overview. */
export interface MoneyOverview {
  readonly cycle: string;
  readonly tenants: readonly TenantMoneyLine[];
  readonly totals: { readonly costVnd: number; readonly revenueVnd: number; readonly marginVnd: number; readonly chats: number; readonly messages: number };
}

const int = (value: unknown): number => Number(value ?? 0);

/**
 * Provider cost of platform-key usage: tokens × the configured provider price; a model without a
 * configured price is costed back from what was billed (price ÷ (1 + margin)).
 */
export function providerCostVnd(
  config: BillingConfig,
  row: { provider: string | null; model: string | null; tokensIn: number; tokensOut: number; billedVnd: number },
): number {
  const price = config.modelCosts[`${row.provider ?? ''}:${row.model ?? ''}`];
  if (price) return divCeil(row.tokensIn * price.inputVndPerMillionTokens + row.tokensOut * price.outputVndPerMillionTokens, 1_000_000);
  return divCeil(row.billedVnd * 10_000, 10_000 + config.marginBasisPoints);
}

/** Reads the overview of `cycleId` for a page of tenants (not deleted), oldest first. */
export async function moneyOverview(db: Db, input: { config: BillingConfig; cycleId: string; limit: number; offset: number }): Promise<MoneyOverview> {
  const { start, end } = billingCycle(input.cycleId);
  return db.platform(async (tx) => {
    const tenants = await tx.query<{
      id: string; name: string; slug: string; status: string; plan_id: string; monthly_cap_vnd: unknown; faq_only_reason: string | null; balance_vnd: unknown; created_at: Date;
    }>(
      `SELECT t.id, t.name, t.slug, t.status, coalesce(a.plan_id, t.plan, 'free') AS plan_id, a.monthly_cap_vnd, a.faq_only_reason,
              coalesce(w.balance_vnd, 0) AS balance_vnd, t.created_at
         FROM tenants t LEFT JOIN billing_accounts a ON a.tenant_id = t.id LEFT JOIN billing_wallets w ON w.tenant_id = t.id
        WHERE t.status <> 'deleted' ORDER BY t.created_at, t.id LIMIT $1 OFFSET $2`,
      [input.limit, input.offset],
    );
    const ids = tenants.rows.map((t) => t.id);
    const meters = await tx.query<{ tenant_id: string; chats: unknown; messages: unknown }>(
      `SELECT tenant_id, count(DISTINCT conversation_id) FILTER (WHERE kind IN ('message', 'chat')) AS chats,
              count(*) FILTER (WHERE kind = 'message') AS messages
         FROM usage_events WHERE tenant_id = ANY($1::uuid[]) AND occurred_at >= $2 AND occurred_at < $3 GROUP BY tenant_id`,
      [ids, start, end],
    );
    const models = await tx.query<{ tenant_id: string; provider: string | null; model: string | null; key_source: string | null; tokens_in: unknown; tokens_out: unknown; billed: unknown }>(
      `SELECT tenant_id, provider, model, key_source,
              sum(CASE WHEN kind = 'embedding' AND quantity > 0 THEN quantity ELSE tokens_in END)::bigint AS tokens_in,
              sum(tokens_out)::bigint AS tokens_out,
              coalesce(sum(cost_vnd) FILTER (WHERE billable), 0)::bigint AS billed
         FROM usage_events WHERE tenant_id = ANY($1::uuid[]) AND occurred_at >= $2 AND occurred_at < $3 AND kind IN ('llm', 'embedding')
        GROUP BY tenant_id, provider, model, key_source`,
      [ids, start, end],
    );
    const meterOf = new Map(meters.rows.map((m) => [m.tenant_id, { chats: int(m.chats), messages: int(m.messages) }]));
    const lines = tenants.rows.map((t): TenantMoneyLine => {
      const plan = input.config.plans.find((p) => p.id === t.plan_id);
      const meter = meterOf.get(t.id) ?? { chats: 0, messages: 0 };
      let tokensIn = 0;
      let tokensOut = 0;
      let platformTokens = 0;
      let usageVnd = 0;
      let costVnd = 0;
      for (const row of models.rows.filter((m) => m.tenant_id === t.id)) {
        const ti = int(row.tokens_in);
        const to = int(row.tokens_out);
        tokensIn += ti;
        tokensOut += to;
        if (row.key_source === 'own') continue; // the tenant's own key costs the platform nothing
        platformTokens += ti + to;
        const billedVnd = int(row.billed);
        usageVnd += billedVnd;
        costVnd += providerCostVnd(input.config, { provider: row.provider, model: row.model, tokensIn: ti, tokensOut: to, billedVnd });
      }
      // The fee is due for a cycle the tenant existed in (not for months before it signed up).
      const existed = new Date(t.created_at).getTime() < end.getTime();
      const subscriptionVnd = plan?.kind === 'subscription' && existed ? plan.monthlyFeeVnd : 0;
      const overageVnd = plan?.kind === 'subscription' ? Math.max(0, meter.chats - plan.includedChats) * plan.overagePerChatVnd : 0;
      const revenueVnd = subscriptionVnd + overageVnd + usageVnd;
      return {
        tenantId: t.id,
        name: t.name,
        slug: t.slug,
        status: t.status,
        planId: t.plan_id,
        planKnown: plan !== undefined,
        monthlyCapVnd: t.monthly_cap_vnd === null ? null : int(t.monthly_cap_vnd),
        faqOnly: t.faq_only_reason !== null,
        balanceVnd: int(t.balance_vnd),
        chats: meter.chats,
        messages: meter.messages,
        tokensIn,
        tokensOut,
        platformTokens,
        costVnd,
        revenueVnd,
        subscriptionVnd,
        overageVnd,
        usageVnd,
        marginVnd: revenueVnd - costVnd,
      };
    });
    const sum = (pick: (l: TenantMoneyLine) => number) => lines.reduce((s, l) => s + pick(l), 0);
    return {
      cycle: input.cycleId,
      tenants: lines,
      totals: { costVnd: sum((l) => l.costVnd), revenueVnd: sum((l) => l.revenueVnd), marginVnd: sum((l) => l.marginVnd), chats: sum((l) => l.chats), messages: sum((l) => l.messages) },
    };
  });
}
