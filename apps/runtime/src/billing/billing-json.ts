/** snake_case JSON shapes of the billing API (dates as ISO strings, money as integer VND). */
import type { BillingStatus, Invoice, LedgerEntry, StoredBillingAlert } from '@agent-chatbot/billing/pg';

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

/** A billing status as the API returns it. */
export function statusJson(status: BillingStatus) {
  const { plan, usage, budget, gate } = status;
  return {
    tenant_id: status.tenantId,
    cycle: status.cycle,
    plan: { id: plan.id, kind: plan.kind, name: plan.name, name_vi: plan.nameVi, included_chats: plan.includedChats },
    balance_vnd: status.balanceVnd,
    budget: {
      cap_vnd: budget.capVnd,
      spent_vnd: budget.spentVnd,
      reserved_vnd: budget.reservedVnd,
      used_percent: budget.capVnd > 0 ? Math.floor((budget.spentVnd * 100) / budget.capVnd) : null,
    },
    usage: {
      chats: usage.chats,
      chats_included: gate.chatsIncluded,
      overage_chats: gate.overageChats,
      messages: usage.messages,
      embedding_tokens: usage.embeddingTokens,
      storage_bytes: usage.storageBytes,
      platform_cost_vnd: usage.platformCostVnd,
      models: usage.models.map((m) => ({
        provider: m.provider,
        model: m.model,
        key_source: m.keySource,
        tokens_in: m.tokensIn,
        tokens_out: m.tokensOut,
        cost_vnd: m.costVnd,
      })),
    },
    mode: gate.mode,
    offer_human: gate.offerHuman,
    mode_reason: gate.reason ?? null,
    faq_only: status.faqOnly ? { reason: status.faqOnly.reason, since: iso(status.faqOnly.since) } : null,
  };
}

/** A ledger entry. */
export const ledgerJson = (entry: LedgerEntry) => ({
  id: entry.id,
  kind: entry.kind,
  amount_vnd: entry.amountVnd,
  reference: entry.reference,
  description: entry.description,
  created_at: iso(entry.createdAt),
});

/** A stored alert. */
export const alertJson = (alert: StoredBillingAlert) => ({
  id: alert.id,
  kind: alert.kind,
  key: alert.dedupeKey,
  details: alert.details,
  created_at: iso(alert.createdAt),
  acknowledged_at: iso(alert.acknowledgedAt),
});

/** An invoice summary (the PDF is at `pdf_url`). */
export const invoiceJson = (invoice: Invoice) => ({
  id: invoice.id,
  number: invoice.number,
  cycle: invoice.cycle,
  plan_id: invoice.planId,
  status: invoice.status,
  total_vnd: invoice.totalVnd,
  lines: invoice.lines.map((line) => ({
    code: line.code,
    description_vi: line.descriptionVi,
    description: line.description,
    quantity: line.quantity,
    unit_price_vnd: line.unitPriceVnd,
    amount_vnd: line.amountVnd,
    paid_from_credits: line.paidFromCredits,
  })),
  issued_at: iso(invoice.issuedAt),
  pdf_url: `/v1/tenant/billing/invoices/${invoice.id}/pdf`,
});
