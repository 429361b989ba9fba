import type { BillingTx } from './db';

/** An alert for the runtime to email and show in the dashboard (fires once per dedupe key). */
export interface BillingAlert {
  readonly tenantId: string;
  readonly kind: 'budget' | 'cost_spike';
  readonly dedupeKey: string;
  readonly details: Record<string, unknown>;
  readonly message: string;
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
