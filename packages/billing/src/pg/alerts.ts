import { type BillingDb, type BillingTx, requireUuid } from './db';

/** An alert for the runtime to email and show in the dashboard (fires once per dedupe key). */
export interface BillingAlert {
  /** The tenant the alert is about. */
  readonly tenantId: string;
  /** Budget threshold or cost spike. */
  readonly kind: 'budget' | 'cost_spike';
  /** Raises the alert once per key (e.g. `budget:2026-11:80`). */
  readonly dedupeKey: string;
  /** Figures behind the alert. */
  readonly details: Record<string, unknown>;
  /** The alert in English. */
  readonly message: string;
  /** The alert in Vietnamese. */
  readonly messageVi: string;
}

/** Which thresholds (percent) `spentVnd` has reached against `capVnd`, compared in integers. */
export function reachedThresholds(spentVnd: number, capVnd: number, thresholdsPercent: readonly number[]): number[] {
  if (capVnd <= 0) return [];
  return thresholdsPercent.filter((percent) => spentVnd * 100 >= capVnd * percent);
}

/** Builds the budget alert for one threshold (pure; also used by the in-memory path). */
export function budgetAlert(input: { tenantId: string; cycle: string; percent: number; spentVnd: number; capVnd: number }): BillingAlert {
  const { tenantId, cycle, percent, spentVnd, capVnd } = input;
  const reached = percent >= 100;
  return {
    tenantId,
    kind: 'budget',
    dedupeKey: `budget:${cycle}:${percent}`,
    details: { cycle, percent, spentVnd, capVnd },
    messageVi: reached
      ? `Đã dùng hết hạn mức chi phí tháng ${cycle}: trợ lý tạm ngừng gọi mô hình trả phí.`
      : `Đã dùng ${percent}% hạn mức chi phí tháng ${cycle}.`,
    message: reached ? `The ${cycle} budget cap is used up: paid model calls are paused.` : `${percent}% of the ${cycle} budget is used.`,
  };
}

/** Stores alerts for newly reached thresholds; returns only those stored now (once per cycle and threshold). */
export async function insertBudgetAlerts(
  tx: BillingTx,
  input: { tenantId: string; cycle: string; spentVnd: number; capVnd: number; thresholdsPercent: readonly number[] },
): Promise<BillingAlert[]> {
  const fired: BillingAlert[] = [];
  for (const percent of reachedThresholds(input.spentVnd, input.capVnd, input.thresholdsPercent)) {
    const alert = budgetAlert({ ...input, percent });
    if (await insertAlert(tx, alert)) fired.push(alert);
  }
  return fired;
}

/** Inserts an alert unless its dedupe key exists; `true` when it is new. */
export async function insertAlert(tx: BillingTx, alert: BillingAlert): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO billing_alerts (tenant_id, kind, dedupe_key, details) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`,
    [alert.tenantId, alert.kind, alert.dedupeKey, JSON.stringify({ ...alert.details, message: alert.message, messageVi: alert.messageVi })],
  );
  return rowCount > 0;
}

/** A stored alert, for the dashboard. */
export interface StoredBillingAlert {
  /** Alert id. */
  readonly id: string;
  /** Budget threshold or cost spike. */
  readonly kind: 'budget' | 'cost_spike';
  /** The key that raised it once. */
  readonly dedupeKey: string;
  /** Figures behind the alert. */
  readonly details: Record<string, unknown>;
  /** When it was raised. */
  readonly createdAt: Date;
  /** When someone acknowledged it, or `null`. */
  readonly acknowledgedAt: Date | null;
}

/** A tenant's alerts, newest first (default 50; unacknowledged only with `unacknowledged`). */
export async function listAlerts(db: BillingDb, tenantId: string, options: { limit?: number; unacknowledged?: boolean } = {}): Promise<StoredBillingAlert[]> {
  requireUuid(tenantId, 'tenantId');
  const { rows } = await db.tenant(tenantId, (tx) =>
    tx.query<{ id: string; kind: 'budget' | 'cost_spike'; dedupe_key: string; details: Record<string, unknown>; created_at: Date; acknowledged_at: Date | null }>(
      `SELECT id, kind, dedupe_key, details, created_at, acknowledged_at FROM billing_alerts
       WHERE tenant_id = $1 AND ($2::boolean IS NOT TRUE OR acknowledged_at IS NULL) ORDER BY created_at DESC LIMIT $3`,
      [tenantId, options.unacknowledged === true, Math.min(Math.max(1, Math.trunc(options.limit ?? 50)), 500)],
    ),
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    dedupeKey: row.dedupe_key,
    details: row.details,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
  }));
}

/** Marks an alert as seen in the dashboard; `false` when it does not exist or was already seen. */
export async function acknowledgeAlert(db: BillingDb, tenantId: string, alertId: string): Promise<boolean> {
  requireUuid(tenantId, 'tenantId');
  requireUuid(alertId, 'alertId');
  const { rowCount } = await db.tenant(tenantId, (tx) =>
    tx.query('UPDATE billing_alerts SET acknowledged_at = now() WHERE id = $1 AND acknowledged_at IS NULL', [alertId]),
  );
  return rowCount > 0;
}
