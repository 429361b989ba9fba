import type { ModelPriceTableVnd, TokenBucketV1 } from '@agent-chatbot/core';
import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { applyMarginBp } from './money';

const vnd = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const bucketSchema = z.object({ capacity: z.number().int().positive(), refillPerSecond: z.number().positive() });

/** Token buckets a plan gives: one per tenant for its public API (API keys) and one per end customer. */
export const rateLimitPlanSchema = z.object({ tenant: bucketSchema, customer: bucketSchema });
/** Rate limits of a plan (see {@link rateLimitPlanSchema}). */
export type RateLimitPlan = z.infer<typeof rateLimitPlanSchema>;

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  name: z.string().min(1),
  nameVi: z.string().min(1),
  rateLimits: rateLimitPlanSchema,
};

/** Free: `includedChats` a month, then the bot answers FAQ-only and offers a person. */
export const freePlanSchema = z.object({ ...common, kind: z.literal('free'), includedChats: z.number().int().nonnegative() });
/** Subscription: a monthly fee with included chats; each chat beyond costs `overagePerChatVnd`. */
export const subscriptionPlanSchema = z.object({
  ...common,
  kind: z.literal('subscription'),
  monthlyFeeVnd: vnd,
  includedChats: z.number().int().nonnegative(),
  overagePerChatVnd: vnd,
});
/** A plan of either kind. Platform-key model usage is always paid from prepaid credits. */
export const planSchema = z.discriminatedUnion('kind', [freePlanSchema, subscriptionPlanSchema]);
/** A plan (see {@link planSchema}). */
export type Plan = z.infer<typeof planSchema>;

/** What the platform pays a provider, in VND per million tokens (before the operator's margin). */
export const modelCostSchema = z.object({ inputVndPerMillionTokens: vnd, outputVndPerMillionTokens: vnd });

/** The platform admin's billing configuration. */
export const billingConfigSchema = z
  .object({
    plans: z.array(planSchema).min(1),
    /** Provider cost per model, keyed `'provider:modelId'` (embedding models: input price only). */
    modelCosts: z.record(z.string().regex(/^[^:]+:.+$/), modelCostSchema),
    /** Operator margin on platform-key usage in basis points (2000 = 20 %). */
    marginBasisPoints: z.number().int().min(0).max(100_000),
    /** Monthly hard cap on platform-key spend for tenants without their own cap. */
    defaultMonthlyCapVnd: vnd,
    /** Budget alert thresholds in percent of the cap. */
    alertThresholdsPercent: z.array(z.number().int().min(1).max(100)).default([80, 100]),
  })
  .superRefine((config, ctx) => {
    const ids = config.plans.map((plan) => plan.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'plan ids must be unique', path: ['plans'] });
  });
/** Billing configuration (see {@link billingConfigSchema}). */
export type BillingConfig = z.infer<typeof billingConfigSchema>;

/** Parses the admin's billing config or throws a 400 {@link ValidationError} listing the issues. */
export function parseBillingConfig(input: unknown): BillingConfig {
  const parsed = billingConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ValidationError('Invalid billing configuration', 'Cấu hình thanh toán không hợp lệ', {
    details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
  });
}

const FREE_LIMITS: RateLimitPlan = { tenant: { capacity: 30, refillPerSecond: 0.5 }, customer: { capacity: 5, refillPerSecond: 0.2 } };
const PAID_LIMITS: RateLimitPlan = { tenant: { capacity: 300, refillPerSecond: 5 }, customer: { capacity: 10, refillPerSecond: 0.5 } };

/** A sensible starting configuration (the platform admin overrides it). */
export const DEFAULT_BILLING_CONFIG: BillingConfig = parseBillingConfig({
  plans: [
    { id: 'free', kind: 'free', name: 'Free', nameVi: 'Miễn phí', includedChats: 100, rateLimits: FREE_LIMITS },
    {
      id: 'starter',
      kind: 'subscription',
      name: 'Starter',
      nameVi: 'Khởi đầu',
      monthlyFeeVnd: 199_000,
      includedChats: 1_000,
      overagePerChatVnd: 300,
      rateLimits: PAID_LIMITS,
    },
    {
      id: 'business',
      kind: 'subscription',
      name: 'Business',
      nameVi: 'Doanh nghiệp',
      monthlyFeeVnd: 799_000,
      includedChats: 5_000,
      overagePerChatVnd: 200,
      rateLimits: { tenant: { capacity: 1_000, refillPerSecond: 20 }, customer: { capacity: 15, refillPerSecond: 1 } },
    },
  ],
  modelCosts: {
    'openai:gpt-4o-mini': { inputVndPerMillionTokens: 3_900, outputVndPerMillionTokens: 15_600 },
    'openai:gpt-4o': { inputVndPerMillionTokens: 65_000, outputVndPerMillionTokens: 260_000 },
    'openai:text-embedding-3-small': { inputVndPerMillionTokens: 520, outputVndPerMillionTokens: 0 },
  },
  marginBasisPoints: 2_000,
  defaultMonthlyCapVnd: 500_000,
  alertThresholdsPercent: [80, 100],
});

