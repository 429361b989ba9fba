import { describe, expect, it } from 'vitest';
import { createBot } from '../bot';
import { createMemoryCache } from '../cache/memory-cache';
import { MockLanguageModelV1 } from '../test';
import { createMemoryConversationStore } from './memory-conversation-store';
import { createShopRetriever, SHOP_CHUNKS } from './__fixtures__/shop-knowledge';

const userText = (model: MockLanguageModelV1, call = -1) => model.doGenerateCalls.at(call)?.prompt.at(-1)?.content ?? '';

describe('context limits', () => {
  it('sends the last 4 messages and a summary refreshed by the cheap model every N messages', async () => {
    const model = new MockLanguageModelV1({
      doGenerate: ({ prompt }) =>
        prompt[0]?.content.startsWith('Tóm tắt') ? 'Khách hỏi về áo thun cotton, size và giao hàng.' : 'Dạ, áo thun cotton có ạ.',
    });
    const store = createMemoryConversationStore();
    const bot = createBot({ tenantId: 'shop-a', model, store, retriever: createShopRetriever(), limits: { summaryEvery: 4 } });
    const turn = (index: number) => bot.answer({ externalConversationId: 'c1', text: `Áo thun cotton size M màu ${['đen', 'trắng', 'be', 'xám', 'xanh', 'đỏ'][index]} còn không, câu ${index}?` });
    let last;
    for (let index = 0; index < 6; index++) last = await turn(index);
    await bot.idle();
    const summaryCalls = model.doGenerateCalls.filter((call) => call.prompt[0]?.content.startsWith('Tóm tắt'));
    expect(summaryCalls.length).toBeGreaterThanOrEqual(1);
    const conversation = await store.getConversation({ tenantId: 'shop-a', conversationId: last!.conversationId });
    expect(conversation?.summary).toBe('Khách hỏi về áo thun cotton, size và giao hàng.');
    expect(conversation?.summaryMessageCount).toBeGreaterThan(0);

    await turn(5);
    await bot.idle();
    const answerCall = model.doGenerateCalls.filter((call) => !call.prompt[0]?.content.startsWith('Tóm tắt')).at(-1)!;
    const history = answerCall.prompt.filter((message, index) => index > 0 && index < answerCall.prompt.length - 1);
    expect(history).toHaveLength(4);
    expect(answerCall.prompt.at(-1)?.content).toContain('Khách hỏi về áo thun cotton, size và giao hàng.');
  });

  it('uses caller-supplied history instead of the stored messages', async () => {
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ có ạ.' });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever() });
    await bot.answer({
      text: 'Áo thun cotton còn màu đen không?',
      history: [
        { role: 'customer', content: 'chào shop' },
        { role: 'bot', content: 'Dạ chào anh/chị' },
        { role: 'customer', content: 'Áo thun cotton giá bao nhiêu?' },
        { role: 'bot', content: 'Dạ 150.000đ ạ.' },
        { role: 'customer', content: 'Có size L không?' },
      ],
    });
    const prompt = model.doGenerateCalls[0]!.prompt;
    expect(prompt.slice(1, -1).map((message) => message.content)).toEqual(['Dạ chào anh/chị', 'Áo thun cotton giá bao nhiêu?', 'Dạ 150.000đ ạ.', 'Có size L không?']);
  });

  it('caps the answer length: maxOutputTokens to the model, then trimming at a sentence', async () => {
    const long = `${'Dạ, áo thun cotton rất thoáng mát và dễ phối đồ. '.repeat(40)}Hết.`;
    const model = new MockLanguageModelV1({ doGenerate: long });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever(), limits: { maxOutputTokens: 120, maxAnswerChars: 300 } });
    const result = await bot.answer({ text: 'Áo thun cotton mặc có nóng không?' });
    expect(model.doGenerateCalls[0]?.maxOutputTokens).toBe(120);
    expect(result.text.length).toBeLessThanOrEqual(300);
    expect(result.text.endsWith('.')).toBe(true);
    const override = await bot.answer({ text: 'Áo thun cotton có co giãn không?', maxOutputTokens: 64 });
    expect(model.doGenerateCalls.at(-1)?.maxOutputTokens).toBe(64);
    expect(override.route).toBe('cheap');
  });

  it('puts at most the top 3 chunks in the prompt, trimmed to the token budget', async () => {
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ có ạ.' });
    const retriever = createShopRetriever();
    const bot = createBot({ tenantId: 'shop-a', model, retriever, limits: { contextTokens: 120 } });
    await bot.answer({ text: 'Cách giặt áo thun cotton và bảo quản túi da thế nào?' });
    expect(retriever.doRetrieveCalls[0]).toMatchObject({ namespace: 'shop-a', topK: 3 });
    const knowledge = /<kien_thuc[^>]*>([\s\S]*?)<\/kien_thuc/.exec(userText(model))?.[1] ?? '';
    expect(knowledge.length).toBeGreaterThan(50);
    expect(knowledge.length).toBeLessThanOrEqual(120 * 3 + 60);
    const care = SHOP_CHUNKS.find((chunk) => chunk.id === 'doc-care')!.text;
    expect(knowledge).not.toContain(care);
  });
});

