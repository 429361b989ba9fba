import { describe, expect, it } from 'vitest';
import { createBot } from '../bot';
import type { BotEventMap } from './bot-events';
import { createMemoryConversationStore } from './memory-conversation-store';
import { FALLBACK_MARKER } from './prompt';
import { createShopRetriever, createTierModels, SHOP_CHUNKS, TEST_PRICES } from './__fixtures__/shop-knowledge';

function setup(options: { answer?: Parameters<typeof createTierModels>[0]; noModel?: boolean } = {}) {
  const models = createTierModels(options.answer);
  const store = createMemoryConversationStore();
  const events: Array<{ name: keyof BotEventMap; payload: unknown }> = [];
  const record = <K extends keyof BotEventMap>(name: K) => ((payload: unknown) => events.push({ name, payload })) as BotEventMap[K];
  const bot = createBot({
    tenantId: 'shop-a',
    ...(options.noModel ? {} : { models: { cheap: models.cheap, premium: models.premium } }),
    retriever: createShopRetriever(),
    store,
    prices: TEST_PRICES,
    persona: { name: 'Mai', businessName: 'Shop Hoa Mai' },
    events: {
      'cache.hit': record('cache.hit'),
      'cache.miss': record('cache.miss'),
      'fallback.triggered': record('fallback.triggered'),
      'handoff.requested': record('handoff.requested'),
      'message.received': record('message.received'),
      'reply.generated': record('reply.generated'),
      'usage.recorded': record('usage.recorded'),
    },
  });
  const named = (name: keyof BotEventMap) => events.filter((event) => event.name === name);
  return { bot, models, store, named };
}

const conversation = { externalConversationId: 'zalo-user-1', channel: 'zalo' };

