import { NotFoundError, ValidationError } from '@agent-chatbot/core';
import { detectCostSpike } from '../cost-spike';
import { cycleIdOf } from '../cycle';
import type { UsageMeters } from '../meters';
import { planById, planGate, type BillingConfig, type Plan, type PlanGate } from '../plans';
import { type BillingAlert, insertAlert } from './alerts';
import { type BillingDb, type BillingTx, requireUuid, toInt } from './db';
import { walletBalance } from './ledger';
import { capOf } from './meter';
import { loadUsageMeters } from './usage';

function requireTenantId(tenantId: string): void {
  requireUuid(tenantId, 'tenantId');
}

async function ensureAccount(tx: BillingTx, tenantId: string): Promise<void> {
  await tx.query('INSERT INTO billing_accounts (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING', [tenantId]);
}

/** Sets a tenant's plan and/or monthly cap (platform admin or the tenant's own setting). */
export async function updateBillingAccount(db: BillingDb, input: { tenantId: string; config: BillingConfig; planId?: string; monthlyCapVnd?: number | null }) {
  requireTenantId(input.tenantId);
  if (input.planId !== undefined) planById(input.config, input.planId);
  if (input.monthlyCapVnd !== undefined && input.monthlyCapVnd !== null && (!Number.isSafeInteger(input.monthlyCapVnd) || input.monthlyCapVnd < 0)) {
    throw new ValidationError('monthlyCapVnd must be a whole VND amount', 'Hạn mức tháng phải là số nguyên đồng', { details: { monthlyCapVnd: input.monthlyCapVnd } });
  }
  await db.tenant(input.tenantId, async (tx) => {
    await ensureAccount(tx, input.tenantId);
    if (input.planId !== undefined) await tx.query('UPDATE billing_accounts SET plan_id = $2, updated_at = now() WHERE tenant_id = $1', [input.tenantId, input.planId]);
    if (input.monthlyCapVnd !== undefined) {
      await tx.query('UPDATE billing_accounts SET monthly_cap_vnd = $2, updated_at = now() WHERE tenant_id = $1', [input.tenantId, input.monthlyCapVnd]);
    }
  });
}

/** Puts a tenant in FAQ-only mode (cost spike or admin) until {@link liftFaqOnly}. */
export async function setFaqOnly(db: BillingDb, tenantId: string, reason: 'cost_spike' | 'admin'): Promise<void> {
  requireTenantId(tenantId);
  await db.tenant(tenantId, async (tx) => {
    await ensureAccount(tx, tenantId);
    await tx.query(
      'UPDATE billing_accounts SET faq_only_reason = $2, faq_only_since = coalesce(faq_only_since, now()), updated_at = now() WHERE tenant_id = $1',
      [tenantId, reason],
    );
  });
}

/** A platform admin lifts FAQ-only mode; recorded in the audit log. */
export async function liftFaqOnly(db: BillingDb, input: { tenantId: string; adminUserId?: string }): Promise<{ lifted: boolean }> {
  requireTenantId(input.tenantId);
  return db.tenant(input.tenantId, async (tx) => {
    const { rowCount } = await tx.query(
      'UPDATE billing_accounts SET faq_only_reason = NULL, faq_only_since = NULL, updated_at = now() WHERE tenant_id = $1 AND faq_only_reason IS NOT NULL',
      [input.tenantId],
    );
    if (rowCount > 0) {
      await tx.query("INSERT INTO audit_log (tenant_id, actor_user_id, actor_kind, action, target_type, target_id) VALUES ($1, $2, $3, 'billing.faq_only.lift', 'tenant', $4)", [
        input.tenantId,
        input.adminUserId ?? null,
        input.adminUserId ? 'user' : 'system',
        input.tenantId,
      ]);
    }
    return { lifted: rowCount > 0 };
  });
}

/**
 * The platform job (every few minutes): for each tenant with platform-key spend in the last hour,
 * compares it with its 7-day hourly average and the platform's total; a spike switches the tenant
 * to FAQ-only and returns one alert per tenant and hour for the platform admins.
 */
export async function checkCostSpikes(
  db: BillingDb,
  input: { multiple: number; threshold: number; minimumSpend?: number; now?: Date },
): Promise<BillingAlert[]> {
  const now = input.now ?? new Date();
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const weekAgo = new Date(now.getTime() - 7 * 24 * 3_600_000);
  const spenders = await db.platform((tx) =>
    tx.query<{ tenant_id: string; hour: unknown; week: unknown }>(
      `SELECT tenant_id,
              coalesce(sum(cost_vnd) FILTER (WHERE occurred_at >= $2), 0)::bigint AS hour,
              coalesce(sum(cost_vnd) FILTER (WHERE occurred_at < $2), 0)::bigint AS week
         FROM usage_events WHERE billable AND occurred_at >= $1 AND occurred_at <= $3
         GROUP BY tenant_id`,
      [weekAgo, hourAgo, now],
    ),
  );
  const platformTotal = spenders.rows.reduce((sum, row) => sum + toInt(row.hour), 0);
  const hourKey = now.toISOString().slice(0, 13);
  const alerts: BillingAlert[] = [];
  for (const row of spenders.rows) {
    const hourlySpend = toInt(row.hour);
    const usualHourlyRate = Math.floor(toInt(row.week) / (7 * 24 - 1));
    const decision = detectCostSpike({ hourlySpend, usualHourlyRate, multiple: input.multiple, platformTotal, threshold: input.threshold, minimumSpend: input.minimumSpend });
    if (!decision.spike) continue;
    await setFaqOnly(db, row.tenant_id, 'cost_spike');
    const alert: BillingAlert = {
      tenantId: row.tenant_id,
      kind: 'cost_spike',
      dedupeKey: `cost-spike:${hourKey}`,
      details: { hourlySpend, usualHourlyRate, platformTotal, reasons: decision.reasons },
      messageVi: `Chi phí mô hình tăng đột biến (${hourlySpend} đ trong 1 giờ): đã chuyển sang chế độ chỉ trả lời FAQ.`,
      message: `Model spend spiked (${hourlySpend} VND in one hour): switched to FAQ-only mode.`,
    };
    if (await db.tenant(row.tenant_id, (tx) => insertAlert(tx, alert))) alerts.push(alert);
  }
  return alerts;
}

