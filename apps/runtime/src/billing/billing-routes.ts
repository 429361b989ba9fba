/**
 * Tenant-admin billing API: status (plan, usage against quota this cycle, credit balance, budget,
 * alerts), ledger, alerts, invoices and top-ups (VietQR / VNPay / MoMo / Stripe). Every handler
 * works inside the caller's own tenant, so another tenant's ids answer 404.
 */
import { ValidationError, NotFoundError } from '@agent-chatbot/core';
import { vietQrPngDataUrl } from '@agent-chatbot/billing';
import {
  acknowledgeAlert,
  createMomoTopUp,
  createStripeTopUp,
  createVietQrTopUp,
  createVnpayTopUp,
  getBillingStatus,
  listAlerts,
  listInvoices,
  listLedgerEntries,
} from '@agent-chatbot/billing/pg';
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import { defineRoute, type Route } from '../http/route';
import { billingOf, type BillingRuntime } from './billing-service';
import { alertJson, invoiceJson, ledgerJson, statusJson } from './billing-json';

const TAGS = ['billing'] as const;
const anyJson = z.record(z.string(), z.unknown());

function notConfigured(method: string): ValidationError {
  return new ValidationError(`Payment method ${method} is not configured on this server`, `Máy chủ chưa cấu hình phương thức thanh toán ${method}`, {
    details: { method, reason: 'payment_method_not_configured' },
  });
}

