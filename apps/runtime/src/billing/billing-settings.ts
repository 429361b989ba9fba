/**
 * Billing settings from the environment: the operator's VietQR account, the bank-notification
 * secret, VNPay / MoMo / Stripe credentials with their base URLs (tests point them at fake
 * gateways), the platform admin's billing configuration file and the default monthly cap.
 * Every gateway is optional: an unconfigured one answers 400 "not configured", never a crash.
 */
import { readFileSync } from 'node:fs';
import { ValidationError, type TokenBucketV1 } from '@agent-chatbot/core';
import {
  DEFAULT_BILLING_CONFIG,
  parseBillingConfig,
  vietQrAccountSchema,
  type BillingConfig,
  type MomoConfig,
  type StripeConfig,
  type VietQrAccount,
  type VnpayConfig,
} from '@agent-chatbot/billing';
import { z } from 'zod';

/** The runtime's billing settings (see the file header); `config.billing`. */
export interface BillingSettings {
  /** `CHATBOT_VIETQR_BANK_BIN`, `CHATBOT_VIETQR_ACCOUNT_NUMBER`, `CHATBOT_VIETQR_ACCOUNT_NAME`. */
  readonly vietQr?: VietQrAccount;
  /** `CHATBOT_VIETQR_WEBHOOK_SECRET`: HMAC secret of `POST /webhooks/payments/bank`. */
  readonly bankWebhookSecret?: string;
  /** `CHATBOT_VNPAY_TMN_CODE`, `CHATBOT_VNPAY_HASH_SECRET`, `CHATBOT_VNPAY_PAYMENT_URL`. */
  readonly vnpay?: VnpayConfig;
  /** `CHATBOT_MOMO_PARTNER_CODE`, `CHATBOT_MOMO_ACCESS_KEY`, `CHATBOT_MOMO_SECRET_KEY`, `CHATBOT_MOMO_ENDPOINT`. */
  readonly momo?: MomoConfig;
  /** `CHATBOT_STRIPE_SECRET_KEY`, `CHATBOT_STRIPE_WEBHOOK_SECRET`, `CHATBOT_STRIPE_API_BASE`. */
  readonly stripe?: StripeConfig;
  /** `CHATBOT_BILLING_CONFIG`: path of the plans/prices JSON (absent → the package defaults). */
  readonly configPath?: string;
  /** `CHATBOT_BILLING_DEFAULT_MONTHLY_CAP_VND`: overrides the config's `defaultMonthlyCapVnd`. */
  readonly defaultMonthlyCapVnd?: number;
  /** `CHATBOT_BILLING_SPIKE_MULTIPLE` (default 5) and `CHATBOT_BILLING_SPIKE_PLATFORM_THRESHOLD_VND` (default 2,000,000). */
  readonly costSpike: { readonly multiple: number; readonly platformThresholdVnd: number };
  /**
   * The bucket of each signed-in person (dashboard session tokens), separate from the plan's
   * per-tenant API bucket (API keys): `CHATBOT_SESSION_RATE_CAPACITY` (default 600 requests) and
   * `CHATBOT_SESSION_RATE_PER_SECOND` (default 10 back per second). Absent → those defaults.
   */
  readonly sessionRateLimit?: TokenBucketV1;
}

/** The default bucket of one signed-in person: 600 requests, then 10 per second. */
export const DEFAULT_SESSION_RATE_LIMIT: TokenBucketV1 = { capacity: 600, refillPerSecond: 10 };

const text = z.string().trim().min(1);
const url = z.url({ protocol: /^https?$/ });
const envSchema = z.object({
  CHATBOT_VIETQR_BANK_BIN: text.optional(),
  CHATBOT_VIETQR_ACCOUNT_NUMBER: text.optional(),
  CHATBOT_VIETQR_ACCOUNT_NAME: text.optional(),
  CHATBOT_VIETQR_WEBHOOK_SECRET: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  CHATBOT_VNPAY_TMN_CODE: text.optional(),
  CHATBOT_VNPAY_HASH_SECRET: text.optional(),
  CHATBOT_VNPAY_PAYMENT_URL: url.default('https://sandbox.vnpayment.vn/paymentv2/vpcpay.html'),
  CHATBOT_MOMO_PARTNER_CODE: text.optional(),
  CHATBOT_MOMO_ACCESS_KEY: text.optional(),
  CHATBOT_MOMO_SECRET_KEY: text.optional(),
  CHATBOT_MOMO_ENDPOINT: url.default('https://test-payment.momo.vn'),
  CHATBOT_STRIPE_SECRET_KEY: text.optional(),
  CHATBOT_STRIPE_WEBHOOK_SECRET: text.optional(),
  CHATBOT_STRIPE_API_BASE: url.default('https://api.stripe.com'),
  CHATBOT_BILLING_CONFIG: text.optional(),
  CHATBOT_BILLING_DEFAULT_MONTHLY_CAP_VND: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  CHATBOT_BILLING_SPIKE_MULTIPLE: z.coerce.number().positive().default(5),
  CHATBOT_BILLING_SPIKE_PLATFORM_THRESHOLD_VND: z.coerce.number().int().positive().default(2_000_000),
  CHATBOT_SESSION_RATE_CAPACITY: z.coerce.number().int().positive().max(1_000_000_000).default(DEFAULT_SESSION_RATE_LIMIT.capacity),
  CHATBOT_SESSION_RATE_PER_SECOND: z.coerce.number().positive().max(1_000_000_000).default(DEFAULT_SESSION_RATE_LIMIT.refillPerSecond),
});

