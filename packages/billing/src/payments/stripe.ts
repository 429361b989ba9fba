import { ProviderError, ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { hmacHex, verifyTimestampedSignature } from './signatures';

/** Stripe settings. */
export interface StripeConfig {
  /** Stripe secret API key. */
  readonly secretKey: string;
  /** Signing secret of the Stripe webhook endpoint (`Stripe-Signature`). */
  readonly webhookSecret: string;
  /** Default https://api.stripe.com (a fake server in tests). */
  readonly apiBase?: string;
  /** HTTP client (tests pass one pointed at a fake Stripe). */
  readonly fetch?: typeof fetch;
}

const sessionSchema = z.object({
  orderRef: z.string().min(1).max(200),
  amountVnd: z.number().int().min(10_000).max(99_999_999),
  productName: z.string().min(1).max(200),
  successUrl: z.string().url(),
  cancelUrl: z.string().url(),
  tenantId: z.string().min(1),
});

/**
 * Creates a Stripe Checkout Session (POST /v1/checkout/sessions, form-encoded) for a one-off
 * card payment in VND. VND is a zero-decimal currency in Stripe, so `unit_amount` is the VND
 * amount itself. `client_reference_id` carries our order reference back in the webhook.
 */
export async function createStripeCheckoutSession(
  config: StripeConfig,
  input: z.input<typeof sessionSchema>,
): Promise<{ id: string; url: string }> {
  const parsed = sessionSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('Invalid card payment request', 'Yêu cầu thanh toán thẻ không hợp lệ', {
      details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    });
  }
  const request = parsed.data;
  const form = new URLSearchParams({
    mode: 'payment',
    success_url: request.successUrl,
    cancel_url: request.cancelUrl,
    client_reference_id: request.orderRef,
    'line_items[0][quantity]': '1',
    'line_items[0][price_data][currency]': 'vnd',
    'line_items[0][price_data][unit_amount]': String(request.amountVnd),
    'line_items[0][price_data][product_data][name]': request.productName,
    'metadata[tenant_id]': request.tenantId,
    'metadata[order_ref]': request.orderRef,
  });
  const response = await (config.fetch ?? fetch)(`${(config.apiBase ?? 'https://api.stripe.com').replace(/\/$/, '')}/v1/checkout/sessions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${config.secretKey}`,
      'content-type': 'application/x-www-form-urlencoded',
      'idempotency-key': `checkout-${request.orderRef}`,
    },
    body: form.toString(),
  });
  const json = (await response.json().catch(() => ({}))) as { id?: string; url?: string; error?: { message?: string } };
  if (!response.ok || typeof json.id !== 'string' || typeof json.url !== 'string') {
    throw new ProviderError({
      provider: 'stripe',
      message: `Stripe refused the checkout session: ${json.error?.message ?? response.status}`,
      messageVi: 'Stripe từ chối tạo phiên thanh toán',
      upstreamStatus: response.status,
    });
  }
  return { id: json.id, url: json.url };
}

/** The parts of a Stripe event billing reads. */
export const stripeEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
/** See {@link stripeEventSchema}. */
export type StripeEvent = z.infer<typeof stripeEventSchema>;

/**
 * Verifies a `Stripe-Signature` header (`t=<unix>,v1=<hex>[,v1=…]`): HMAC-SHA256 of
 * `${t}.${rawBody}` with the endpoint secret must equal one `v1`, and `t` must be within
 * `toleranceSeconds` (default 300) of now. Returns the parsed event; throws `SignatureError` (401).
 */
export function verifyStripeWebhook(
  webhookSecret: string,
  rawBody: string,
  header: string | undefined,
  options: { toleranceSeconds?: number; now?: Date } = {},
): StripeEvent {
  verifyTimestampedSignature(webhookSecret, rawBody, header, options, 'Stripe');
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new ValidationError('Stripe event is not JSON', 'Sự kiện Stripe không phải JSON');
  }
  const parsed = stripeEventSchema.safeParse(json);
  if (!parsed.success) throw new ValidationError('Malformed Stripe event', 'Sự kiện Stripe sai định dạng');
  return parsed.data;
}

/** Signs a payload the way Stripe does (for tests and the signed bank-notification webhook). */
export function signStripeStyle(secret: string, rawBody: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmacHex('sha256', secret, `${t}.${rawBody}`)}`;
}
