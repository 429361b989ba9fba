/**
 * Token buckets of the API and the answering path:
 * - per tenant, the plan's API bucket (`rateLimits.tenant`) for the public API — requests made
 *   with the tenant's API keys (429 + `Retry-After`);
 * - per signed-in person, a separate and much roomier session bucket (default 600 requests, then
 *   10 per second; `CHATBOT_SESSION_RATE_*`) for dashboard session tokens, so an owner clicking
 *   through the dashboard never spends the shop's API allowance, and the shop's API clients can
 *   never lock a person out of the dashboard;
 * - per end customer, the plan's bucket for inbound channel messages (a flooding customer gets ONE
 *   polite Vietnamese "please wait", then silence until the notice cooldown passes).
 * Buckets live in `runtime.rateLimiter`: atomic Lua in Redis across replicas, in memory in the
 * embedded default.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createPlanRateGuard, rateLimitErrorOf, type RateGuardDecision } from '@agent-chatbot/billing';
import { createTokenService } from '../auth/tokens';
import { API_KEY_PREFIX, resolveApiKey } from '../tenants/api-key-service';
import { DEFAULT_SESSION_RATE_LIMIT } from './billing-settings';
import { planOfTenant, type BillingRuntime } from './billing-service';

/** What the inbound answering path does with one customer message. */
export type CustomerRateDecision =
  | { readonly action: 'allow' }
  /** Do not answer; send `text` (Vietnamese) once instead. */
  | { readonly action: 'notice'; readonly text: string; readonly textEn: string; readonly retryAfterSeconds: number }
  /** Do not answer and send nothing (the notice already went out). */
  | { readonly action: 'drop'; readonly retryAfterSeconds: number };

const NOTICE_VI = 'Dạ, bạn nhắn nhanh quá ạ. Vui lòng đợi một chút rồi gửi tiếp, shop sẽ trả lời ngay. Cảm ơn bạn!';
const NOTICE_EN = 'You are sending messages too quickly; please wait a moment and try again. Thank you!';
/** One "please wait" per customer per minute at most. */
const NOTICE_COOLDOWN_SECONDS = 60;

/**
 * Checks one inbound customer message against the plan's per-customer bucket. `customerKey` is
 * stable per end customer within the tenant, e.g. `${channel}:${externalUserId}`.
 *
 * @example
 * const rate = await checkCustomerRate(runtime, { tenantId, customerKey: `${channel}:${event.sender.id}` });
 * if (rate.action === 'notice') replyWith(rate.text); if (rate.action !== 'allow') return;
 */
export async function checkCustomerRate(runtime: BillingRuntime, input: { tenantId: string; customerKey: string }): Promise<CustomerRateDecision> {
  const plan = await planOfTenant(runtime, input.tenantId);
  // Hashing keeps odd provider ids (long, with separators) from shaping the limiter key.
  const customer = createHash('sha256').update(input.customerKey).digest('base64url').slice(0, 22);
  const bucket = await runtime.rateLimiter.consume(`rl:customer:${input.tenantId}:${customer}`, plan.rateLimits.customer);
  if (bucket.allowed) return { action: 'allow' };
  const retryAfterSeconds = Math.max(1, Math.ceil(bucket.retryAfterMs / 1000));
  const notice = await runtime.rateLimiter.consume(`rl:notice:${input.tenantId}:${customer}`, {
    capacity: 1,
    refillPerSecond: 1 / NOTICE_COOLDOWN_SECONDS,
  });
  return notice.allowed ? { action: 'notice', text: NOTICE_VI, textEn: NOTICE_EN, retryAfterSeconds } : { action: 'drop', retryAfterSeconds };
}

/** Consumes one token of the tenant's API bucket (the plan's `rateLimits.tenant`; API keys). */
export async function checkTenantApiRate(runtime: BillingRuntime, tenantId: string): Promise<RateGuardDecision> {
  const plan = await planOfTenant(runtime, tenantId);
  return createPlanRateGuard({ limiter: runtime.rateLimiter }).check({ tenantId, plan });
}

/**
 * Consumes one token of a signed-in person's own bucket (`rl:session:<userId>`, sized by
 * `config.billing.sessionRateLimit`, default 600 requests then 10 per second). Dashboard sessions
 * spend this bucket instead of their tenant's plan bucket.
 */
export async function checkSessionApiRate(runtime: BillingRuntime, userId: string): Promise<RateGuardDecision> {
  const bucket = await runtime.rateLimiter.consume(`rl:session:${userId}`, runtime.config.billing?.sessionRateLimit ?? DEFAULT_SESSION_RATE_LIMIT);
  if (bucket.allowed) return { allowed: true, retryAfterSeconds: 0, sendNotice: false };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(bucket.retryAfterMs / 1000)), sendNotice: false };
}

const keyTenants = new Map<string, { readonly at: number; readonly tenantId: string | null }>();

/** The tenant an API key belongs to (cached a minute by the key's hash; null for unknown keys). */
async function tenantOfApiKey(runtime: BillingRuntime, key: string): Promise<string | null> {
  const hash = createHash('sha256').update(key).digest('hex');
  const cached = keyTenants.get(hash);
  if (cached && Date.now() - cached.at < 60_000) return cached.tenantId;
  const found = await resolveApiKey(runtime.db, key);
  if (keyTenants.size > 10_000) keyTenants.clear();
  keyTenants.set(hash, { at: Date.now(), tenantId: found?.tenantId ?? null });
  return found?.tenantId ?? null;
}

/**
 * Express middleware for authenticated `/v1/` requests: an API key consumes one token of its
 * tenant's plan bucket; a dashboard session token consumes one token of its person's session
 * bucket (whatever tenant it acts for, platform admins included). An empty bucket answers 429
 * with `Retry-After` (a failing limiter lets the request through, logged). Credentials it cannot
 * verify pass through untouched — the one door (`resolveCaller`) rejects them; only a verified
 * credential spends a bucket, so a forged token cannot exhaust anyone's limit.
 */
export function tenantApiRateLimit(runtime: BillingRuntime & { readonly config: { readonly jwtSecret: string } }): RequestHandler {
  const tokens = createTokenService({ secret: runtime.config.jwtSecret, accessTtlSeconds: 900 });
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const match = req.path.startsWith('/v1/') && header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
    const token = match?.[1];
    if (!token) {
      next();
      return;
    }
    void (async () => {
      let decision: RateGuardDecision;
      if (token.startsWith(API_KEY_PREFIX)) {
        const tenantId = await tenantOfApiKey(runtime, token);
        if (tenantId === null) return undefined;
        decision = await checkTenantApiRate(runtime, tenantId);
      } else {
        const userId = await tokens.verify(token).then((claims) => claims.sub, () => null);
        if (userId === null) return undefined;
        decision = await checkSessionApiRate(runtime, userId);
      }
      return decision.allowed ? undefined : rateLimitErrorOf(decision);
    })().then(
      (error) => next(error),
      (error: unknown) => {
        // Fail open: a Redis or database hiccup in the limiter must not take the whole API down.
        runtime.logger.warn({ err: error }, 'Không kiểm tra được giới hạn tốc độ / rate limit check failed; request allowed');
        next();
      },
    );
  };
}
