import { describe, expect, it } from 'vitest';
import { createShopRetriever } from '../engine/__fixtures__/shop-knowledge';
import { NoSuchModelError, ProviderError } from '../errors';
import type { LanguageModelV1StreamPart } from '../language-model/v1';
import { createProviderRegistry, wrapLanguageModel, type AnswerStreamPart } from './index';
import type { ProviderV1 } from '../provider/v1';
import type { ChannelV1 } from '../channel/v1';
import { MockChannelV1, MockLanguageModelV1, mockStream, mockUsage } from '../test';
import { createBot } from './create-bot';

async function collect(stream: AsyncIterable<AnswerStreamPart>): Promise<AnswerStreamPart[]> {
  const parts: AnswerStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('createBot with channels', () => {
  it('answers a webhook message in the background and replies through the same channel', async () => {
    const channel = new MockChannelV1({ platform: 'zalo' });
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ, áo thun cotton giá 150.000đ ạ.' });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever(), channels: { zalo: channel } });
    const replies: string[] = [];
    bot.on('reply.generated', ({ result }) => replies.push(result.text));
    const body = JSON.stringify({ conversation: 'user-9', sender: 'user-9', text: 'ao thun cotton gia bn', eventId: 'evt-1' });
    const response = await bot.webhooks.zalo(new Request('http://localhost/webhooks/zalo', { method: 'POST', body }));
    expect(response.status).toBe(200);
    // The provider retries the same delivery: answered once.
    await bot.webhooks.zalo(new Request('http://localhost/webhooks/zalo', { method: 'POST', body }));
    await bot.idle();
    expect(channel.doSendCalls).toHaveLength(1);
    expect(channel.doSendCalls[0]).toMatchObject({ conversationId: 'zalo:user-9', message: { text: 'Dạ, áo thun cotton giá 150.000đ ạ.' } });
    expect(replies).toEqual(['Dạ, áo thun cotton giá 150.000đ ạ.']);
  });

  it('offers a person as a quick reply after a fallback, and records delivery failures', async () => {
    const channel = new MockChannelV1({
      platform: 'web',
      doSend: { status: 'failed', error: { code: 'window_closed', message: 'Hết hạn cửa sổ trả lời', retryable: false } },
    });
    const bot = createBot({ tenantId: 'shop-a', retriever: createShopRetriever(), channels: { web: channel } });
    const errors: unknown[] = [];
    bot.on('error', (event) => errors.push(event));
    await bot.initialize();
    await channel.receiveText({ conversation: 'v1', sender: 'v1', text: 'Shop có nhận đặt bánh sinh nhật không?' });
    await bot.idle();
    expect(channel.doSendCalls[0]?.message).toMatchObject({ quickReplies: ['Gặp nhân viên'] });
    expect(errors).toEqual([]);
  });
});

describe('streaming', () => {
  it('streams model text deltas, then a finish part with the full result', async () => {
    const text = 'Dạ, áo thun cotton có ba màu: trắng, đen và be. Chất vải mát, thấm hút mồ hôi tốt, rất hợp mặc đi làm hay đi chơi ạ.';
    const model = new MockLanguageModelV1({ doGenerate: text });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever() });
    const parts = await collect(bot.stream('Áo thun cotton có màu gì?'));
    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('')).toBe(text);
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.result).toMatchObject({ route: 'cheap', text });
    expect(model.doStreamCalls).toHaveLength(1);
  });

  it('streams a cached or FAQ answer as one delta', async () => {
    const bot = createBot({ tenantId: 'shop-a', model: new MockLanguageModelV1({ doGenerate: 'x' }), retriever: createShopRetriever() });
    const parts = await collect(bot.stream('shop mở cửa mấy giờ'));
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'finish']);
    expect(parts[1]?.type === 'finish' && parts[1].result.route).toBe('faq');
  });

  it('never streams a leaked system prompt: emission stops and the result is the safe fallback', async () => {
    const model = new MockLanguageModelV1({
      doStream: ({ prompt }) => {
        const leaked = `Dạ vâng. ${prompt[0]?.content ?? ''}`;
        const parts: LanguageModelV1StreamPart[] = [
          ...(leaked.match(/.{1,12}/gs) ?? []).map((delta) => ({ type: 'text-delta' as const, delta })),
          { type: 'finish', finishReason: 'stop', usage: mockUsage(10, 10) },
        ];
        return { stream: mockStream(parts), warnings: [] };
      },
    });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever() });
    const parts = await collect(bot.stream('Áo thun cotton có màu gì?'));
    const streamed = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
    const system = model.doStreamCalls[0]?.prompt[0]?.content ?? '';
    const rules = system.split('\n').slice(1);
    for (const rule of rules) expect(streamed).not.toContain(rule.slice(0, 60));
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.result).toMatchObject({ route: 'fallback', routeReason: 'output-guard' });
  });

  it('fails over before the first delta when the stream cannot start', async () => {
    const primary = new MockLanguageModelV1({
      doStream: () => {
        throw new ProviderError({ provider: 'openai', upstreamStatus: 503, message: 'overloaded' });
      },
    });
    const backup = new MockLanguageModelV1({ modelId: 'backup', doGenerate: 'Dạ, áo thun cotton có màu trắng, đen, be ạ.' });
    const bot = createBot({ tenantId: 'shop-a', model: primary, failover: backup, retriever: createShopRetriever() });
    const parts = await collect(bot.stream('Áo thun cotton có màu gì?'));
    expect(parts.at(-1)?.type === 'finish' && parts.at(-1)).toMatchObject({ result: { model: 'mock-provider:backup' } });
  });
});

