import { describe, expect, it } from 'vitest';
import { RateLimitError } from '../errors';
import type { LanguageModelV1StreamPart } from '../language-model/v1';
import { MockChannelV1, MockEmbeddingModelV1, MockLanguageModelV1, MockRetrieverV1, mockUsage } from './index';

async function readAll(stream: ReadableStream<LanguageModelV1StreamPart>): Promise<LanguageModelV1StreamPart[]> {
  const parts: LanguageModelV1StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('MockLanguageModelV1', () => {
  const prompt = [{ role: 'user' as const, content: 'xin chào shop' }];

  it('answers with a string, counts usage and records calls', async () => {
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ chào anh/chị' });
    const result = await model.doGenerate({ prompt, maxOutputTokens: 50 });
    expect(result.text).toBe('Dạ chào anh/chị');
    expect(result.usage.inputTokens.total).toBe(4);
    expect(result.usage.outputTokens.total).toBe(4);
    expect(model.doGenerateCalls[0]?.maxOutputTokens).toBe(50);
  });

  it('follows a sequence, then repeats its last element', async () => {
    const model = new MockLanguageModelV1({ doGenerate: ['một', 'hai'] });
    const texts = [];
    for (let index = 0; index < 3; index++) texts.push((await model.doGenerate({ prompt })).text);
    expect(texts).toEqual(['một', 'hai', 'hai']);
  });

  it('propagates errors thrown by a function', async () => {
    const model = new MockLanguageModelV1({
      doGenerate: () => {
        throw new RateLimitError({ category: 'third-party' });
      },
    });
    await expect(model.doGenerate({ prompt })).rejects.toMatchObject({ code: 'rate_limited', isRetryable: true });
  });

  it('derives a stream from the generate value', async () => {
    const model = new MockLanguageModelV1({
      doGenerate: { text: 'a b c', finishReason: 'stop', usage: mockUsage(3, 3), warnings: [] },
    });
    const parts = await readAll((await model.doStream({ prompt })).stream);
    const text = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
    expect(text).toBe('a b c');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: { total: 3 } } });
    expect(model.doStreamCalls).toHaveLength(1);
  });
});

describe('MockEmbeddingModelV1', () => {
  it('gives similar texts similar vectors', async () => {
    const model = new MockEmbeddingModelV1();
    const { embeddings } = await model.doEmbed({ values: ['giá bao nhiêu', 'gia bao nhieu vay', 'giờ mở cửa'] });
    const dot = (left: number[], right: number[]) => left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);
    expect(dot(embeddings[0]!, embeddings[1]!)).toBeGreaterThan(dot(embeddings[0]!, embeddings[2]!));
  });
});

describe('MockRetrieverV1', () => {
  it('searches only the namespace asked for, accent-insensitively', async () => {
    const retriever = new MockRetrieverV1({
      chunks: { a: [{ id: 'a1', text: 'Giờ mở cửa: 8h đến 21h' }], b: [{ id: 'b1', text: 'Giờ mở cửa: 7h' }] },
    });
    const result = await retriever.doRetrieve({ namespace: 'a', query: 'gio mo cua', topK: 3 });
    expect(result.chunks.map((chunk) => chunk.id)).toEqual(['a1']);
    expect((await retriever.doRetrieve({ namespace: 'c', query: 'gio', topK: 3 })).chunks).toEqual([]);
  });
});

describe('MockChannelV1', () => {
  it('hands webhook bodies to the host and records sends', async () => {
    const channel = new MockChannelV1();
    const received: string[] = [];
    await channel.initialize({
      receive: async (events) => void received.push(...events.map((event) => event.message?.text ?? '')),
      getCache: () => {
        throw new Error('unused');
      },
      getLogger: () => ({ debug() {}, info() {}, warn() {}, error() {} }),
    });
    const response = await channel.handleWebhook(
      new Request('http://x/', { method: 'POST', body: JSON.stringify({ conversation: 'c', sender: 'u', text: 'hi' }) }),
    );
    expect(response.status).toBe(200);
    expect(received).toEqual(['hi']);
    expect((await channel.handleWebhook(new Request('http://x/', { method: 'POST', body: '{' }))).status).toBe(400);
    await channel.doSend({ conversationId: 'mock:c', message: { text: 'ok' } });
    expect(channel.doSendCalls[0]?.message.text).toBe('ok');
  });
});
