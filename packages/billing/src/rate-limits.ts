import { RateLimitError, type RateLimiterV1 } from '@agent-chatbot/core';
import type { Plan } from './plans';

/** The outcome of one {@link PlanRateGuard.check}. */
export interface RateGuardDecision {
  /** Whether the message may be answered. */
  readonly allowed: boolean;
  /** Which bucket refused (undefined when allowed). */
  readonly scope?: 'customer' | 'tenant';
  /** Whole seconds for `Retry-After` (0 when allowed). */
  readonly retryAfterSeconds: number;
  /**
   * Send the polite "please wait" now: true once per flood (then false for `noticeCooldownSeconds`),
   * so a customer who keeps sending gets one notice, not one per message.
   */
  readonly sendNotice: boolean;
  /** The one polite "please wait" to send, in Vietnamese (only the first time). */
  readonly noticeVi?: string;
  /** The same notice in English. */
  readonly notice?: string;
}

/** Options for {@link createPlanRateGuard}. */
export interface PlanRateGuardOptions {
  /** Any `RateLimiterV1`: in-memory in the embedded runtime, Redis (atomic Lua) across replicas. */
  readonly limiter: RateLimiterV1;
  /** Minimum gap between two "please wait" notices to one customer. Default 60 s. */
  readonly noticeCooldownSeconds?: number;
}

/** Per-plan token buckets for a tenant and its end customers (see {@link createPlanRateGuard}). */
export interface PlanRateGuard {
  /** Takes a token from the tenant's and the customer's buckets for the plan. */
  check(input: { tenantId: string; plan: Plan; customerKey?: string }): Promise<RateGuardDecision>;
}

const NOTICE_VI = 'Bạn nhắn nhanh quá, vui lòng đợi một chút rồi gửi tiếp nhé. Cảm ơn bạn!';
const NOTICE_EN = 'You are sending messages too quickly; please wait a moment and try again. Thank you!';

/**
 * Applies the plan's buckets: the end customer's bucket first (a flooding customer must not drain
 * the tenant's), then the tenant's. Keys: `rl:customer:<tenant>:<customer>`, `rl:tenant:<tenant>`.
 *
 * @example
 * const guard = createPlanRateGuard({ limiter: createMemoryRateLimiter() });
 * const decision = await guard.check({ tenantId, plan, customerKey: `${channel}:${userId}` });
 * if (!decision.allowed && decision.sendNotice) await reply(decision.noticeVi);
 */
export function createPlanRateGuard(options: PlanRateGuardOptions): PlanRateGuard {
  const cooldown = options.noticeCooldownSeconds ?? 60;
  return {
    async check({ tenantId, plan, customerKey }) {
      if (customerKey !== undefined) {
        const customer = await options.limiter.consume(`rl:customer:${tenantId}:${customerKey}`, plan.rateLimits.customer);
        if (!customer.allowed) {
          const notice = await options.limiter.consume(`rl:notice:${tenantId}:${customerKey}`, { capacity: 1, refillPerSecond: 1 / cooldown });
          return {
            allowed: false,
            scope: 'customer',
            retryAfterSeconds: Math.max(1, Math.ceil(customer.retryAfterMs / 1000)),
            sendNotice: notice.allowed,
            noticeVi: NOTICE_VI,
            notice: NOTICE_EN,
          };
        }
      }
      const tenant = await options.limiter.consume(`rl:tenant:${tenantId}`, plan.rateLimits.tenant);
      if (!tenant.allowed) {
        return { allowed: false, scope: 'tenant', retryAfterSeconds: Math.max(1, Math.ceil(tenant.retryAfterMs / 1000)), sendNotice: false };
      }
      return { allowed: true, retryAfterSeconds: 0, sendNotice: false };
    },
  };
}

/** The 429 for APIs: `RateLimitError` (status 429, `retryAfterMs` → `Retry-After: <seconds>`). */
export function rateLimitErrorOf(decision: RateGuardDecision): RateLimitError {
  return new RateLimitError({ retryAfterMs: decision.retryAfterSeconds * 1000 });
}
