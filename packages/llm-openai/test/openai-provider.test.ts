import { AgentChatbotError } from '@agent-chatbot/core';
import { waitUntil } from '@agent-chatbot/testkit';
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAI } from '../src';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeOpenAI({ models: ['gpt-4o-mini', 'text-embedding-3-small'] });
});
afterAll(async () => server.close());
beforeEach(() => server.reset());

const prompt = [{ role: 'user' as const, content: 'Chào shop' }];
const provider = (extra: Parameters<typeof createOpenAI>[0] = {}) =>
  createOpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, ...extra });

async function rejection(run: () => Promise<unknown>): Promise<AgentChatbotError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(AgentChatbotError.isInstance(error)).toBe(true);
  return error as AgentChatbotError;
}

describe('createOpenAI', () => {
  it('is a ProviderV1 named openai, or the configured name', () => {
    expect(provider()).toMatchObject({ specificationVersion: 'v1', name: 'openai' });
    const deepseek = provider({ name: 'deepseek' });
    expect(deepseek.name).toBe('deepseek');
    expect(deepseek.languageModel('deepseek-chat').provider).toBe('deepseek.chat');
  });

  it('rejects bad settings and empty model ids with Vietnamese messages', () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      expect(() => createOpenAI({ baseURL: server.baseURL })).toThrow(/OPENAI_API_KEY/u);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
    expect(() => provider({ baseURL: 'not a url' })).toThrow(expect.objectContaining({ name: 'ValidationError', messageVi: expect.stringContaining('không hợp lệ') }));
    expect(() => provider({ maxRetries: -1 })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => provider().languageModel(' ')).toThrow(expect.objectContaining({ code: 'no_such_model' }));
  });

  it('sends the key, a User-Agent naming the package, custom and per-call headers', async () => {
    await provider({ headers: { 'x-tenant': 't1' }, organization: 'org-1' })
      .languageModel('gpt-4o-mini')
      .doGenerate({ prompt, headers: { 'x-request': 'r1', 'x-skip': undefined } });
    const headers = server.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe(`Bearer ${server.apiKey}`);
    expect(headers['user-agent']).toMatch(/^agent-chatbot-llm-openai\/\S+ OpenAI\/JS \d/u);
    expect(headers).toMatchObject({ 'x-tenant': 't1', 'x-request': 'r1', 'openai-organization': 'org-1' });
    expect(headers['x-skip']).toBeUndefined();
  });

  it('returns the response id, model and headers', async () => {
    const model = provider().languageModel('gpt-4o-mini');
    const result = await model.doGenerate({ prompt });
    expect(result.response).toMatchObject({ id: expect.stringMatching(/^chatcmpl-/u), modelId: 'gpt-4o-mini' });
    expect(result.response?.headers?.['content-type']).toBe('application/json');
    const streamed = await model.doStream({ prompt });
    expect(streamed.response?.headers?.['content-type']).toBe('text/event-stream');
    await streamed.stream.cancel();
  });

  it('uses max_tokens on compatible servers and max_completion_tokens when asked', async () => {
    await provider().languageModel('m').doGenerate({ prompt, maxOutputTokens: 50, temperature: 0.2 });
    await provider({ maxTokensParameter: 'max_completion_tokens' }).languageModel('m').doGenerate({ prompt, maxOutputTokens: 40 });
    expect(server.requests[0]?.body).toMatchObject({ max_tokens: 50, temperature: 0.2 });
    expect(server.requests[1]?.body).toMatchObject({ max_completion_tokens: 40 });
    expect(server.requests[1]?.body).not.toHaveProperty('max_tokens');
  });

  it('forwards providerOptions.openai and rejects unknown keys', async () => {
    const model = provider().languageModel('m');
    await model.doGenerate({ prompt, providerOptions: { openai: { user: 'c_1', seed: 7 }, anthropic: { ignored: true } } });
    expect(server.requests[0]?.body).toMatchObject({ user: 'c_1', seed: 7 });
    const error = await rejection(() => model.doGenerate({ prompt, providerOptions: { openai: { bogus: 1 } } }));
    expect(error.status).toBe(400);
    expect(server.requests).toHaveLength(1);
  });

  it('goes through a custom fetch', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    await provider({ fetch: counting }).languageModel('m').doGenerate({ prompt });
    expect(calls).toBe(1);
  });

  it('retries a 5xx with the SDK backoff when no retry-after is sent', async () => {
    server.failNext({ type: 'status', status: 503 });
    const started = Date.now();
    const result = await provider({ maxRetries: 1 }).languageModel('m').doGenerate({ prompt });
    expect(result.text.length).toBeGreaterThan(0);
    expect(server.requests.map((request) => request.status ?? 200)).toEqual([503, 200]);
    // The SDK waits 0.5 s × (0.75–1) before the first retry.
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it('cancels the HTTP request when the reader cancels the stream', async () => {
    const fake = await startFakeOpenAI({ chunkDelayMs: 30, responder: () => 'một hai ba bốn năm sáu bảy tám chín mười' });
    try {
      const { stream } = await createOpenAI({ apiKey: fake.apiKey, baseURL: fake.baseURL }).languageModel('m').doStream({ prompt });
      const reader = stream.getReader();
      expect((await reader.read()).value).toEqual({ type: 'text-delta', delta: 'một ' });
      await reader.cancel();
      // The server sees the client go away at its next chunk write (30 ms apart, later when busy),
      // before it could send the rest.
      await waitUntil(() => fake.requests[0]?.outcome !== 'ok', 'the fake saw the client go away', 10_000);
      expect(fake.requests[0]?.outcome).toBe('client-closed');
    } finally {
      await fake.close();
    }
  });
});

describe('validateCredentials', () => {
  it('resolves for a working key with one GET /models', async () => {
    await provider().validateCredentials();
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models']);
  });

  it('rejects a wrong key with AuthenticationError', async () => {
    const error = await rejection(() => createOpenAI({ apiKey: 'sk-wrong', baseURL: server.baseURL }).validateCredentials());
    expect(error.name).toBe('AuthenticationError');
    expect(error.message).not.toContain('sk-wrong');
  });
});

describe('embeddingModel', () => {
  it('knows OpenAI dimensions, sends floats and an explicit dimensions setting', async () => {
    expect(provider().embeddingModel('text-embedding-3-small').dimensions).toBe(1536);
    expect(provider().embeddingModel('custom-model').dimensions).toBeUndefined();
    const model = provider().embeddingModel('text-embedding-3-large', { dimensions: 256 });
    expect(model).toMatchObject({ dimensions: 256, maxEmbeddingsPerCall: 2048, supportsParallelCalls: true });
    await model.doEmbed({ values: ['a'] });
    expect(server.requests[0]?.body).toMatchObject({ encoding_format: 'float', dimensions: 256, input: ['a'] });
  });
});