/** Everything the dashboard, the CLI (`billing balance`) and the engine's gate need. */
export interface BillingStatus {
  /** The tenant. */
  readonly tenantId: string;
  /** Current cycle, `YYYY-MM`. */
  readonly cycle: string;
  /** The tenant's plan. */
  readonly plan: Plan;
  /** Credit balance derived from the ledger. */
  readonly balanceVnd: number;
  /** Monthly cap, spent and reserved amounts. */
  readonly budget: { readonly capVnd: number; readonly spentVnd: number; readonly reservedVnd: number };
  /** Usage meters of the cycle. */
  readonly usage: UsageMeters;
  /** Whether the bot answers fully or FAQ-only, and why. */
  readonly gate: PlanGate;
  /** Set while FAQ-only mode is forced (cost spike or admin). */
  readonly faqOnly: { readonly reason: 'cost_spike' | 'admin'; readonly since: Date } | null;
}

/** Reads a tenant's billing status for the current (or given) cycle. */
export async function getBillingStatus(db: BillingDb, input: { tenantId: string; config: BillingConfig; cycle?: string; now?: Date }): Promise<BillingStatus> {
  requireTenantId(input.tenantId);
  const cycle = input.cycle ?? cycleIdOf(input.now ?? new Date());
  return db.tenant(input.tenantId, async (tx) => {
    const account = await tx.query<{ plan_id: string; faq_only_reason: 'cost_spike' | 'admin' | null; faq_only_since: Date | null }>(
      `SELECT coalesce(a.plan_id, t.plan, 'free') AS plan_id, a.faq_only_reason, a.faq_only_since
         FROM tenants t LEFT JOIN billing_accounts a ON a.tenant_id = t.id WHERE t.id = $1`,
      [input.tenantId],
    );
    const row = account.rows[0];
    if (row === undefined) {
      throw new NotFoundError('Tenant not found', 'Không tìm thấy doanh nghiệp');
    }
    const plan = planById(input.config, row.plan_id); // an unknown plan id is a configuration error (400), never a silent downgrade
    const usage = await loadUsageMeters(tx, input.tenantId, cycle);
    const budget = await tx.query<{ spent_vnd: unknown; reserved_vnd: unknown }>(
      'SELECT spent_vnd, reserved_vnd FROM billing_cycle_usage WHERE tenant_id = $1 AND cycle = $2',
      [input.tenantId, cycle],
    );
    const faqOnly = row.faq_only_reason && row.faq_only_since ? { reason: row.faq_only_reason, since: row.faq_only_since } : null;
    return {
      tenantId: input.tenantId,
      cycle,
      plan,
      balanceVnd: (await walletBalance(tx, input.tenantId)).balanceVnd,
      budget: {
        capVnd: await capOf(tx, input.tenantId, input.config.defaultMonthlyCapVnd),
        spentVnd: toInt(budget.rows[0]?.spent_vnd),
        reservedVnd: toInt(budget.rows[0]?.reserved_vnd),
      },
      usage,
      gate: planGate(plan, usage.chats, faqOnly ?? undefined),
      faqOnly,
    };
  });
}

/**
 * The platform job (every few minutes): releases reservations left open longer than
 * `olderThanMinutes` (default 30) — a reply whose process died between `authorize` and
 * `record` must not hold the tenant's budget forever. Returns how many were released.
 */
export async function releaseStaleReservations(db: BillingDb, input: { olderThanMinutes?: number; now?: Date } = {}): Promise<number> {
  const cutoff = new Date((input.now ?? new Date()).getTime() - (input.olderThanMinutes ?? 30) * 60_000);
  const stale = await db.platform((tx) =>
    tx.query<{ id: string; tenant_id: string }>("SELECT id, tenant_id FROM billing_reservations WHERE status = 'open' AND created_at < $1 LIMIT 1000", [cutoff]),
  );
  let released = 0;
  for (const row of stale.rows) {
    // Same path as MeterV1.release (cycle row lock first), so it cannot race a concurrent record.
    const done = await db.tenant(row.tenant_id, async (tx) => {
      const found = await tx.query<{ cycle: string }>("SELECT cycle FROM billing_reservations WHERE id = $1 AND status = 'open'", [row.id]);
      const cycle = found.rows[0]?.cycle;
      if (cycle === undefined) return false;
      await tx.query('SELECT 1 FROM billing_cycle_usage WHERE tenant_id = $1 AND cycle = $2 FOR UPDATE', [row.tenant_id, cycle]);
      const updated = await tx.query<{ reserved_vnd: unknown }>(
        "UPDATE billing_reservations SET status = 'released', closed_at = now() WHERE id = $1 AND status = 'open' RETURNING reserved_vnd",
        [row.id],
      );
      const held = toInt(updated.rows[0]?.reserved_vnd);
      if (held > 0) await tx.query('UPDATE billing_cycle_usage SET reserved_vnd = reserved_vnd - $3 WHERE tenant_id = $1 AND cycle = $2', [row.tenant_id, cycle, held]);
      return updated.rowCount > 0;
    });
    if (done) released += 1;
  }
  return released;
}
