import { randomBytes } from 'node:crypto';
import { NotFoundError, ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { type BillingDb, requireUuid, toInt } from './db';
import { appendLedgerEntry } from './ledger';

/** Payment gateways. */
export type PaymentMethod = 'vietqr' | 'vnpay' | 'momo' | 'stripe';

/** Top-up amounts accepted (integer VND). */
export const topUpAmountSchema = z.number().int().min(10_000).max(500_000_000);

/** Creates a pending top-up order; `orderRef` is what the gateway echoes back. */
export async function createPaymentOrder(
  db: BillingDb,
  input: { tenantId: string; method: PaymentMethod; amountVnd: number; orderRef?: string },
): Promise<{ paymentId: string; orderRef: string; amountVnd: number }> {
  requireUuid(input.tenantId, 'tenantId');
  const amount = topUpAmountSchema.safeParse(input.amountVnd);
  if (!amount.success) {
    throw new ValidationError('Top-up amount must be a whole VND amount from 10,000 to 500,000,000', 'Số tiền nạp phải là số nguyên từ 10.000 đến 500.000.000 đồng', {
      details: { amountVnd: input.amountVnd },
    });
  }
  const orderRef = input.orderRef ?? `TOP${Date.now().toString(36).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`;
  const { rows } = await db.tenant(input.tenantId, (tx) =>
    tx.query<{ id: string }>('INSERT INTO billing_payments (tenant_id, method, order_ref, amount_vnd) VALUES ($1, $2, $3, $4) RETURNING id', [
      input.tenantId,
      input.method,
      orderRef,
      amount.data,
    ]),
  );
  return { paymentId: rows[0]!.id, orderRef, amountVnd: amount.data };
}

/** A verified gateway notification, normalised. */
export interface PaymentNotification {
  /** Payment method. */
  readonly method: PaymentMethod;
  /** The gateway's unique id for this notification/transaction (recorded once per method). */
  readonly externalId: string;
  /** Our order reference. */
  readonly orderRef: string;
  /** Amount the gateway reports. */
  readonly amountVnd: number;
  /** Currency the gateway reports (must be VND). */
  readonly currency: string;
  /** Whether the gateway reports success. */
  readonly succeeded: boolean;
  /** The gateway's transaction id. */
  readonly providerRef?: string;
  /** The verified notification, kept for audit. */
  readonly payload: unknown;
  /** Platform admin confirming a bank transfer by hand. */
  readonly confirmedBy?: string;
}

/** What a notification did. Only `credited` changes the wallet. */
export type PaymentOutcome =
  | { readonly outcome: 'credited'; readonly paymentId: string; readonly tenantId: string; readonly amountVnd: number }
  | { readonly outcome: 'duplicate' | 'already_confirmed' | 'failed'; readonly paymentId?: string }
  | { readonly outcome: 'rejected'; readonly reason: 'order_not_found' | 'amount_mismatch' | 'currency_mismatch' };

interface PaymentRow {
  id: string;
  tenant_id: string;
  amount_vnd: unknown;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
}

/**
 * The external-event step every payment notification goes through, in one platform transaction:
 * finds the order (row-locked), records the event once in `external_events` (unique on source +
 * external id; a replay returns `duplicate`), rejects a wrong amount or currency (recorded with the
 * error, nothing credited), and on success marks the order paid and appends one `topup` ledger
 * entry with idempotency key `payment:<order id>` — so no path can credit an order twice.
 * Call it only with a notification whose signature was verified.
 */
export async function applyPaymentNotification(db: BillingDb, notification: PaymentNotification): Promise<PaymentOutcome> {
  return db.platform(async (tx): Promise<PaymentOutcome> => {
    const found = await tx.query<PaymentRow>(
      'SELECT id, tenant_id, amount_vnd, currency, status FROM billing_payments WHERE method = $1 AND order_ref = $2 FOR UPDATE',
      [notification.method, notification.orderRef],
    );
    const payment = found.rows[0];
    if (payment === undefined) return { outcome: 'rejected', reason: 'order_not_found' };
    const recorded = await tx.query<{ id: string }>(
      `INSERT INTO external_events (tenant_id, source, external_id, payload) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source, external_id) DO NOTHING RETURNING id`,
      [payment.tenant_id, `payment:${notification.method}`, notification.externalId, JSON.stringify(notification.payload ?? null)],
    );
    const eventId = recorded.rows[0]?.id;
    if (eventId === undefined) return { outcome: 'duplicate', paymentId: payment.id };
    const finish = async (error: string | null) =>
      tx.query('UPDATE external_events SET processed_at = now(), error = $2 WHERE id = $1', [eventId, error]);
    if (notification.currency.toUpperCase() !== payment.currency.toUpperCase()) {
      await finish('currency_mismatch');
      return { outcome: 'rejected', reason: 'currency_mismatch' };
    }
    if (notification.amountVnd !== toInt(payment.amount_vnd)) {
      await finish('amount_mismatch');
      return { outcome: 'rejected', reason: 'amount_mismatch' };
    }
    if (payment.status === 'succeeded') {
      await finish('already_confirmed');
      return { outcome: 'already_confirmed', paymentId: payment.id };
    }
    if (!notification.succeeded) {
      await tx.query("UPDATE billing_payments SET status = 'failed', provider_ref = $2 WHERE id = $1", [payment.id, notification.providerRef ?? null]);
      await finish(null);
      return { outcome: 'failed', paymentId: payment.id };
    }
    await tx.query("UPDATE billing_payments SET status = 'succeeded', paid_at = now(), provider_ref = $2, confirmed_by = $3 WHERE id = $1", [
      payment.id,
      notification.providerRef ?? notification.externalId,
      notification.confirmedBy ?? null,
    ]);
    const amountVnd = toInt(payment.amount_vnd);
    await appendLedgerEntry(tx, {
      tenantId: payment.tenant_id,
      kind: 'topup',
      amountVnd,
      idempotencyKey: `payment:${payment.id}`,
      reference: `${notification.method}:${notification.externalId}`,
      description: `Nạp tiền qua ${notification.method}`,
      createdBy: notification.confirmedBy,
    });
    await finish(null);
    return { outcome: 'credited', paymentId: payment.id, tenantId: payment.tenant_id, amountVnd };
  });
}

/** A payment order's current state (for the return page and the dashboard). Reads one payment order of a tenant (404 when absent). */
export async function getPayment(db: BillingDb, tenantId: string, paymentId: string) {
  requireUuid(tenantId, 'tenantId');
  requireUuid(paymentId, 'paymentId');
  const { rows } = await db.tenant(tenantId, (tx) =>
    tx.query<{ id: string; method: PaymentMethod; order_ref: string; amount_vnd: unknown; status: string; paid_at: Date | null }>(
      'SELECT id, method, order_ref, amount_vnd, status, paid_at FROM billing_payments WHERE id = $1',
      [paymentId],
    ),
  );
  const row = rows[0];
  if (row === undefined) throw new NotFoundError('Payment not found', 'Không tìm thấy giao dịch');
  return { id: row.id, method: row.method, orderRef: row.order_ref, amountVnd: toInt(row.amount_vnd), status: row.status, paidAt: row.paid_at };
}
