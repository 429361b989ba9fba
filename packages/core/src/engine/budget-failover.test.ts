import { describe, expect, it } from 'vitest';
import { createBot } from '../bot';
import { AuthenticationError, ProviderError, RateLimitError } from '../errors';
import { createMemoryMeter } from '../meter/memory-meter';
import { MockLanguageModelV1, mockStream, mockUsage } from '../test';
import type { UsageRecordedEvent } from './bot-events';
import { createShopRetriever, TEST_PRICES } from './__fixtures__/shop-knowledge';

const question = (index: number) => ({ externalConversationId: `customer-${index}`, text: 'Áo thun cotton có màu gì?', skipCache: true });

describe('budget reservation', () => {
  it('never lets 50 parallel answers overshoot the cap', async () => {
    const meter = createMemoryMeter({ budgets: { 'shop-a': 40 }, prices: TEST_PRICES });
    let peakReserved = 0;
    const model = new MockLanguageModelV1({
      provider: 'openai.chat',
      modelId: 'gpt-4o-mini',
      doGenerate: async () => {
        const position = meter.summary('shop-a');
        peakReserved = Math.max(peakReserved, position.spentVnd + position.reservedVnd);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return 'Dạ, áo thun cotton màu trắng, đen, be đều hợp đi làm ạ.';
      },
    });
    const bot = createBot({ tenantId: 'shop-a', model, meter, prices: TEST_PRICES, retriever: createShopRetriever(), limits: { maxOutputTokens: 350 } });
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => bot.answer(question(index))));
    const answeredByModel = results.filter((result) => result.route === 'cheap');
    const degraded = results.filter((result) => result.routeReason.startsWith('budget-exceeded'));
    const summary = meter.summary('shop-a');
    expect(answeredByModel.length).toBeGreaterThan(0);
    expect(degraded.length).toBeGreaterThan(0);
    expect(answeredByModel.length + degraded.length).toBe(50);
    expect(summary.spentVnd).toBeLessThanOrEqual(40);
    expect(peakReserved).toBeLessThanOrEqual(40);
    expect(summary.reservedVnd).toBe(0);
    expect(model.doGenerateCalls).toHaveLength(answeredByModel.length);
    // Over budget, the bot still answers from the knowledge (no-LLM mode).
    expect(degraded[0]?.route).toMatch(/no-llm|fallback/);
  });

  it('releases the reservation when the call fails and records usage on success', async () => {
    const meter = createMemoryMeter({ budgets: { 'shop-a': 10_000 }, prices: TEST_PRICES });
    const model = new MockLanguageModelV1({
      provider: 'openai.chat',
      modelId: 'gpt-4o-mini',
      doGenerate: [
        () => {
          throw new ProviderError({ provider: 'openai', upstreamStatus: 400, message: 'bad request', isRetryable: false });
        },
        'Dạ, áo thun giá 150.000đ ạ.',
      ],
    });
    const bot = createBot({ tenantId: 'shop-a', model, meter, prices: TEST_PRICES, retriever: createShopRetriever() });
    const failed = await bot.answer(question(1));
    expect(failed.routeReason).toBe('model-unavailable:provider_error:product');
    expect(meter.summary('shop-a')).toMatchObject({ reservedVnd: 0, spentVnd: 0 });
    const ok = await bot.answer(question(2));
    expect(ok.route).toBe('cheap');
    const events = meter.events('shop-a');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ billable: true, keySource: 'platform', provider: 'openai', modelId: 'gpt-4o-mini' });
    expect(meter.summary('shop-a').spentVnd).toBe(ok.costVnd);
  });
});