describe('answer cache isolation', () => {
  it('never serves one tenant the answer cached for another, even with one shared cache', async () => {
    const cache = createMemoryCache();
    const retriever = createShopRetriever({
      'shop-a': SHOP_CHUNKS,
      'shop-b': [{ id: 'b-ao', text: 'Áo thun cotton của shop B giá 99.000đ, chỉ có màu xanh.', metadata: { kind: 'product', name: 'Áo B', price_vnd: 99_000 } }],
    });
    const modelA = new MockLanguageModelV1({ doGenerate: 'Dạ, shop A: áo thun 150.000đ ạ.' });
    const modelB = new MockLanguageModelV1({ doGenerate: 'Dạ, shop B: áo thun 99.000đ ạ.' });
    const botA = createBot({ tenantId: 'shop-a', model: modelA, retriever, cache });
    const botB = createBot({ tenantId: 'shop-b', model: modelB, retriever, cache });
    const question = 'Áo thun cotton có màu gì?';
    expect((await botA.answer({ text: question })).text).toContain('shop A');
    const b = await botB.answer({ text: question });
    expect(b).toMatchObject({ route: 'cheap', cacheHit: false });
    expect(b.text).toContain('shop B');
    expect(modelB.prompts[0]).not.toContain('150.000đ');
    expect((await botA.answer({ text: question })).route).toBe('cache');
  });

  it('keys answers by knowledge version and drops them on invalidation', async () => {
    let version = 1;
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ, áo thun có màu trắng, đen, be ạ.' });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever(), knowledgeVersion: () => version });
    const question = 'Áo thun cotton có màu gì?';
    await bot.answer({ text: question });
    expect((await bot.answer({ text: question })).route).toBe('cache');
    version = 2;
    expect((await bot.answer({ text: question })).route).toBe('cheap');
    expect(await bot.invalidateCache()).toBeGreaterThan(0);
    expect((await bot.answer({ text: question })).route).toBe('cheap');
  });
});

describe('conversations', () => {
  it('continues a conversation by id and hides it from other tenants (404)', async () => {
    const store = createMemoryConversationStore();
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ có ạ.' });
    const retriever = createShopRetriever({ 'shop-a': SHOP_CHUNKS, 'shop-b': SHOP_CHUNKS });
    const botA = createBot({ tenantId: 'shop-a', model, retriever, store });
    const botB = createBot({ tenantId: 'shop-b', model, retriever, store });
    const first = await botA.answer({ text: 'Áo thun cotton có màu gì?' });
    const second = await botA.answer({ conversationId: first.conversationId, text: 'Áo thun cotton có size nào?' });
    expect(second).toMatchObject({ conversationId: first.conversationId, contactId: first.contactId });
    expect(model.doGenerateCalls[1]?.prompt.map((message) => message.content)).toContain('Áo thun cotton có màu gì?');
    await expect(botB.answer({ conversationId: first.conversationId, text: 'xin chào' })).rejects.toMatchObject({ status: 404 });
    expect(store.allMessages('shop-b')).toHaveLength(0);
  });
});