describe('provider registry and middleware', () => {
  const provider = (name: string): ProviderV1 => ({
    specificationVersion: 'v1',
    name,
    languageModel: (modelId) => new MockLanguageModelV1({ provider: `${name}.chat`, modelId, doGenerate: `${name}/${modelId}` }),
  });

  it("resolves 'provider:model' strings, including model ids with the separator", async () => {
    const registry = createProviderRegistry({ openai: provider('openai'), ollama: provider('ollama') });
    expect(registry.languageModel('openai:gpt-4o-mini').modelId).toBe('gpt-4o-mini');
    expect(registry.languageModel('ollama:qwen2.5:7b').modelId).toBe('qwen2.5:7b');
    // @ts-expect-error: 'mistral' is not a registered provider, a compile error as well.
    expect(() => registry.languageModel('mistral:large')).toThrow(NoSuchModelError);
    expect(() => registry.embeddingModel('openai:text-embedding-3-small')).toThrow(NoSuchModelError);
    const bot = createBot({ tenantId: 'shop-a', registry, models: { cheap: 'openai:gpt-4o-mini', premium: 'openai:gpt-4o' }, retriever: createShopRetriever() });
    expect((await bot.answer('Áo thun cotton có màu gì?')).text).toBe('openai/gpt-4o-mini');
  });

  it('applies middleware outermost-first: transformParams, wrapGenerate', async () => {
    const order: string[] = [];
    const base = new MockLanguageModelV1({ doGenerate: 'ok' });
    const model = wrapLanguageModel({
      model: base,
      middleware: [
        { transformParams: ({ params }) => (order.push('a.transform'), { ...params, maxOutputTokens: 42 }), wrapGenerate: async ({ doGenerate }) => (order.push('a.wrap'), doGenerate()) },
        { wrapGenerate: async ({ doGenerate }) => (order.push('b.wrap'), { ...(await doGenerate()), text: 'changed' }) },
      ],
    });
    const result = await model.doGenerate({ prompt: [{ role: 'user', content: 'hi' }] });
    expect(result.text).toBe('changed');
    expect(base.doGenerateCalls[0]?.maxOutputTokens).toBe(42);
    expect(order).toEqual(['a.transform', 'a.wrap', 'b.wrap']);
  });

  it('rejects invalid options with a Vietnamese and English message', () => {
    expect(() => createBot({ limits: { maxOutputTokens: -1 } })).toThrow(expect.objectContaining({ status: 400, messageVi: 'Cấu hình bot không hợp lệ' }));
    expect(() => createBot({ persona: { tone: 'hài hước' } })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => createBot({ model: 'openai:gpt-4o-mini' })).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('typing', () => {
  it('types webhooks by channel name', () => {
    const bot = createBot({ channels: { zalo: new MockChannelV1({ platform: 'zalo' }) } });
    expect(typeof bot.webhooks.zalo).toBe('function');
    // @ts-expect-error: no channel named telegram was configured.
    expect(bot.webhooks.telegram).toBeUndefined();
  });

  it('accepts channels whose conversation reference is not a string (Zalo, Messenger, web)', () => {
    interface PageRef { pageId: string; userId: string }
    const base = new MockChannelV1({ platform: 'messenger' });
    const messenger: ChannelV1<PageRef> = Object.assign(Object.create(base) as MockChannelV1, {
      encodeConversationId: (ref: PageRef) => `messenger:${ref.pageId}:${ref.userId}`,
      decodeConversationId: (id: string): PageRef => {
        const [, pageId = '', userId = ''] = id.split(':');
        return { pageId, userId };
      },
    });
    const bot = createBot({ channels: { messenger } });
    expect(typeof bot.webhooks.messenger).toBe('function');
    expect(messenger.decodeConversationId(messenger.encodeConversationId({ pageId: 'p1', userId: 'u1' }))).toEqual({ pageId: 'p1', userId: 'u1' });
  });
});

describe('delivery through a channel', () => {
  it('splits long replies at sentence boundaries to fit the channel and shows typing first', async () => {
    const channel = new MockChannelV1({ platform: 'zalo', capabilities: { maxTextLength: 80, typingIndicator: true, messageParts: ['text'] } });
    const typing: string[] = [];
    Object.assign(channel, { startTyping: async (conversationId: string) => void typing.push(conversationId) });
    const sentence = 'Dạ, áo thun cotton có màu trắng, đen và be ạ. ';
    const model = new MockLanguageModelV1({ doGenerate: sentence.repeat(4).trim() });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever(), channels: { zalo: channel } });
    await bot.initialize();
    await channel.receiveText({ conversation: 'u1', sender: 'u1', text: 'Áo thun cotton có màu gì?' });
    await bot.idle();
    expect(typing).toEqual(['zalo:u1']);
    expect(channel.doSendCalls.length).toBeGreaterThan(1);
    for (const call of channel.doSendCalls) expect(call.message.text!.length).toBeLessThanOrEqual(80);
    expect(channel.doSendCalls.map((call) => call.message.text).join(' ')).toBe(sentence.repeat(4).trim());
  });
});
