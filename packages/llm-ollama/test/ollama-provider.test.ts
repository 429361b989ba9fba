import { startFakeOllama, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOllama } from '../src';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeOllama({ models: ['qwen2.5:7b', 'bge-m3'] });
});
afterAll(async () => server.close());
beforeEach(() => server.reset());

const prompt = [{ role: 'user' as const, content: 'Chào shop' }];

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('createOllama', () => {
  it('is a ProviderV1 named ollama and validates its settings', () => {
    const ollama = createOllama({ host: server.baseURL });
    expect(ollama).toMatchObject({ specificationVersion: 'v1', name: 'ollama' });
    expect(ollama.languageModel('qwen2.5:7b').provider).toBe('ollama.chat');
    expect(ollama.embeddingModel('bge-m3')).toMatchObject({ provider: 'ollama.embedding', maxEmbeddingsPerCall: 512, supportsParallelCalls: false });
    expect(() => createOllama({ host: '' })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => createOllama({ host: server.baseURL, timeoutMs: 1.5 })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => ollama.languageModel('')).toThrow(expect.objectContaining({ code: 'no_such_model' }));
  });

  it('maps maxOutputTokens, temperature and providerOptions to Ollama options, with our User-Agent', async () => {
    await createOllama({ host: server.baseURL, headers: { 'x-tenant': 't1' } })
      .languageModel('qwen2.5:7b')
      .doGenerate({
        prompt,
        maxOutputTokens: 64,
        temperature: 0.3,
        headers: { 'x-request': 'r1' },
        providerOptions: { ollama: { keepAlive: '10m', options: { num_ctx: 4096 } } },
      });
    const request = server.requests[0];
    expect(request?.body).toMatchObject({ stream: false, keep_alive: '10m', options: { num_ctx: 4096, num_predict: 64, temperature: 0.3 } });
    expect(request?.headers['user-agent']).toMatch(/^agent-chatbot-llm-ollama\//u);
    expect(request?.headers).toMatchObject({ 'x-tenant': 't1', 'x-request': 'r1' });
  });

  it('accepts host:port without a scheme, like OLLAMA_HOST', async () => {
    const result = await createOllama({ host: server.baseURL.replace('http://', '') }).languageModel('m').doGenerate({ prompt });
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('retries a 503 with exponential backoff and returns the answer', async () => {
    server.failNext({ type: 'status', status: 503 });
    const result = await createOllama({ host: server.baseURL, retryDelayMs: 5 }).languageModel('m').doGenerate({ prompt });
    expect(result.text.length).toBeGreaterThan(0);
    expect(server.requests.map((request) => request.status ?? 200)).toEqual([503, 200]);
  });

  it('reports an unreachable server as a retryable ProviderError after retrying', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const error = await createOllama({ host, maxRetries: 1, retryDelayMs: 5 })
      .languageModel('m')
      .doGenerate({ prompt })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ProviderError', isRetryable: true, status: 502 });
  });
});

describe('validateCredentials', () => {
  it('resolves with one GET /api/tags', async () => {
    await createOllama({ host: server.baseURL }).validateCredentials();
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /api/tags']);
  });

  it('sends the key as Bearer and maps a rejected key to AuthenticationError', async () => {
    const hosted = await startFakeOllama({ apiKey: 'ollama-key' });
    try {
      await createOllama({ host: hosted.baseURL, apiKey: 'ollama-key' }).validateCredentials();
      const error = await createOllama({ host: hosted.baseURL, apiKey: 'wrong' })
        .validateCredentials()
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'AuthenticationError', status: 401 });
      expect(hosted.requests[0]?.headers.authorization).toBe('Bearer ollama-key');
    } finally {
      await hosted.close();
    }
  });
});

describe('embeddingModel', () => {
  it('sends dimensions and leaves usage out when Ollama reports none', async () => {
    server.setReportUsage(false);
    const model = createOllama({ host: server.baseURL }).embeddingModel('bge-m3', { dimensions: 8 });
    const result = await model.doEmbed({ values: ['a', 'b'] });
    expect(result.embeddings).toHaveLength(2);
    expect(result.usage).toBeUndefined();
    expect(server.requests[0]?.body).toMatchObject({ model: 'bge-m3', dimensions: 8, input: ['a', 'b'] });
  });
});