function invalid(name: string, message: string): ValidationError {
  return new ValidationError(`Invalid ${name}: ${message}`, `Biến ${name} không hợp lệ: ${message}`, { details: { variable: name } });
}

/** Both or neither: a half-configured gateway is a configuration mistake worth failing on. */
function pair<T>(names: readonly string[], values: readonly (string | undefined)[], build: () => T): T | undefined {
  const set = values.filter((v) => v !== undefined).length;
  if (set === 0) return undefined;
  if (set !== values.length) throw invalid(names.join(', '), 'set all of them or none');
  return build();
}

/**
 * Reads {@link BillingSettings} from the environment. Bad values throw a bilingual 400 naming the
 * variable.
 *
 * @example const billing = readBillingSettings(process.env);
 */
export function readBillingSettings(env: NodeJS.ProcessEnv): BillingSettings {
  const picked = Object.fromEntries(Object.entries(env).filter(([name, value]) => name in envSchema.shape && value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(String(issue?.path[0] ?? 'CHATBOT_BILLING_*'), issue?.message ?? 'invalid');
  }
  const e = parsed.data;
  const vietQr = pair(['CHATBOT_VIETQR_BANK_BIN', 'CHATBOT_VIETQR_ACCOUNT_NUMBER'], [e.CHATBOT_VIETQR_BANK_BIN, e.CHATBOT_VIETQR_ACCOUNT_NUMBER], () => {
    const account = vietQrAccountSchema.safeParse({
      bankBin: e.CHATBOT_VIETQR_BANK_BIN,
      accountNumber: e.CHATBOT_VIETQR_ACCOUNT_NUMBER,
      accountName: e.CHATBOT_VIETQR_ACCOUNT_NAME,
    });
    if (!account.success) throw invalid('CHATBOT_VIETQR_*', account.error.issues.map((i) => i.message).join('; '));
    return account.data;
  });
  const vnpay = pair(['CHATBOT_VNPAY_TMN_CODE', 'CHATBOT_VNPAY_HASH_SECRET'], [e.CHATBOT_VNPAY_TMN_CODE, e.CHATBOT_VNPAY_HASH_SECRET], () => ({
    tmnCode: e.CHATBOT_VNPAY_TMN_CODE!,
    hashSecret: e.CHATBOT_VNPAY_HASH_SECRET!,
    paymentUrl: e.CHATBOT_VNPAY_PAYMENT_URL,
  }));
  const momo = pair(
    ['CHATBOT_MOMO_PARTNER_CODE', 'CHATBOT_MOMO_ACCESS_KEY', 'CHATBOT_MOMO_SECRET_KEY'],
    [e.CHATBOT_MOMO_PARTNER_CODE, e.CHATBOT_MOMO_ACCESS_KEY, e.CHATBOT_MOMO_SECRET_KEY],
    () => ({ partnerCode: e.CHATBOT_MOMO_PARTNER_CODE!, accessKey: e.CHATBOT_MOMO_ACCESS_KEY!, secretKey: e.CHATBOT_MOMO_SECRET_KEY!, endpoint: e.CHATBOT_MOMO_ENDPOINT }),
  );
  const stripe = pair(['CHATBOT_STRIPE_SECRET_KEY', 'CHATBOT_STRIPE_WEBHOOK_SECRET'], [e.CHATBOT_STRIPE_SECRET_KEY, e.CHATBOT_STRIPE_WEBHOOK_SECRET], () => ({
    secretKey: e.CHATBOT_STRIPE_SECRET_KEY!,
    webhookSecret: e.CHATBOT_STRIPE_WEBHOOK_SECRET!,
    apiBase: e.CHATBOT_STRIPE_API_BASE,
  }));
  return {
    ...(vietQr ? { vietQr } : {}),
    ...(e.CHATBOT_VIETQR_WEBHOOK_SECRET ? { bankWebhookSecret: e.CHATBOT_VIETQR_WEBHOOK_SECRET } : {}),
    ...(vnpay ? { vnpay } : {}),
    ...(momo ? { momo } : {}),
    ...(stripe ? { stripe } : {}),
    ...(e.CHATBOT_BILLING_CONFIG ? { configPath: e.CHATBOT_BILLING_CONFIG } : {}),
    ...(e.CHATBOT_BILLING_DEFAULT_MONTHLY_CAP_VND !== undefined ? { defaultMonthlyCapVnd: e.CHATBOT_BILLING_DEFAULT_MONTHLY_CAP_VND } : {}),
    costSpike: { multiple: e.CHATBOT_BILLING_SPIKE_MULTIPLE, platformThresholdVnd: e.CHATBOT_BILLING_SPIKE_PLATFORM_THRESHOLD_VND },
    sessionRateLimit: { capacity: e.CHATBOT_SESSION_RATE_CAPACITY, refillPerSecond: e.CHATBOT_SESSION_RATE_PER_SECOND },
  };
}

/**
 * The platform admin's plans and prices: the JSON file at `configPath` (validated; a bad file is a
 * 400 naming the issues) or the package defaults, with the default cap override applied.
 */
export function loadBillingConfig(settings: Pick<BillingSettings, 'configPath' | 'defaultMonthlyCapVnd'> | undefined): BillingConfig {
  let config = DEFAULT_BILLING_CONFIG;
  if (settings?.configPath) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(settings.configPath, 'utf8'));
    } catch (error) {
      throw invalid('CHATBOT_BILLING_CONFIG', `cannot read ${settings.configPath} as JSON (${(error as Error).message})`);
    }
    config = parseBillingConfig(raw);
  }
  return settings?.defaultMonthlyCapVnd === undefined ? config : { ...config, defaultMonthlyCapVnd: settings.defaultMonthlyCapVnd };
}
