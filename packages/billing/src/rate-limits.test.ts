import { createMemoryRateLimiter } from '@agent-chatbot/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BILLING_CONFIG, planById } from './plans';
import { createPlanRateGuard, rateLimitErrorOf } from './rate-limits';

describe('createPlanRateGuard', () => {
  it('limits a flooding customer with one polite notice, without draining the tenant', async () => {
    let now = 1_000_000;
    const guard = createPlanRateGuard({ limiter: createMemoryRateLimiter({ now: () => now }), noticeCooldownSeconds: 60 });
    const plan = planById(DEFAULT_BILLING_CONFIG, 'free'); // customer: 5 burst, 0.2/s
    const decisions = [];
    for (let index = 0; index < 20; index += 1) decisions.push(await guard.check({ tenantId: 't1', plan, customerKey: 'zalo:u1' }));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
    const refused = decisions.filter((decision) => !decision.allowed);
    expect(refused.every((decision) => decision.scope === 'customer')).toBe(true);
    expect(refused.filter((decision) => decision.sendNotice)).toHaveLength(1);
    expect(refused[0]).toMatchObject({ retryAfterSeconds: 5, noticeVi: expect.stringContaining('vui lòng đợi') });
    // Another customer of the same tenant is unaffected.
    expect((await guard.check({ tenantId: 't1', plan, customerKey: 'zalo:u2' })).allowed).toBe(true);
    now += 61_000; // after the cooldown a new flood gets a new notice
    for (let index = 0; index < 12; index += 1) await guard.check({ tenantId: 't1', plan, customerKey: 'zalo:u1' });
    const later = await guard.check({ tenantId: 't1', plan, customerKey: 'zalo:u1' });
    expect(later.allowed).toBe(false);
  });

  it('answers the tenant-wide limit as a 429 with Retry-After seconds', async () => {
    const guard = createPlanRateGuard({ limiter: createMemoryRateLimiter({ now: () => 0 }) });
    const plan = planById(DEFAULT_BILLING_CONFIG, 'free'); // tenant: 30 burst
    for (let index = 0; index < 30; index += 1) expect((await guard.check({ tenantId: 't2', plan })).allowed).toBe(true);
    const refused = await guard.check({ tenantId: 't2', plan });
    expect(refused).toMatchObject({ allowed: false, scope: 'tenant', retryAfterSeconds: 2 });
    expect(rateLimitErrorOf(refused)).toMatchObject({ status: 429, retryAfterMs: 2_000, code: 'rate_limited' });
  });
});
