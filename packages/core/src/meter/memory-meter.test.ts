import { describe, expect, it } from 'vitest';
import { meterContract } from '../../../testkit/src/index';
import { createMemoryMeter } from './memory-meter';
import type { UsageEventV1 } from './v1';

meterContract({ name: 'memory', create: ({ budgets, prices }) => createMemoryMeter({ budgets, prices }) });

const prices = { 'openai:gpt-4o-mini': { inputVndPerMillionTokens: 4_000, outputVndPerMillionTokens: 16_000 } };
const estimate = { provider: 'openai', modelId: 'gpt-4o-mini', inputTokens: 1_200, maxOutputTokens: 800 };

function event(overrides: Partial<UsageEventV1> = {}): UsageEventV1 {
  return {
    id: globalThis.crypto.randomUUID(),
    tenantId: 't1',
    kind: 'llm',
    provider: 'openai',
    modelId: 'gpt-4o-mini',
    keySource: 'platform',
    billable: true,
    usage: { inputTokens: { total: 1_000 }, outputTokens: { total: 500 } },
    occurredAt: new Date(),
    ...overrides,
  };
}

describe('createMemoryMeter specifics', () => {
  it('rounds costs up to whole VND and reports the position', async () => {
    const meter = createMemoryMeter({ budgets: { t1: 1_000 }, prices });
    const authorization = await meter.authorize({ tenantId: 't1', keySource: 'platform', idempotencyKey: 'm1', estimate });
    // 1200 × 0.004 + 800 × 0.016 = 4.8 + 12.8 = 17.6 → 18 VND
    expect(authorization.reservedVnd).toBe(18);
    expect(meter.summary('t1')).toEqual({ budgetVnd: 1_000, spentVnd: 0, reservedVnd: 18 });
    await meter.record(event({ authorizationId: authorization.id })); // 4 + 8 = 12 VND
    expect(meter.summary('t1')).toEqual({ budgetVnd: 1_000, spentVnd: 12, reservedVnd: 0 });
    expect(meter.events('t1')).toHaveLength(1);
  });

  it('settles at the reserved amount when the provider reported no token counts', async () => {
    const meter = createMemoryMeter({ budgets: { t1: 1_000 }, prices });
    const authorization = await meter.authorize({ tenantId: 't1', keySource: 'platform', idempotencyKey: 'm1', estimate });
    await meter.record(
      event({ authorizationId: authorization.id, usage: { inputTokens: { total: undefined }, outputTokens: { total: undefined } } }),
    );
    expect(meter.summary('t1').spentVnd).toBe(18);
  });

  it('fails closed for unknown tenants and unpriced models, and accepts a budget lookup', async () => {
    const meter = createMemoryMeter({ budgets: (tenantId) => (tenantId === 'vip' ? 10_000 : undefined), prices });
    await expect(meter.authorize({ tenantId: 'nobody', keySource: 'platform', idempotencyKey: 'x', estimate })).rejects.toMatchObject({
      code: 'budget_exceeded',
      status: 402,
    });
    await expect(meter.authorize({ tenantId: 'vip', keySource: 'platform', idempotencyKey: 'y', estimate })).resolves.toMatchObject({
      reservedVnd: 18,
    });
    await expect(
      meter.authorize({ tenantId: 'vip', keySource: 'platform', idempotencyKey: 'z', estimate: { ...estimate, modelId: 'unknown' } }),
    ).rejects.toMatchObject({ code: 'price_not_configured', status: 500 });
  });

  it('rejects malformed requests and events with field-level issues', async () => {
    const meter = createMemoryMeter({ budgets: { t1: 1_000 }, prices });
    const error = await meter
      .authorize({ tenantId: '', keySource: 'platform', idempotencyKey: 'k', estimate: { ...estimate, inputTokens: Number.NaN } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'validation_failed', status: 400, messageVi: 'Yêu cầu cấp hạn mức không hợp lệ' });
    expect((error as { details: { issues: Array<{ path: string }> } }).details.issues.map((issue) => issue.path).sort()).toEqual([
      'estimate.inputTokens',
      'tenantId',
    ]);
    await expect(meter.record({ ...event(), id: '' })).rejects.toMatchObject({ code: 'validation_failed' });
    expect(meter.events()).toEqual([]);
  });

  it('keeps the provider raw usage on recorded events', async () => {
    const meter = createMemoryMeter({ budgets: { t1: 1_000 }, prices });
    const raw = { prompt_tokens: 1_000, completion_tokens: 500 };
    await meter.record(event({ usage: { inputTokens: { total: 1_000 }, outputTokens: { total: 500 }, raw } }));
    expect(meter.events('t1')[0]!.usage).toMatchObject({ raw });
  });
});