const topUpBody = z
  .object({
    method: z.enum(['vietqr', 'vnpay', 'momo', 'stripe']),
    amount_vnd: z.number().int().min(10_000).max(500_000_000),
    /** Where the gateway sends the tenant back (VNPay / MoMo / Stripe); default the dashboard. */
    return_url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

/** The tenant billing routes of one runtime. */
export function billingRoutes(runtime: BillingRuntime): readonly Route[] {
  const state = () => billingOf(runtime);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/tenant/billing',
      summary: 'Tình trạng thanh toán · Billing status',
      description: 'Gói, mức dùng trong kỳ so với hạn mức, số dư tín dụng, ngân sách và cảnh báo · Plan, usage against quota, credit balance, budget and alerts.',
      tags: TAGS,
      access: 'tenant-admin',
      responses: { 200: { description: 'OK', schema: anyJson } },
      handler: async ({ caller }) => {
        const status = await getBillingStatus(runtime.db, { tenantId: caller.tenantId, config: state().config });
        const alerts = await listAlerts(runtime.db, caller.tenantId, { unacknowledged: true, limit: 20 });
        return { status: 200, body: { ...statusJson(status), alerts: alerts.map(alertJson) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/billing/ledger',
      summary: 'Sổ cái ví · Wallet ledger',
      tags: TAGS,
      access: 'tenant-admin',
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      responses: { 200: { description: 'OK', schema: anyJson } },
      handler: async ({ caller, query }) => {
        const entries = await listLedgerEntries(runtime.db, caller.tenantId, query.limit);
        return { status: 200, body: { items: entries.map(ledgerJson) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/billing/alerts',
      summary: 'Cảnh báo ngân sách và chi phí · Budget and cost alerts',
      tags: TAGS,
      access: 'tenant-admin',
      query: z.object({ unacknowledged: z.enum(['true', 'false']).default('false') }),
      responses: { 200: { description: 'OK', schema: anyJson } },
      handler: async ({ caller, query }) => {
        const alerts = await listAlerts(runtime.db, caller.tenantId, { unacknowledged: query.unacknowledged === 'true' });
        return { status: 200, body: { items: alerts.map(alertJson) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/billing/alerts/:id/acknowledge',
      summary: 'Đánh dấu đã xem cảnh báo · Acknowledge an alert',
      tags: TAGS,
      access: 'tenant-admin',
      params: z.object({ id: uuidSchema }),
      responses: { 204: { description: 'Đã xem · Acknowledged' } },
      handler: async ({ caller, params }) => {
        if (!(await acknowledgeAlert(runtime.db, caller.tenantId, params.id))) {
          throw new NotFoundError('Alert not found or already acknowledged', 'Không tìm thấy cảnh báo hoặc đã đánh dấu xem');
        }
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/billing/invoices',
      summary: 'Hóa đơn hàng tháng · Monthly invoices',
      description: 'Tải PDF: `GET /v1/tenant/billing/invoices/{id}/pdf` · Download the PDF at that path.',
      tags: TAGS,
      access: 'tenant-admin',
      responses: { 200: { description: 'OK', schema: anyJson } },
      handler: async ({ caller }) => {
        const invoices = await listInvoices(runtime.db, caller.tenantId);
        return { status: 200, body: { items: invoices.map(invoiceJson) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/billing/topups',
      summary: 'Nạp tiền (VietQR, VNPay, MoMo, Stripe) · Top up credits',
      description:
        'VietQR: trả `payload` (chuỗi EMVCo), `memo` (nội dung chuyển khoản), ảnh QR SVG và PNG. VNPay/MoMo/Stripe: trả URL thanh toán · ' +
        'VietQR returns the EMVCo payload, the transfer memo and the QR (SVG, PNG data URL); the gateways return a payment URL.',
      tags: TAGS,
      access: 'tenant-admin',
      body: topUpBody,
      responses: { 201: { description: 'Đã tạo lệnh nạp · Top-up created', schema: anyJson } },
      handler: async ({ caller, body, req }) => {
        const settings = state().settings;
        const tenantId = caller.tenantId;
        const returnUrl = body.return_url ?? `${runtime.config.publicUrl}/#/billing`;
        if (body.method === 'vietqr') {
          if (!settings?.vietQr) throw notConfigured('vietqr');
          const topUp = await createVietQrTopUp(runtime.db, { tenantId, amountVnd: body.amount_vnd, account: settings.vietQr });
          return {
            status: 201,
            body: {
              method: 'vietqr',
              payment_id: topUp.paymentId,
              amount_vnd: topUp.amount,
              memo: topUp.memo,
              payload: topUp.payload,
              qr_svg: topUp.qrSvg,
              qr_png_data_url: await vietQrPngDataUrl(topUp.payload),
              account: { bank_bin: topUp.account.bankBin, account_number: topUp.account.accountNumber, account_name: topUp.account.accountName ?? null },
            },
          };
        }
        if (body.method === 'vnpay') {
          if (!settings?.vnpay) throw notConfigured('vnpay');
          const topUp = await createVnpayTopUp(runtime.db, settings.vnpay, { tenantId, amountVnd: body.amount_vnd, returnUrl, ipAddr: req.ip ?? '127.0.0.1' });
          return { status: 201, body: { method: 'vnpay', payment_id: topUp.paymentId, amount_vnd: topUp.amount, order_ref: topUp.txnRef, payment_url: topUp.paymentUrl } };
        }
        if (body.method === 'momo') {
          if (!settings?.momo) throw notConfigured('momo');
          const topUp = await createMomoTopUp(runtime.db, settings.momo, {
            tenantId,
            amountVnd: body.amount_vnd,
            redirectUrl: returnUrl,
            ipnUrl: `${runtime.config.publicUrl}/webhooks/payments/momo/ipn`,
          });
          return { status: 201, body: { method: 'momo', payment_id: topUp.paymentId, amount_vnd: topUp.amount, order_ref: topUp.orderId, payment_url: topUp.payUrl } };
        }
        if (!settings?.stripe) throw notConfigured('stripe');
        const topUp = await createStripeTopUp(runtime.db, settings.stripe, { tenantId, amountVnd: body.amount_vnd, successUrl: returnUrl, cancelUrl: returnUrl });
        return { status: 201, body: { method: 'stripe', payment_id: topUp.paymentId, amount_vnd: topUp.amount, order_ref: topUp.orderRef, payment_url: topUp.url } };
      },
    }),
  ];
}