describe('answer routes', () => {
  it('answers one clearly matching FAQ entry directly, without a model call', async () => {
    const { bot, models } = setup();
    const result = await bot.answer({ ...conversation, text: 'shop mo cua may gio vay?' });
    expect(result).toMatchObject({ route: 'faq', routeReason: 'faq-match', tokensIn: 0, costVnd: 0, cacheHit: false });
    expect(result.text).toContain('8h đến 21h');
    expect(result.sources[0]?.id).toBe('faq-hours');
    expect(models.cheap.doGenerateCalls).toHaveLength(0);
  });

  it('serves a repeated question and a paraphrase from the cache', async () => {
    const { bot, models, named } = setup();
    const first = await bot.answer({ ...conversation, text: 'Áo thun cotton có những màu gì?' });
    expect(first.route).toBe('cheap');
    const repeat = await bot.answer({ externalConversationId: 'other-user', text: 'Áo thun cotton có những màu gì?' });
    expect(repeat).toMatchObject({ route: 'cache', cacheHit: true, text: first.text, tokensIn: 0 });
    expect(repeat.routeReason).toBe('exact-cache:cheap');
    const paraphrase = await bot.answer({ externalConversationId: 'third-user', text: 'ao thun cotton co nhung mau gi vay shop' });
    expect(paraphrase).toMatchObject({ route: 'cache', cacheHit: true, text: first.text });
    expect(paraphrase.routeReason).toMatch(/^semantic-cache/);
    expect(models.cheap.doGenerateCalls).toHaveLength(1);
    expect(named('cache.hit').map((event) => (event.payload as { kind: string }).kind)).toEqual(['exact', 'semantic']);
    expect(named('cache.miss').map((event) => (event.payload as { question: string }).question)).toEqual(['Áo thun cotton có những màu gì?']);
  });

  it('skips the cache when asked (Cache-Control: no-cache)', async () => {
    const { bot, models } = setup();
    const question = 'Áo thun cotton có những màu gì?';
    await bot.answer({ ...conversation, text: question });
    const again = await bot.answer({ ...conversation, text: question, skipCache: true });
    expect(again.route).toBe('cheap');
    expect(models.cheap.doGenerateCalls).toHaveLength(2);
  });

  it('never caches questions that point back at the conversation', async () => {
    const { bot, models } = setup();
    await bot.answer({ ...conversation, text: 'Áo thun cotton giá bao nhiêu?' });
    await bot.answer({ ...conversation, text: 'sản phẩm đó còn màu đen không?' });
    await bot.answer({ externalConversationId: 'b', text: 'sản phẩm đó còn màu đen không?' });
    expect(models.cheap.doGenerateCalls.length).toBe(3);
  });

  it('uses the cheap model by default and stores every decision on the reply', async () => {
    const { bot, store } = setup();
    const result = await bot.answer({ ...conversation, text: 'Áo thun cotton giá bao nhiêu?' });
    expect(result).toMatchObject({ route: 'cheap', routeReason: 'default-cheap', model: 'openai:gpt-4o-mini', keySource: 'own' });
    expect(result.tokensIn).toBeGreaterThan(0);
    expect(result.costVnd).toBeGreaterThanOrEqual(1);
    const reply = store.allMessages('shop-a').find((message) => message.id === result.replyMessageId);
    expect(reply).toMatchObject({
      role: 'bot', route: 'cheap', routeReason: 'default-cheap', model: 'openai:gpt-4o-mini',
      tokensIn: result.tokensIn, tokensOut: result.tokensOut, costVnd: result.costVnd, inReplyTo: result.customerMessageId,
    });
    expect(reply?.sources?.map((source) => source.id)).toContain('product-ao-thun');
  });

  it('sends long or multi-part questions to the premium model', async () => {
    const { bot, models } = setup();
    const multi = await bot.answer({ ...conversation, text: 'Áo thun cotton giá bao nhiêu? Giao hàng Hà Nội mất mấy ngày và có đổi trả không?' });
    expect(multi).toMatchObject({ route: 'premium', routeReason: 'multi-part', model: 'openai:gpt-4o' });
    const long = await bot.answer({
      ...conversation,
      text: `Mình cao 1m60 nặng 55kg, ${'muốn mua áo thun cotton để mặc đi làm hằng ngày trong mùa hè nóng bức, '.repeat(4)}nên chọn size nào`,
    });
    expect(long).toMatchObject({ route: 'premium', routeReason: 'long-question' });
    expect(models.premium.doGenerateCalls).toHaveLength(2);
  });

  it('uses premium for a tenant that chose it, and honours a per-request tier', async () => {
    const models = createTierModels();
    const bot = createBot({ tenantId: 'shop-a', models, retriever: createShopRetriever(), limits: { tier: 'premium' } });
    expect(await bot.answer('Áo thun cotton có màu gì?')).toMatchObject({ route: 'premium', routeReason: 'tenant-premium', model: 'openai:gpt-4o' });
    expect(await bot.answer({ text: 'Áo thun cotton có size nào?', tier: 'cheap' })).toMatchObject({ route: 'cheap', routeReason: 'request-cheap' });
  });

  it('escalates to premium when the cheap answer is a fallback', async () => {
    const { bot, models } = setup({ answer: (tier) => (tier === 'cheap' ? FALLBACK_MARKER : 'Dạ, áo thun cotton có màu trắng, đen, be ạ.') });
    const result = await bot.answer({ ...conversation, text: 'Áo thun cotton có mấy màu?' });
    expect(result).toMatchObject({ route: 'premium', routeReason: 'cheap-fallback', text: 'Dạ, áo thun cotton có màu trắng, đen, be ạ.' });
    expect(models.cheap.doGenerateCalls).toHaveLength(1);
    expect(result.tokensIn).toBeGreaterThan(models.premium.doGenerateCalls.length);
  });

  it('answers without a model: the best FAQ, a product card, or the fallback with an offer of a person', async () => {
    const { bot } = setup({ noModel: true });
    const faq = await bot.answer({ ...conversation, text: 'giao hang di tinh bao lau vay shop, co nhanh khong' });
    expect(faq.route === 'faq' || faq.route === 'no-llm').toBe(true);
    expect(faq.text).toContain('3–5 ngày');
    const product = await bot.answer({ ...conversation, text: 'ao thun cotton gia bn' });
    expect(product).toMatchObject({ route: 'no-llm', routeReason: 'no-model:product' });
    expect(product.text).toContain('Giá: 150.000đ');
    const nothing = await bot.answer({ ...conversation, text: 'Vết bẩn dầu mỡ xử lý thế nào?' });
    expect(nothing).toMatchObject({ route: 'fallback', quickReplies: ['Gặp nhân viên'] });
  });

  it('records fallbacks and hands over to a person after two in a row', async () => {
    const { bot, store, named } = setup();
    const first = await bot.answer({ ...conversation, text: 'World Cup 2026 ai vô địch?' });
    expect(first).toMatchObject({ route: 'fallback', routeReason: 'nothing-relevant', handoff: false, quickReplies: ['Gặp nhân viên'] });
    const second = await bot.answer({ ...conversation, text: 'Ai là tổng thống Mỹ?' });
    expect(second).toMatchObject({ route: 'fallback', handoff: true, routeReason: 'nothing-relevant+handoff' });
    expect(second.text).toContain('chuyển cuộc trò chuyện');
    expect(named('fallback.triggered').map((event) => (event.payload as { consecutive: number }).consecutive)).toEqual([1, 2]);
    expect(named('handoff.requested')[0]?.payload).toMatchObject({ reason: 'consecutive-fallbacks' });
    const stored = await store.getConversation({ tenantId: 'shop-a', conversationId: second.conversationId });
    expect(stored).toMatchObject({ mode: 'human', needsHuman: true });
  });

  it('a relevant answer resets the fallback count', async () => {
    const { bot } = setup();
    await bot.answer({ ...conversation, text: 'World Cup 2026 ai vô địch?' });
    await bot.answer({ ...conversation, text: 'shop mở cửa mấy giờ' });
    const third = await bot.answer({ ...conversation, text: 'Ai là tổng thống Mỹ?' });
    expect(third.handoff).toBe(false);
  });

  it('switches to a person on a handoff keyword typed without accents', async () => {
    const { bot, named, models } = setup();
    const result = await bot.answer({ ...conversation, text: 'cho minh GAP NHAN VIEN voi' });
    expect(result).toMatchObject({ route: 'handoff', routeReason: 'handoff-keyword', handoff: true });
    expect(named('handoff.requested')[0]?.payload).toMatchObject({ reason: 'keyword' });
    expect(models.cheap.doGenerateCalls).toHaveLength(0);
  });

  it('stays silent while a person holds the conversation, and notifies agents', async () => {
    const { bot, named, store, models } = setup();
    const first = await bot.answer({ ...conversation, text: 'Tôi muốn nói chuyện với người thật' });
    const during = await bot.answer({ ...conversation, text: 'Áo thun cotton giá bao nhiêu?' });
    expect(during).toMatchObject({ route: 'human', text: '', handoff: true });
    expect(named('handoff.requested').map((event) => (event.payload as { reason: string }).reason)).toEqual(['keyword', 'human-mode']);
    expect(models.cheap.doGenerateCalls).toHaveLength(0);
    expect(store.allMessages('shop-a').filter((message) => message.role === 'customer')).toHaveLength(2);
    await bot.setHumanMode({ conversationId: first.conversationId, human: false });
    expect((await bot.answer({ ...conversation, text: 'Áo thun cotton giá bao nhiêu?' })).route).toBe('cheap');
  });

  it('answers a redelivered message once', async () => {
    const { bot, models, named } = setup();
    const first = await bot.answer({ ...conversation, text: 'Áo thun cotton giá bao nhiêu?', externalMessageId: 'msg-1' });
    const again = await bot.answer({ ...conversation, text: 'Áo thun cotton giá bao nhiêu?', externalMessageId: 'msg-1' });
    expect(again).toMatchObject({ duplicate: true, text: first.text, replyMessageId: first.replyMessageId });
    expect(models.cheap.doGenerateCalls).toHaveLength(1);
    expect(named('message.received')).toHaveLength(1);
  });

  it('answers a redelivery that races the first attempt once (409 while in progress)', async () => {
    const { bot, models } = setup();
    const input = { ...conversation, text: 'Áo thun cotton giá bao nhiêu?', externalMessageId: 'msg-race' };
    const [first, second] = await Promise.allSettled([bot.answer(input), bot.answer(input)]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { status: 409, code: 'answer_in_progress' } });
    expect(models.cheap.doGenerateCalls).toHaveLength(1);
    expect(await bot.answer(input)).toMatchObject({ duplicate: true });
  });

  it('rejects empty and malformed input with a 400', async () => {
    const { bot } = setup();
    await expect(bot.answer({ text: '   ' })).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    await expect(bot.answer({ text: 'x'.repeat(5000) })).rejects.toMatchObject({ status: 400 });
  });

  it('knows the fixture covers every chunk kind', () => {
    expect(new Set(SHOP_CHUNKS.map((chunk) => chunk.metadata?.kind ?? 'passage'))).toEqual(new Set(['faq', 'product', 'passage']));
  });
});

describe('model fallback', () => {
  it('records a fallback when both tiers say the knowledge does not cover the question', async () => {
    const { bot, models, named } = setup({ answer: () => FALLBACK_MARKER });
    const result = await bot.answer({ ...conversation, text: 'Shop có bán điện thoại iPhone không?' });
    expect(result).toMatchObject({ route: 'fallback', routeReason: 'premium-fallback', quickReplies: ['Gặp nhân viên'] });
    expect(result.text).not.toContain(FALLBACK_MARKER);
    expect(models.cheap.doGenerateCalls).toHaveLength(1);
    expect(models.premium.doGenerateCalls).toHaveLength(1);
    expect(result.tokensIn).toBeGreaterThan(0);
    expect(named('fallback.triggered')).toHaveLength(1);
  });
});

describe('no-LLM choice', () => {
  it('offers a person rather than a loosely related card when a document passage fits better', async () => {
    const { bot } = setup({ noModel: true });
    const result = await bot.answer({ ...conversation, text: 'cách giặt áo thun' });
    expect(result).toMatchObject({ route: 'fallback', routeReason: 'no-model:nothing-answerable' });
  });
});
