import { ValidationError } from '@agent-chatbot/core';
import { billingCycle, cycleIdOf } from '../cycle';
import type { UsageMeters } from '../meters';
import { planById, type BillingConfig } from '../plans';
import { type BillingDb, type BillingTx, toInt } from './db';
import { appendLedgerEntry } from './ledger';
import { loadUsageMeters } from './usage';

/** One invoice line. `paidFromCredits` lines were already charged to the wallet as usage happened. */
export interface InvoiceLine {
  /** What the line bills. */
  readonly code: 'subscription' | 'overage' | 'platform_usage';
  /** Line text in Vietnamese. */
  readonly descriptionVi: string;
  /** Line text in English. */
  readonly description: string;
  /** Quantity billed. */
  readonly quantity: number;
  /** Price per unit, integer VND. */
  readonly unitPriceVnd: number;
  /** Line amount, integer VND. */
  readonly amountVnd: number;
  /** Whether the amount was already taken from the credit balance. */
  readonly paidFromCredits: boolean;
}

/** A stored monthly invoice. */
export interface Invoice {
  /** Invoice id. */
  readonly id: string;
  /** The tenant billed. */
  readonly tenantId: string;
  /** Cycle billed, `YYYY-MM`. */
  readonly cycle: string;
  /** Invoice number. */
  readonly number: string;
  /** Plan the cycle was billed on. */
  readonly planId: string;
  /** Issued, paid or void. */
  readonly status: 'issued' | 'paid' | 'void';
  /** What the tenant owes for this invoice (lines not paid from credits). */
  readonly totalVnd: number;
  /** Invoice lines. */
  readonly lines: readonly InvoiceLine[];
  /** Usage of the cycle. */
  readonly meters: UsageMeters;
  /** When it was issued. */
  readonly issuedAt: Date;
}

interface InvoiceRow {
  id: string;
  tenant_id: string;
  cycle: string;
  number: string;
  plan_id: string;
  status: Invoice['status'];
  total_vnd: unknown;
  lines: InvoiceLine[];
  meters: UsageMeters;
  issued_at: Date;
}

const SELECT_INVOICE = 'SELECT id, tenant_id, cycle, number, plan_id, status, total_vnd, lines, meters, issued_at FROM billing_invoices';

function toInvoice(row: InvoiceRow): Invoice {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    cycle: row.cycle,
    number: row.number,
    planId: row.plan_id,
    status: row.status,
    totalVnd: toInt(row.total_vnd),
    lines: row.lines,
    meters: row.meters,
    issuedAt: row.issued_at,
  };
}

/** Computes the lines of a cycle from the plan and the meters (pure; amounts are integer VND). */
export function invoiceLines(config: BillingConfig, planId: string, meters: UsageMeters): InvoiceLine[] {
  const plan = planById(config, planId);
  const lines: InvoiceLine[] = [];
  if (plan.kind === 'subscription') {
    lines.push({
      code: 'subscription',
      descriptionVi: `Phí thuê bao gói ${plan.nameVi} (gồm ${plan.includedChats} cuộc chat)`,
      description: `${plan.name} plan subscription (${plan.includedChats} chats included)`,
      quantity: 1,
      unitPriceVnd: plan.monthlyFeeVnd,
      amountVnd: plan.monthlyFeeVnd,
      paidFromCredits: false,
    });
    const overage = Math.max(0, meters.chats - plan.includedChats);
    if (overage > 0 && plan.overagePerChatVnd > 0) {
      lines.push({
        code: 'overage',
        descriptionVi: 'Cuộc chat vượt mức',
        description: 'Chats beyond the included ones',
        quantity: overage,
        unitPriceVnd: plan.overagePerChatVnd,
        amountVnd: overage * plan.overagePerChatVnd,
        paidFromCredits: false,
      });
    }
  }
  if (meters.platformCostVnd > 0) {
    lines.push({
      code: 'platform_usage',
      descriptionVi: 'Sử dụng mô hình AI bằng khóa của nền tảng (đã trừ vào số dư)',
      description: 'AI model usage with the platform key (already paid from credits)',
      quantity: 1,
      unitPriceVnd: meters.platformCostVnd,
      amountVnd: meters.platformCostVnd,
      paidFromCredits: true,
    });
  }
  return lines;
}

async function planOf(tx: BillingTx, tenantId: string): Promise<string> {
  const { rows } = await tx.query<{ plan_id: string }>(
    `SELECT coalesce((SELECT plan_id FROM billing_accounts WHERE tenant_id = $1), (SELECT plan FROM tenants WHERE id = $1), 'free') AS plan_id`,
    [tenantId],
  );
  return rows[0]?.plan_id ?? 'free';
}