describe('failover', () => {
  for (const [label, error] of [
    ['429', new RateLimitError({ category: 'third-party', retryAfterMs: 1000 })],
    ['500', new ProviderError({ provider: 'openai', upstreamStatus: 500, message: 'upstream error' })],
    ['rejected key', new AuthenticationError()],
  ] as const) {
    it(`moves to the second model on ${label}`, async () => {
      const primary = new MockLanguageModelV1({ provider: 'openai.chat', modelId: 'gpt-4o-mini', doGenerate: () => { throw error; } });
      const backup = new MockLanguageModelV1({ provider: 'backup.chat', modelId: 'gpt-4o-mini', doGenerate: 'Dạ, áo thun giá 150.000đ ạ.' });
      const bot = createBot({ tenantId: 'shop-a', model: primary, failover: backup, prices: TEST_PRICES, retriever: createShopRetriever() });
      const result = await bot.answer(question(1));
      expect(result).toMatchObject({ route: 'cheap', model: 'backup:gpt-4o-mini', text: 'Dạ, áo thun giá 150.000đ ạ.' });
      expect(primary.doGenerateCalls).toHaveLength(1);
      expect(backup.doGenerateCalls).toHaveLength(1);
    });
  }

  it('runs the failover on its own key source (own key first, platform credits second)', async () => {
    const meter = createMemoryMeter({ budgets: { 'shop-a': 10_000 }, prices: TEST_PRICES });
    const own = new MockLanguageModelV1({ provider: 'openai.chat', modelId: 'gpt-4o-mini', doGenerate: () => { throw new AuthenticationError(); } });
    const platform = new MockLanguageModelV1({ provider: 'openai.chat', modelId: 'gpt-4o-mini', doGenerate: 'Dạ, có ạ.' });
    const bot = createBot({
      tenantId: 'shop-a',
      model: [{ model: own, keySource: 'own' }, { model: platform, keySource: 'platform' }],
      meter,
      prices: TEST_PRICES,
      retriever: createShopRetriever(),
    });
    const result = await bot.answer(question(3));
    expect(result.keySource).toBe('platform');
    expect(meter.events('shop-a')[0]).toMatchObject({ keySource: 'platform', billable: true });
  });

  it('does not fail over on a non-retryable error, and answers without a model instead', async () => {
    const primary = new MockLanguageModelV1({
      doGenerate: () => { throw new ProviderError({ provider: 'openai', upstreamStatus: 400, message: 'bad', isRetryable: false }); },
    });
    const backup = new MockLanguageModelV1({ doGenerate: 'backup' });
    const bot = createBot({ tenantId: 'shop-a', model: primary, failover: backup, retriever: createShopRetriever() });
    const result = await bot.answer(question(4));
    expect(result.route).toBe('no-llm');
    expect(backup.doGenerateCalls).toHaveLength(0);
  });
});

describe('usage events', () => {
  it('emits usage.recorded with the provider-reported usage and the price-table cost', async () => {
    const model = new MockLanguageModelV1({
      provider: 'openai.chat',
      modelId: 'gpt-4o-mini',
      doGenerate: { text: 'Dạ có ạ.', finishReason: 'stop', usage: { inputTokens: { total: 1000 }, outputTokens: { total: 100 } }, warnings: [] },
    });
    const usage: UsageRecordedEvent[] = [];
    const bot = createBot({ tenantId: 'shop-a', model, prices: TEST_PRICES, retriever: createShopRetriever(), events: { 'usage.recorded': (event) => usage.push(event) } });
    const result = await bot.answer(question(5));
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ tenantId: 'shop-a', purpose: 'answer', costVnd: 6, usage: { billable: false, keySource: 'own', kind: 'llm' } });
    // 1000 × 3,900 / 1e6 + 100 × 15,600 / 1e6 = 3.9 + 1.56 → 6 VND (rounded up)
    expect(result).toMatchObject({ tokensIn: 1000, tokensOut: 100, costVnd: 6 });
  });
});

describe('metering while streaming', () => {
  it('reserves before the stream, records the finish usage, and releases a stream that errors', async () => {
    const meter = createMemoryMeter({ budgets: { 'shop-a': 10_000 }, prices: TEST_PRICES });
    const model = new MockLanguageModelV1({
      provider: 'openai.chat',
      modelId: 'gpt-4o-mini',
      doStream: [
        () => ({
          stream: mockStream([
            { type: 'text-delta', delta: 'Dạ, áo ' },
            { type: 'error', error: new ProviderError({ provider: 'openai', upstreamStatus: 500, message: 'stream broke' }) },
          ]),
          warnings: [],
        }),
        () => ({
          stream: mockStream([
            { type: 'text-delta', delta: 'Dạ, áo thun cotton giá 150.000đ ạ.' },
            { type: 'finish', finishReason: 'stop', usage: mockUsage(900, 20) },
          ]),
          warnings: [],
        }),
      ],
    });
    const bot = createBot({ tenantId: 'shop-a', model, meter, prices: TEST_PRICES, retriever: createShopRetriever() });
    for await (const part of bot.stream(question(7))) void part;
    expect(meter.summary('shop-a')).toMatchObject({ reservedVnd: 0, spentVnd: 0 });
    let finished;
    for await (const part of bot.stream(question(8))) if (part.type === 'finish') finished = part.result;
    expect(finished).toMatchObject({ route: 'cheap', tokensIn: 900, tokensOut: 20, costVnd: 4 });
    expect(meter.summary('shop-a')).toMatchObject({ reservedVnd: 0, spentVnd: 4 });
  });
});
