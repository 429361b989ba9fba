import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createBot } from '../bot';
import { createShopRetriever } from '../engine/__fixtures__/shop-knowledge';
import { MockChannelV1, MockLanguageModelV1 } from '../test';
import { createBotFetchHandler, createBotRouter, toNodeHandler } from './index';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function shopBot() {
  const model = new MockLanguageModelV1({ doGenerate: 'Dạ, áo thun cotton có màu trắng, đen và be ạ.' });
  const channel = new MockChannelV1({ platform: 'web' });
  const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever(), channels: { web: channel } });
  return { bot, model, channel };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('@agent-chatbot/core/express', () => {
  it('serves answers as JSON from an Express app, keeps a session, and honours Cache-Control: no-cache', async () => {
    const { bot, model } = shopBot();
    const app = express();
    app.use('/bot', createBotRouter(bot));
    app.get('/health', (_request, response) => void response.send('ok'));
    const base = await listen(createServer(app));

    const first = await post(`${base}/bot/chat`, { message: 'Áo thun cotton có màu gì?', sessionId: 'visitor-1' });
    expect(first.status).toBe(200);
    const answer = (await first.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ answer: 'Dạ, áo thun cotton có màu trắng, đen và be ạ.', route: 'cheap', cache_hit: false, model: 'mock-provider:mock-model' });
    expect(typeof answer.tokens_in).toBe('number');
    const cached = (await (await post(`${base}/bot/chat`, { message: 'Áo thun cotton có màu gì?', sessionId: 'visitor-1' })).json()) as Record<string, unknown>;
    expect(cached).toMatchObject({ route: 'cache', cache_hit: true, conversation_id: answer.conversation_id });
    const fresh = (await (await post(`${base}/bot/chat`, { message: 'Áo thun cotton có màu gì?' }, { 'cache-control': 'no-cache' })).json()) as Record<string, unknown>;
    expect(fresh).toMatchObject({ route: 'cheap', cache_hit: false });
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(await (await fetch(`${base}/health`)).text()).toBe('ok');
  });

  it('answers bad input with a 400 carrying Vietnamese and English messages', async () => {
    const { bot } = shopBot();
    const app = express();
    app.use(express.json());
    app.use('/bot', createBotRouter(bot));
    const base = await listen(createServer(app));
    const bad = await post(`${base}/bot/chat`, { message: '' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'validation_failed', message: 'Invalid chat request', message_vi: 'Yêu cầu chat không hợp lệ' } });
    const parsed = await post(`${base}/bot/chat`, { message: 'shop mở cửa mấy giờ' });
    expect(await parsed.json()).toMatchObject({ route: 'faq' });
    const missing = await fetch(`${base}/bot/nothing`);
    expect(missing.status).toBe(404);
  });

  it('streams server-sent events: deltas, then done with the result', async () => {
    const { bot } = shopBot();
    const base = await listen(createServer(toNodeHandler(createBotFetchHandler(bot))));
    const response = await post(`${base}/chat`, { message: 'Áo thun cotton có màu gì?', stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text()).trim().split('\n\n').map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine?.slice('event: '.length), data: JSON.parse(dataLine?.slice('data: '.length) ?? 'null') as Record<string, unknown> };
    });
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { route: 'cheap' } });
    const deltas = events.filter((event) => event.event === 'delta').map((event) => event.data.delta).join('');
    expect(deltas).toBe('Dạ, áo thun cotton có màu trắng, đen và be ạ.');
  });

  it('routes channel webhooks to the bot and replies through the channel', async () => {
    const { bot, channel } = shopBot();
    const app = express();
    app.use('/bot', createBotRouter(bot));
    const base = await listen(createServer(app));
    const response = await post(`${base}/bot/webhooks/web`, { conversation: 'v7', sender: 'v7', text: 'Áo thun cotton có màu gì?' });
    expect(response.status).toBe(200);
    await bot.idle();
    expect(channel.doSendCalls[0]).toMatchObject({ conversationId: 'web:v7', message: { text: 'Dạ, áo thun cotton có màu trắng, đen và be ạ.' } });
  });
});