/**
 * Issues the tenant's invoice for `cycle` ('YYYY-MM'), idempotently: the unique key
 * (tenant_id, cycle) makes a second run (or a concurrent one) return the existing invoice with
 * `created: false`, and the ledger charges (`subscription`, `overage`) carry idempotency keys
 * `invoice:<cycle>:<code>`, so the tenant is charged once. Refuses a cycle that has not ended.
 */
export async function issueMonthlyInvoice(
  db: BillingDb,
  input: { tenantId: string; cycle: string; config: BillingConfig; now?: Date },
): Promise<{ invoice: Invoice; created: boolean }> {
  const cycle = billingCycle(input.cycle);
  if ((input.now ?? new Date()).getTime() < cycle.end.getTime()) {
    throw new ValidationError(`Cycle ${cycle.id} has not ended yet`, `Kỳ ${cycle.id} chưa kết thúc`, { details: { cycle: cycle.id } });
  }
  return db.tenant(input.tenantId, async (tx) => {
    const existing = await tx.query<InvoiceRow>(`${SELECT_INVOICE} WHERE tenant_id = $1 AND cycle = $2`, [input.tenantId, cycle.id]);
    if (existing.rows[0]) return { invoice: toInvoice(existing.rows[0]), created: false };
    const planId = await planOf(tx, input.tenantId);
    const meters = await loadUsageMeters(tx, input.tenantId, cycle.id);
    const lines = invoiceLines(input.config, planId, meters);
    const totalVnd = lines.filter((line) => !line.paidFromCredits).reduce((sum, line) => sum + line.amountVnd, 0);
    const inserted = await tx.query<InvoiceRow>(
      `INSERT INTO billing_invoices (tenant_id, cycle, number, plan_id, total_vnd, lines, meters)
       VALUES ($1, $2, 'HD-' || replace($2, '-', '') || '-' || lpad(nextval('billing_invoice_number_seq')::text, 6, '0'), $3, $4, $5, $6)
       ON CONFLICT (tenant_id, cycle) DO NOTHING
       RETURNING id, tenant_id, cycle, number, plan_id, status, total_vnd, lines, meters, issued_at`,
      [input.tenantId, cycle.id, planId, totalVnd, JSON.stringify(lines), JSON.stringify(meters)],
    );
    if (!inserted.rows[0]) {
      // A concurrent run inserted it first (we waited on the unique key): return theirs.
      const theirs = await tx.query<InvoiceRow>(`${SELECT_INVOICE} WHERE tenant_id = $1 AND cycle = $2`, [input.tenantId, cycle.id]);
      return { invoice: toInvoice(theirs.rows[0]!), created: false };
    }
    for (const line of lines) {
      if (line.paidFromCredits || line.amountVnd === 0 || line.code === 'platform_usage') continue;
      await appendLedgerEntry(tx, {
        tenantId: input.tenantId,
        kind: line.code,
        amountVnd: -line.amountVnd,
        idempotencyKey: `invoice:${cycle.id}:${line.code}`,
        reference: inserted.rows[0].number,
        description: line.descriptionVi,
      });
    }
    return { invoice: toInvoice(inserted.rows[0]), created: true };
  });
}

/**
 * The scheduled job (run daily or on the 1st, Vietnam time): issues last cycle's invoice for every
 * active tenant. Safe to run any number of times; one tenant's failure (say, an unknown plan id)
 * is reported in `failed` and does not stop the others.
 */
export async function issueMonthlyInvoices(
  db: BillingDb,
  input: { config: BillingConfig; cycle?: string; now?: Date },
): Promise<{ created: Invoice[]; existing: number; failed: Array<{ tenantId: string; error: unknown }> }> {
  const now = input.now ?? new Date();
  const cycleId = input.cycle ?? cycleIdOf(new Date(billingCycle(cycleIdOf(now)).start.getTime() - 1));
  const tenants = await db.platform((tx) => tx.query<{ id: string }>("SELECT id FROM tenants WHERE status = 'active' ORDER BY id"));
  const created: Invoice[] = [];
  const failed: Array<{ tenantId: string; error: unknown }> = [];
  let existing = 0;
  for (const { id } of tenants.rows) {
    try {
      const result = await issueMonthlyInvoice(db, { tenantId: id, cycle: cycleId, config: input.config, now });
      if (result.created) created.push(result.invoice);
      else existing += 1;
    } catch (error) {
      failed.push({ tenantId: id, error });
    }
  }
  return { created, existing, failed };
}

/** A tenant's invoices, newest first (dashboard list / download). */
export async function listInvoices(db: BillingDb, tenantId: string): Promise<Invoice[]> {
  return db.tenant(tenantId, async (tx) => {
    const { rows } = await tx.query<InvoiceRow>(`${SELECT_INVOICE} WHERE tenant_id = $1 ORDER BY cycle DESC`, [tenantId]);
    return rows.map(toInvoice);
  });
}