/** Finds a plan by id; an unknown id is a 400. */
export function planById(config: BillingConfig, planId: string): Plan {
  const plan = config.plans.find((candidate) => candidate.id === planId);
  if (plan === undefined) {
    throw new ValidationError(`Unknown plan "${planId}"`, `Không có gói "${planId}"`, { details: { planId } });
  }
  return plan;
}

/**
 * The prices tenants pay for platform-key usage: provider cost plus the margin, per million
 * tokens, each rounded up to a whole VND. Feed it to `createPgMeter({ prices })`.
 */
export function platformPriceTable(config: BillingConfig): ModelPriceTableVnd {
  return Object.fromEntries(
    Object.entries(config.modelCosts).map(([key, cost]) => [
      key,
      {
        inputVndPerMillionTokens: applyMarginBp(cost.inputVndPerMillionTokens, config.marginBasisPoints),
        outputVndPerMillionTokens: applyMarginBp(cost.outputVndPerMillionTokens, config.marginBasisPoints),
      },
    ]),
  );
}

/** The buckets the runtime's `RateLimiterV1` should use for a plan: keys are yours, sizes are ours. */
export function rateLimitBuckets(plan: Plan): { readonly tenant: TokenBucketV1; readonly customer: TokenBucketV1 } {
  return plan.rateLimits;
}

/** How the bot may answer right now. */
export interface PlanGate {
  /** Full answers or FAQ-only. */
  readonly mode: 'full' | 'faq-only';
  /** Offer to hand the customer to a person (FAQ-only because the free chats ran out). */
  readonly offerHuman: boolean;
  /** Chats used this cycle. */
  readonly chatsUsed: number;
  /** Chats the plan includes. */
  readonly chatsIncluded: number;
  /** Chats beyond the included ones (billed as overage on subscriptions). */
  readonly overageChats: number;
  /** Why answers are limited, when they are. */
  readonly reason?: 'free_limit_reached' | 'cost_spike' | 'admin';
  /** Explanation in Vietnamese. */
  readonly messageVi?: string;
  /** Explanation in English. */
  readonly message?: string;
}

/**
 * Decides the answering mode from the plan, this cycle's chat count and a tenant-level FAQ-only
 * flag (cost spike or admin). Free tenants past their included chats get FAQ-only plus a person;
 * subscriptions keep answering and pay overage.
 */
export function planGate(plan: Plan, chatsUsed: number, faqOnly?: { reason: 'cost_spike' | 'admin' }): PlanGate {
  const overageChats = Math.max(0, chatsUsed - plan.includedChats);
  const base = { chatsUsed, chatsIncluded: plan.includedChats, overageChats };
  if (faqOnly !== undefined) {
    return {
      ...base,
      mode: 'faq-only',
      offerHuman: true,
      reason: faqOnly.reason,
      messageVi: 'Trợ lý đang tạm trả lời theo câu hỏi thường gặp. Bạn có muốn gặp nhân viên không?',
      message: 'The assistant is temporarily answering from the FAQ only. Would you like to talk to a person?',
    };
  }
  if (plan.kind === 'free' && chatsUsed >= plan.includedChats) {
    return {
      ...base,
      mode: 'faq-only',
      offerHuman: true,
      reason: 'free_limit_reached',
      messageVi: 'Trợ lý chỉ trả lời các câu hỏi thường gặp. Bạn có muốn gặp nhân viên không?',
      message: 'The assistant can only answer frequently asked questions. Would you like to talk to a person?',
    };
  }
  return { ...base, mode: 'full', offerHuman: false };
}
