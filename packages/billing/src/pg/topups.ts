import { SignatureError, ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { createMomoPayment, verifyMomoIpn, type MomoConfig } from '../payments/momo';
import { verifyTimestampedSignature } from '../payments/signatures';
import { createStripeCheckoutSession, verifyStripeWebhook, type StripeConfig } from '../payments/stripe';
import { buildVietQrPayload, findTransferMemo, generateTransferMemo, vietQrSvg, type VietQrAccount } from '../payments/vietqr';
import { createVnpayPaymentUrl, VNPAY_RSP, verifyVnpayQuery, type VnpayConfig, type VnpayIpnResponse } from '../payments/vnpay';
import type { BillingDb } from './db';
import { applyPaymentNotification, createPaymentOrder, type PaymentOutcome } from './payments';

/**
 * VietQR top-up: a pending order whose reference is a unique transfer memo, the EMVCo payload
 * and its QR (SVG). `billing topup --method vietqr --json` prints `payload`, `memo`, `amount`.
 */
export async function createVietQrTopUp(db: BillingDb, input: { tenantId: string; amountVnd: number; account: VietQrAccount }) {
  const memo = generateTransferMemo();
  const order = await createPaymentOrder(db, { tenantId: input.tenantId, method: 'vietqr', amountVnd: input.amountVnd, orderRef: memo });
  const payload = buildVietQrPayload({ account: input.account, amountVnd: order.amountVnd, memo });
  return {
    paymentId: order.paymentId,
    memo,
    amount: order.amountVnd,
    payload,
    qrSvg: await vietQrSvg(payload),
    account: { bankBin: input.account.bankBin, accountNumber: input.account.accountNumber, accountName: input.account.accountName },
  };
}

/** The signed bank-notification body (what the operator's bank or aggregator posts). */
export const bankNotificationSchema = z.object({
  transactionId: z.string().min(1).max(200),
  accountNumber: z.string().min(1),
  amount: z.number().int().positive(),
  currency: z.string().default('VND'),
  description: z.string(),
  /** 'in' credit to the operator's account; only those count. */
  direction: z.enum(['in', 'out']).default('in'),
});

/**
 * Handles a bank-transfer notification: header `X-Chatbot-Signature: t=<unix>,v1=<hex>` with
 * HMAC-SHA256 of `${t}.${rawBody}` (secret `CHATBOT_VIETQR_WEBHOOK_SECRET`, 5-minute window).
 * Forged or stale → {@link SignatureError} (401, nothing stored); otherwise the memo in the
 * description finds the order and the external-event step credits it once.
 */
export async function handleBankNotification(
  db: BillingDb,
  input: { secret: string; rawBody: string; signatureHeader: string | undefined; account: VietQrAccount; now?: Date },
): Promise<PaymentOutcome> {
  verifyTimestampedSignature(input.secret, input.rawBody, input.signatureHeader, { now: input.now }, 'bank notification');
  let json: unknown;
  try {
    json = JSON.parse(input.rawBody);
  } catch {
    throw new ValidationError('Bank notification is not JSON', 'Thông báo ngân hàng không phải JSON');
  }
  const parsed = bankNotificationSchema.safeParse(json);
  if (!parsed.success) throw new ValidationError('Malformed bank notification', 'Thông báo ngân hàng sai định dạng');
  const body = parsed.data;
  const memo = findTransferMemo(body.description);
  if (body.direction !== 'in' || body.accountNumber !== input.account.accountNumber || memo === undefined) {
    return { outcome: 'rejected', reason: 'order_not_found' };
  }
  return applyPaymentNotification(db, {
    method: 'vietqr',
    externalId: `bank:${body.transactionId}`,
    orderRef: memo,
    amountVnd: body.amount,
    currency: body.currency,
    succeeded: true,
    providerRef: body.transactionId,
    payload: body,
  });
}

/** A platform admin confirms a transfer seen on the bank statement (same once-only path). */
export async function confirmBankTransferByAdmin(
  db: BillingDb,
  input: { memo: string; amountVnd: number; adminUserId: string; bankTransactionId?: string },
): Promise<PaymentOutcome> {
  return applyPaymentNotification(db, {
    method: 'vietqr',
    externalId: `admin:${input.bankTransactionId ?? input.memo}`,
    orderRef: input.memo.trim().toUpperCase(),
    amountVnd: input.amountVnd,
    currency: 'VND',
    succeeded: true,
    providerRef: input.bankTransactionId,
    payload: { confirmedBy: input.adminUserId, bankTransactionId: input.bankTransactionId ?? null },
    confirmedBy: input.adminUserId,
  });
}

/** VNPay top-up: a pending order and the signed payment URL to redirect the tenant to. */
export async function createVnpayTopUp(
  db: BillingDb,
  config: VnpayConfig,
  input: { tenantId: string; amountVnd: number; returnUrl: string; ipAddr: string; now?: Date },
) {
  const order = await createPaymentOrder(db, { tenantId: input.tenantId, method: 'vnpay', amountVnd: input.amountVnd });
  const paymentUrl = createVnpayPaymentUrl(config, {
    txnRef: order.orderRef,
    amountVnd: order.amountVnd,
    orderInfo: `Nap tien tai khoan ${order.orderRef}`,
    returnUrl: input.returnUrl,
    ipAddr: input.ipAddr,
    createdAt: input.now,
  });
  return { paymentId: order.paymentId, txnRef: order.orderRef, amount: order.amountVnd, paymentUrl };
}

/**
 * The VNPay IPN handler (GET with the signed query): always answers one of VNPay's codes —
 * 97 bad checksum, 01 unknown order, 04 wrong amount, 02 already confirmed (also a replay),
 * 00 processed (paid or failed), 99 anything else. Reply with it as JSON, HTTP 200.
 */
export async function handleVnpayIpn(db: BillingDb, config: VnpayConfig, query: URLSearchParams | Record<string, string>): Promise<VnpayIpnResponse> {
  let result;
  try {
    result = verifyVnpayQuery(config, query);
  } catch (error) {
    return error instanceof SignatureError ? VNPAY_RSP.invalidChecksum : VNPAY_RSP.unknown;
  }
  try {
    const outcome = await applyPaymentNotification(db, {
      method: 'vnpay',
      externalId: `${result.txnRef}:${result.transactionNo}:${result.responseCode}`,
      orderRef: result.txnRef,
      amountVnd: result.amountVnd,
      currency: 'VND',
      succeeded: result.succeeded,
      providerRef: result.transactionNo,
      payload: result.params,
    });
    if (outcome.outcome === 'credited' || outcome.outcome === 'failed') return VNPAY_RSP.success;
    if (outcome.outcome === 'duplicate' || outcome.outcome === 'already_confirmed') return VNPAY_RSP.alreadyConfirmed;
    if (outcome.outcome === 'rejected' && outcome.reason === 'order_not_found') return VNPAY_RSP.orderNotFound;
    if (outcome.outcome === 'rejected') return VNPAY_RSP.invalidAmount; // amount or currency
    return VNPAY_RSP.unknown;
  } catch {
    return VNPAY_RSP.unknown;
  }
}

/** MoMo top-up: a pending order, then MoMo's create API; redirect the tenant to `payUrl`. */
export async function createMomoTopUp(
  db: BillingDb,
  config: MomoConfig,
  input: { tenantId: string; amountVnd: number; redirectUrl: string; ipnUrl: string },
) {
  const order = await createPaymentOrder(db, { tenantId: input.tenantId, method: 'momo', amountVnd: input.amountVnd });
  const created = await createMomoPayment(config, {
    orderId: order.orderRef,
    requestId: order.paymentId,
    amountVnd: order.amountVnd,
    orderInfo: `Nạp tiền tài khoản ${order.orderRef}`,
    redirectUrl: input.redirectUrl,
    ipnUrl: input.ipnUrl,
  });
  return { paymentId: order.paymentId, orderId: order.orderRef, amount: order.amountVnd, payUrl: created.payUrl };
}

/** The MoMo IPN handler: forged → {@link SignatureError} (401); otherwise reply HTTP 204. */
export async function handleMomoIpn(db: BillingDb, config: MomoConfig, body: unknown): Promise<PaymentOutcome> {
  const { ipn, succeeded } = verifyMomoIpn(config, body);
  return applyPaymentNotification(db, {
    method: 'momo',
    externalId: String(ipn.transId),
    orderRef: ipn.orderId,
    amountVnd: ipn.amount,
    currency: 'VND',
    succeeded,
    providerRef: String(ipn.transId),
    payload: ipn,
  });
}

/** Stripe top-up (international cards): a pending order and a Checkout Session; redirect to `url`. */
export async function createStripeTopUp(
  db: BillingDb,
  config: StripeConfig,
  input: { tenantId: string; amountVnd: number; successUrl: string; cancelUrl: string },
) {
  const order = await createPaymentOrder(db, { tenantId: input.tenantId, method: 'stripe', amountVnd: input.amountVnd });
  const session = await createStripeCheckoutSession(config, {
    orderRef: order.orderRef,
    amountVnd: order.amountVnd,
    productName: 'Nạp tiền tài khoản chatbot / Chatbot credit top-up',
    successUrl: input.successUrl,
    cancelUrl: input.cancelUrl,
    tenantId: input.tenantId,
  });
  return { paymentId: order.paymentId, orderRef: order.orderRef, amount: order.amountVnd, sessionId: session.id, url: session.url };
}

/**
 * The Stripe webhook handler: verifies `Stripe-Signature` (forged/stale → 401), then credits
 * `checkout.session.completed` (paid) and `checkout.session.async_payment_succeeded` once.
 * Other event types → `ignored`. Reply 200 for any non-throwing outcome.
 */
export async function handleStripeWebhook(
  db: BillingDb,
  config: StripeConfig,
  input: { rawBody: string; signatureHeader: string | undefined; now?: Date },
): Promise<PaymentOutcome | { readonly outcome: 'ignored' }> {
  const event = verifyStripeWebhook(config.webhookSecret, input.rawBody, input.signatureHeader, { now: input.now });
  if (event.type !== 'checkout.session.completed' && event.type !== 'checkout.session.async_payment_succeeded') return { outcome: 'ignored' };
  const session = event.data.object;
  const orderRef = typeof session.client_reference_id === 'string' ? session.client_reference_id : '';
  const amount = typeof session.amount_total === 'number' ? session.amount_total : Number.NaN;
  const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
  if (event.type === 'checkout.session.completed' && !paid) return { outcome: 'ignored' }; // async methods settle later
  return applyPaymentNotification(db, {
    method: 'stripe',
    externalId: event.id,
    orderRef,
    amountVnd: amount,
    currency: typeof session.currency === 'string' ? session.currency : '',
    succeeded: true,
    providerRef: typeof session.id === 'string' ? session.id : undefined,
    payload: event,
  });
}
