import { describe, expect, it } from 'vitest';
import { createBot } from '../bot';
import { AuthenticationError } from '../errors';
import { createMemoryRateLimiter } from '../rate-limiter/memory-rate-limiter';
import { MockEmbeddingModelV1, MockLanguageModelV1 } from '../test';
import { createShopRetriever } from './__fixtures__/shop-knowledge';
import type { ConversationStoreV1 } from './conversation-store';
import { createMemoryConversationStore } from './memory-conversation-store';

describe('semantic answer cache', () => {
  it('matches a near-duplicate by token-set similarity but never across a different size', async () => {
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ, người 55kg mặc size M vừa ạ.' });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever(), limits: { semanticCacheThreshold: 0.8 } });
    await bot.answer('Áo thun cotton size M cho người 55kg mặc vừa không?');
    const near = await bot.answer('áo thun cotton size M cho người 55kg mặc có vừa vặn ko shop ơi');
    expect(near.route).toBe('cache');
    const otherSize = await bot.answer('Áo thun cotton size L cho người 55kg mặc vừa không?');
    expect(otherSize.route).toBe('cheap');
  });

  it('uses embedding similarity when an embedding model is given', async () => {
    const embeddingModel = new MockEmbeddingModelV1();
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ, áo thun cotton có màu trắng, đen, be ạ.' });
    const bot = createBot({ tenantId: 'shop-a', model, embeddingModel, retriever: createShopRetriever(), limits: { semanticCacheThreshold: 0.99, embeddingCacheThreshold: 0.85 } });
    await bot.answer('Áo thun cotton màu gì đẹp nhất hiện nay');
    const similar = await bot.answer('Áo thun cotton màu gì đẹp nhất');
    expect(similar).toMatchObject({ route: 'cache', routeReason: 'semantic-cache:cheap' });
    expect(embeddingModel.doEmbedCalls.length).toBeGreaterThanOrEqual(2);
  });
});

describe('no usable key', () => {
  it('answers from the knowledge when the only key is rejected', async () => {
    const model = new MockLanguageModelV1({ doGenerate: () => { throw new AuthenticationError(); } });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever() });
    const result = await bot.answer('Túi da mini giá bao nhiêu?');
    expect(result).toMatchObject({ route: 'no-llm', routeReason: 'model-unavailable:unauthenticated:product' });
    expect(result.text).toContain('890.000đ');
    expect(result.text).toContain('Tạm hết hàng');
  });
});

describe('rate limit', () => {
  it('throws a 429 with Retry-After details once a contact empties its bucket', async () => {
    const bot = createBot({
      tenantId: 'shop-a',
      retriever: createShopRetriever(),
      rateLimiter: createMemoryRateLimiter(),
      limits: { rateLimit: { perContact: { capacity: 2, refillPerSecond: 0.01 } } },
    });
    const ask = () => bot.answer({ externalConversationId: 'spammer', text: 'shop mở cửa mấy giờ' });
    await ask();
    await ask();
    await expect(ask()).rejects.toMatchObject({ status: 429, code: 'rate_limited', messageVi: expect.stringContaining('đợi') });
    // Another customer still gets answered (from the cache this time).
    expect((await bot.answer({ externalConversationId: 'someone-else', text: 'shop mở cửa mấy giờ' })).route).toBe('cache');
  });
});

describe('persona and language', () => {
  it('puts the tone, name and language rule in the system prompt', async () => {
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ có ạ.' });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever(), persona: { name: 'Lan', businessName: 'Tiệm Lan', tone: 'ngắn gọn' } });
    await bot.answer('Áo thun cotton có màu gì?');
    const system = model.doGenerateCalls[0]?.prompt[0]?.content ?? '';
    expect(system).toContain('Bạn là Lan, trợ lý chăm sóc khách hàng của Tiệm Lan.');
    expect(system).toContain('tối đa 2 câu');
    expect(system).toContain('Trả lời bằng ngôn ngữ khách đang dùng (mặc định tiếng Việt)');
    await bot.answer({ text: 'Áo thun cotton có chất liệu gì?', tone: 'chuyên nghiệp' });
    expect(model.doGenerateCalls[1]?.prompt[0]?.content).toContain('quý khách');
  });

  it('lets the model answer an English question from the retrieved knowledge', async () => {
    const model = new MockLanguageModelV1({ doGenerate: 'We are open from 8am to 9pm every day.' });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever() });
    const result = await bot.answer('What time does the shop mo cua?');
    expect(result).toMatchObject({ route: 'cheap', text: 'We are open from 8am to 9pm every day.' });
    expect(model.prompts[0]).toContain('8h đến 21h');
  });
});

describe('small talk and accepting the offer of a person', () => {
  it('greets and thanks without a model or a fallback', async () => {
    const model = new MockLanguageModelV1({ doGenerate: 'x' });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever(), persona: { greeting: 'Chào anh/chị, em là Mai ạ!' } });
    expect(await bot.answer({ externalConversationId: 'c', text: 'Chào shop!' })).toMatchObject({ route: 'no-llm', routeReason: 'greeting', text: 'Chào anh/chị, em là Mai ạ!' });
    expect(await bot.answer({ externalConversationId: 'c', text: 'ok cam on shop nhieu' })).toMatchObject({ route: 'no-llm', routeReason: 'thanks' });
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('hands over when the customer says yes to the offer after a fallback', async () => {
    const bot = createBot({ tenantId: 'shop-a', retriever: createShopRetriever() });
    expect((await bot.answer({ externalConversationId: 'c', text: 'Shop có nhận đặt bánh sinh nhật không?' })).route).toBe('fallback');
    expect(await bot.answer({ externalConversationId: 'c', text: 'có ạ' })).toMatchObject({ route: 'handoff', routeReason: 'handoff-accepted', handoff: true });
    // Without a preceding offer, "có" is just a message.
    expect((await bot.answer({ externalConversationId: 'd', text: 'có ạ' })).route).not.toBe('handoff');
  });
});

describe('event listeners', () => {
  it('a throwing listener never breaks an answer', async () => {
    const errors: unknown[] = [];
    const bot = createBot({
      tenantId: 'shop-a',
      retriever: createShopRetriever(),
      events: {
        'reply.generated': () => {
          throw new Error('listener bug');
        },
        error: (event) => errors.push(event),
      },
    });
    expect((await bot.answer('shop mở cửa mấy giờ')).route).toBe('faq');
    expect(errors).toEqual([expect.objectContaining({ stage: 'listener' })]);
  });
});

describe('history reads', () => {
  it('a direct FAQ answer does not read the conversation history; a follow-up question and a model answer do', async () => {
    const memory = createMemoryConversationStore();
    let reads = 0;
    const store: ConversationStoreV1 = {
      ...memory,
      listMessages: (input) => {
        reads += 1;
        return memory.listMessages(input);
      },
    };
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ, áo thun cotton có màu trắng, đen, be ạ.' });
    const faqOnly = createBot({ tenantId: 'shop-a', retriever: createShopRetriever(), store });
    expect((await faqOnly.answer('shop mở cửa mấy giờ')).route).toBe('faq');
    expect(reads).toBe(0);
    const withModel = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever(), store });
    const first = await withModel.answer({ text: 'Áo thun cotton có màu gì?', skipCache: true });
    expect(first.route).toBe('cheap');
    expect(reads).toBe(1);
    await withModel.answer({ text: 'còn màu khác không?', conversationId: first.conversationId, skipCache: true });
    expect(reads).toBe(2); // one read serves both the follow-up's query and the prompt
  });
});
