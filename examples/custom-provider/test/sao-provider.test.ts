import { createBot } from '@agent-chatbot/core';
import { MockRetrieverV1 } from '@agent-chatbot/core/test';
import { languageModelContract, type FakeServerStarter } from '@agent-chatbot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSao } from '../src';
import { startFakeSao, type FakeSaoServer } from './fake-sao-server';

// The testkit's conformance suite, against the fake Sao server. The testkit types its servers by
// the built-in wire formats; ours has the same controls and speaks Sao, hence the one cast.
languageModelContract({
  name: 'sao',
  server: startFakeSao as unknown as FakeServerStarter,
  create: (server, settings) => createSao({ apiKey: server.apiKey, baseURL: server.baseURL, ...settings }).languageModel('sao-mini'),
});

describe('Sao provider specifics', () => {
  let server: FakeSaoServer;
  beforeAll(async () => {
    server = await startFakeSao({ responder: () => 'Dạ, shop mở cửa từ 8h đến 21h ạ.' });
  });
  afterAll(async () => server?.close());

  it('speaks the Sao wire format: turns with speakers, the key header and the token limit', async () => {
    const model = createSao({ apiKey: server.apiKey, baseURL: server.baseURL }).languageModel('sao-pro');
    await model.doGenerate({ prompt: [{ role: 'system', content: 'Trả lời ngắn.' }, { role: 'user', content: 'Mấy giờ mở cửa?' }], maxOutputTokens: 50 });
    const request = server.requests.at(-1)!;
    expect(request.headers['x-sao-key']).toBe(server.apiKey);
    expect(request.body).toMatchObject({ model: 'sao-pro', turns: [{ speaker: 'instructions' }, { speaker: 'customer', text: 'Mấy giờ mở cửa?' }], limit: { max_tokens: 50 } });
  });

  it('throws NoSuchModelError for an unknown model id at once, and a typed 400 for bad settings', () => {
    expect(() => createSao({ apiKey: 'k' }).languageModel('gpt-4o')).toThrow(expect.objectContaining({ name: 'NoSuchModelError' }));
    expect(() => createSao({ apiKey: 'k', baseURL: 'not a url' })).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('answers customers through createBot with the usage Sao reported', async () => {
    const retriever = new MockRetrieverV1({ chunks: { default: [{ id: 'hours', text: 'Giờ mở cửa: 8h–21h mỗi ngày, kể cả Chủ nhật.' }] } });
    const bot = createBot({ model: createSao({ apiKey: server.apiKey, baseURL: server.baseURL }).languageModel('sao-mini'), retriever });
    const reply = await bot.answer('Shop mấy giờ mở cửa vậy?');
    expect(reply.text).toBe('Dạ, shop mở cửa từ 8h đến 21h ạ.');
    expect(reply.tokensOut).toBe(server.requests.at(-1)?.reported?.outputTokens);
    expect(JSON.stringify(server.requests.at(-1)?.messages)).toContain('8h–21h');
  });
});
