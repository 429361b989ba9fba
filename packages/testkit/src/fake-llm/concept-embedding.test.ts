import { afterEach, describe, expect, it } from 'vitest';
import type { FakeLlmServer } from './fake-llm-types';
import { conceptEmbedding, fakeEmbedding, startFakeOpenAI } from './index';

let server: FakeLlmServer | undefined;
afterEach(async () => server?.close());

const cosine = (a: number[], b: number[]): number => a.reduce((sum, value, index) => sum + value * b[index]!, 0);

describe('conceptEmbedding', () => {
  it('puts synonyms close together and unrelated texts apart, deterministically', () => {
    const laptop = conceptEmbedding('Laptop Dell XPS 13', 64);
    const question = conceptEmbedding('máy tính xách tay nào', 64);
    const refund = conceptEmbedding('chính sách hoàn tiền', 64);
    expect(cosine(laptop, question)).toBeGreaterThan(0.5);
    expect(cosine(laptop, refund)).toBeLessThan(0.2);
    expect(conceptEmbedding('Laptop Dell XPS 13', 64)).toEqual(laptop);
    expect(Math.hypot(...laptop)).toBeCloseTo(1, 5);
  });

  it('is served by the fake OpenAI /v1/embeddings when passed as embedder', async () => {
    server = await startFakeOpenAI({ embedder: conceptEmbedding, embeddingDimensions: 32 });
    const response = await fetch(`${server.baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: ['ship tận nơi', 'giao hàng'] }),
    });
    const body = (await response.json()) as { data: Array<{ embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(body.data.map((item) => item.embedding)).toEqual([conceptEmbedding('ship tận nơi', 32), conceptEmbedding('giao hàng', 32)]);
    expect(body.data[0]!.embedding).not.toEqual(fakeEmbedding('ship tận nơi', 32));
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
  });
});
