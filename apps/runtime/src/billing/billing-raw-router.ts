/**
 * The billing routes that must see the request before JSON parsing: payment webhooks (the raw
 * bytes are what the gateways sign), the invoice PDF download (binary answer) and the per-tenant
 * API rate limit (it must run before every `/v1/` route). Each notification goes through the
 * package's external-event step: verified, recorded once, so a forged or replayed one changes
 * nothing (forged → 401, replay → `duplicate`).
 */
import express, { Router, type Request } from 'express';
import { NotFoundError, ValidationError } from '@agent-chatbot/core';
import { VNPAY_RSP } from '@agent-chatbot/billing';
import { handleBankNotification, handleMomoIpn, handleStripeWebhook, handleVnpayIpn, listInvoices } from '@agent-chatbot/billing/pg';
import { renderInvoicePdf } from '@agent-chatbot/billing/pdf';
import { checkAccess } from '../auth/require-role';
import { resolveCaller } from '../auth/resolve-caller';
import { createTokenService } from '../auth/tokens';
import { defaultAppOptions, type AppContext, type AppRuntime } from '../http/context';
import { billingOf, forgetBillingCache, type BillingRuntime } from './billing-service';
import { tenantApiRateLimit } from './rate-limits';

/** What the raw router needs: the billing slice plus what the one door needs. */
export type BillingRawRuntime = BillingRuntime & AppRuntime;

const raw = express.raw({ type: () => true, limit: '256kb' });
const bodyText = (req: Request): string => (Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');

function notConfigured(what: string): NotFoundError {
  return new NotFoundError(`${what} is not configured on this server`, `Máy chủ chưa cấu hình ${what}`);
}

/** Renders one of the tenant's invoices as a Vietnamese PDF (404 for another tenant's id). */
export async function invoicePdf(runtime: BillingRuntime, tenantId: string, invoiceId: string): Promise<{ filename: string; pdf: Buffer }> {
  const invoice = (await listInvoices(runtime.db, tenantId)).find((candidate) => candidate.id === invoiceId);
  if (!invoice) throw new NotFoundError('Invoice not found', 'Không tìm thấy hóa đơn');
  const tenant = await runtime.db.tenant(tenantId, (tx) => tx.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [tenantId]));
  const seller = billingOf(runtime).settings?.vietQr?.accountName ?? 'agent-chatbot';
  const pdf = await renderInvoicePdf(invoice, { seller: { name: seller }, buyer: { name: tenant.rows[0]?.name ?? tenantId } });
  return { filename: `${invoice.number}.pdf`, pdf };
}

/** Builds the billing raw router of one runtime. */
export function billingRawRouter(runtime: BillingRawRuntime): Router {
  const router = Router();
  // Before any /v1/ route: the tenant's API-key bucket or the person's session bucket (429 + Retry-After when empty).
  router.use(tenantApiRateLimit(runtime));

  const door: AppContext = {
    runtime,
    options: defaultAppOptions,
    tokens: createTokenService({ secret: runtime.config.jwtSecret, accessTtlSeconds: defaultAppOptions.accessTtlSeconds }),
    get mailer() {
      return billingOf(runtime).mailer;
    },
  };

  router.get('/v1/tenant/billing/invoices/:id/pdf', async (req, res) => {
    const caller = await resolveCaller(req, door);
    checkAccess(caller, 'tenant-admin', false);
    const tenantId = caller?.tenantId;
    if (!tenantId) throw new NotFoundError('Invoice not found', 'Không tìm thấy hóa đơn');
    const id = String(req.params['id'] ?? '');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw new ValidationError('id must be a UUID', 'id phải là UUID', { details: { field: 'id' } });
    }
    const { filename, pdf } = await invoicePdf(runtime, tenantId, id);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.status(200).end(pdf);
  });

  router.post('/webhooks/payments/bank', raw, async (req, res) => {
    const settings = billingOf(runtime).settings;
    if (!settings?.vietQr || !settings.bankWebhookSecret) throw notConfigured('bank notifications');
    const outcome = await handleBankNotification(runtime.db, {
      secret: settings.bankWebhookSecret,
      rawBody: bodyText(req),
      signatureHeader: req.get('x-chatbot-signature'),
      account: settings.vietQr,
    });
    if (outcome.outcome === 'credited') forgetBillingCache(runtime, outcome.tenantId);
    res.status(200).json(outcome);
  });

  // VNPay calls the IPN with GET (query); POST (form or query) is accepted too. Always HTTP 200
  // with JSON { RspCode, Message }: VNPay retries on anything else.
  const vnpayIpn = async (req: Request, res: express.Response) => {
    const vnpay = billingOf(runtime).settings?.vnpay;
    if (!vnpay) {
      res.status(200).json(VNPAY_RSP.unknown);
      return;
    }
    const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    if (req.method === 'POST') for (const [key, value] of new URLSearchParams(bodyText(req))) if (!params.has(key)) params.set(key, value);
    res.status(200).json(await handleVnpayIpn(runtime.db, vnpay, params));
  };
  router.get('/webhooks/payments/vnpay/ipn', vnpayIpn);
  router.post('/webhooks/payments/vnpay/ipn', raw, vnpayIpn);

  router.post('/webhooks/payments/momo/ipn', raw, async (req, res) => {
    const momo = billingOf(runtime).settings?.momo;
    if (!momo) throw notConfigured('MoMo');
    let body: unknown;
    try {
      body = JSON.parse(bodyText(req));
    } catch {
      throw new ValidationError('MoMo IPN is not JSON', 'Thông báo MoMo không phải JSON');
    }
    const outcome = await handleMomoIpn(runtime.db, momo, body);
    if (outcome.outcome === 'credited') forgetBillingCache(runtime, outcome.tenantId);
    res.status(204).end();
  });

  router.post('/webhooks/payments/stripe', raw, async (req, res) => {
    const stripe = billingOf(runtime).settings?.stripe;
    if (!stripe) throw notConfigured('Stripe');
    const outcome = await handleStripeWebhook(runtime.db, stripe, { rawBody: bodyText(req), signatureHeader: req.get('stripe-signature') });
    if (outcome.outcome === 'credited') forgetBillingCache(runtime, outcome.tenantId);
    res.status(200).json({ received: true, outcome: outcome.outcome });
  });
  return router;
}
