import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectCostSpike } from './cost-spike';
import { billingCycle, cycleIdOf, previousCycle } from './cycle';
import { computeUsageMeters, type UsageRow } from './meters';
import { applyMarginBp, assertVnd, divCeil, formatVnd } from './money';
import { DEFAULT_BILLING_CONFIG, parseBillingConfig, planById, planGate, platformPriceTable, rateLimitBuckets } from './plans';
import { BILLING_SCHEMA_SQL } from './pg/schema';

describe('money', () => {
  it('rounds charges up in exact integer arithmetic and formats VND', () => {
    expect(divCeil(10, 3)).toBe(4);
    expect(divCeil(9, 3)).toBe(3);
    expect(divCeil(0, 7)).toBe(0);
    expect(applyMarginBp(3_900, 2_000)).toBe(4_680);
    expect(applyMarginBp(1, 2_000)).toBe(2); // 1.2 → 2: never bill under cost
    expect(formatVnd(1_234_567)).toBe('1.234.567 ₫');
    expect(formatVnd(-5_000)).toBe('-5.000 ₫');
    expect(() => assertVnd(1.5)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => assertVnd(-1)).toThrow(expect.objectContaining({ status: 400 }));
    expect(assertVnd(-1, 'x', true)).toBe(-1);
  });
});

describe('billing cycles in Asia/Ho_Chi_Minh', () => {
  it('puts 00:30 on the 1st (Vietnam time) in the new month', () => {
    expect(cycleIdOf(new Date('2026-10-31T17:30:00Z'))).toBe('2026-11');
    expect(cycleIdOf(new Date('2026-10-31T16:59:59Z'))).toBe('2026-10');
    const december = billingCycle('2026-12');
    expect(december.start.toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(december.end.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(previousCycle(billingCycle('2027-01')).id).toBe('2026-12');
    expect(() => billingCycle('2026-13')).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('plans', () => {
  it('validates the admin config and applies the margin to platform prices', () => {
    const prices = platformPriceTable(DEFAULT_BILLING_CONFIG);
    expect(prices['openai:gpt-4o-mini']).toEqual({ inputVndPerMillionTokens: 4_680, outputVndPerMillionTokens: 18_720 });
    expect(() => parseBillingConfig({ ...DEFAULT_BILLING_CONFIG, marginBasisPoints: 12.5 })).toThrow(expect.objectContaining({ status: 400 }));
    const duplicated = { ...DEFAULT_BILLING_CONFIG, plans: [...DEFAULT_BILLING_CONFIG.plans, DEFAULT_BILLING_CONFIG.plans[0]] };
    expect(() => parseBillingConfig(duplicated)).toThrow(expect.objectContaining({ messageVi: 'Cấu hình thanh toán không hợp lệ' }));
    expect(() => planById(DEFAULT_BILLING_CONFIG, 'gold')).toThrow(expect.objectContaining({ status: 400 }));
    expect(rateLimitBuckets(planById(DEFAULT_BILLING_CONFIG, 'free')).customer).toEqual({ capacity: 5, refillPerSecond: 0.2 });
  });

  it('free plan: FAQ-only and a person after 100 chats; subscriptions count overage instead', () => {
    const free = planById(DEFAULT_BILLING_CONFIG, 'free');
    expect(planGate(free, 99)).toMatchObject({ mode: 'full', offerHuman: false });
    expect(planGate(free, 100)).toMatchObject({ mode: 'faq-only', offerHuman: true, reason: 'free_limit_reached', messageVi: expect.stringContaining('nhân viên') });
    const starter = planById(DEFAULT_BILLING_CONFIG, 'starter');
    expect(planGate(starter, 1_250)).toMatchObject({ mode: 'full', overageChats: 250 });
    expect(planGate(starter, 10, { reason: 'cost_spike' })).toMatchObject({ mode: 'faq-only', reason: 'cost_spike' });
  });
});

describe('computeUsageMeters', () => {
  const at = new Date('2026-11-10T05:00:00Z');
  const row = (overrides: Partial<UsageRow>): UsageRow => ({ kind: 'llm', tokensIn: 0, tokensOut: 0, quantity: 0, costVnd: 0, occurredAt: at, ...overrides });
  it('counts chats, messages, tokens per model and key source, embeddings and storage within the cycle', () => {
    const meters = computeUsageMeters(
      [
        row({ kind: 'message', conversationId: 'c1' }),
        row({ kind: 'message', conversationId: 'c1' }),
        row({ kind: 'message', conversationId: 'c2' }),
        row({ kind: 'message', conversationId: 'c3', occurredAt: new Date('2026-10-31T16:00:00Z') }), // October
        row({ provider: 'openai', model: 'gpt-4o-mini', keySource: 'platform', billable: true, tokensIn: 100, tokensOut: 50, costVnd: 7 }),
        row({ provider: 'openai', model: 'gpt-4o-mini', keySource: 'own', billable: false, tokensIn: 10, tokensOut: 5, costVnd: 0 }),
        row({ kind: 'embedding', provider: 'openai', model: 'te3', keySource: 'platform', billable: true, quantity: 1_000, tokensIn: 1_000, costVnd: 1 }),
        row({ kind: 'storage', quantity: 100, occurredAt: new Date('2026-11-02T00:00:00Z') }),
        row({ kind: 'storage', quantity: 300, occurredAt: new Date('2026-11-05T00:00:00Z') }),
      ],
      billingCycle('2026-11'),
    );
    expect(meters).toMatchObject({ chats: 2, messages: 3, embeddingTokens: 1_000, storageBytes: 300, platformCostVnd: 8 });
    expect(meters.models).toEqual([
      { provider: 'openai', model: 'gpt-4o-mini', keySource: 'own', tokensIn: 10, tokensOut: 5, costVnd: 0 },
      { provider: 'openai', model: 'gpt-4o-mini', keySource: 'platform', tokensIn: 100, tokensOut: 50, costVnd: 7 },
      { provider: 'openai', model: 'te3', keySource: 'platform', tokensIn: 1_000, tokensOut: 0, costVnd: 1 },
    ]);
  });
});

describe('detectCostSpike', () => {
  const base = { usualHourlyRate: 10_000, multiple: 5, platformTotal: 100_000, threshold: 5_000_000 };
  it('flags a tenant above its multiple and every spender when the platform total crosses the threshold', () => {
    expect(detectCostSpike({ ...base, hourlySpend: 50_000 })).toEqual({ spike: false, reasons: [], action: 'none' });
    expect(detectCostSpike({ ...base, hourlySpend: 50_001 })).toMatchObject({ spike: true, reasons: ['tenant_multiple'], action: 'faq_only' });
    expect(detectCostSpike({ ...base, hourlySpend: 15_000, usualHourlyRate: 0 })).toMatchObject({ spike: false }); // below the minimum
    expect(detectCostSpike({ ...base, hourlySpend: 1_000, platformTotal: 5_000_000 })).toMatchObject({ spike: true, reasons: ['platform_threshold'] });
    expect(() => detectCostSpike({ ...base, hourlySpend: -1 })).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('schema export', () => {
  it('BILLING_SCHEMA_SQL is exactly schema.sql and every tenant table gets RLS', () => {
    const file = readFileSync(new URL('./pg/schema.sql', import.meta.url), 'utf8');
    expect(BILLING_SCHEMA_SQL).toBe(file);
    const tables = [...file.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)/g)].map((match) => match[1]);
    for (const table of tables) expect(file).toContain(`SELECT app.enable_tenant_rls('${table}'::regclass);`);
  });
});
