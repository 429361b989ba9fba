import { AgentChatbotError } from '@agent-chatbot/core';
import { startFakeAnthropic, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { convertToAnthropicPrompt, createAnthropic } from '../src';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeAnthropic({ models: ['claude-haiku-4-5'] });
});
afterAll(async () => server.close());
beforeEach(() => server.reset());

const provider = (extra: Parameters<typeof createAnthropic>[0] = {}) =>
  createAnthropic({ apiKey: server.apiKey, baseURL: server.baseURL, ...extra });

describe('convertToAnthropicPrompt', () => {
  it('hoists system messages and merges consecutive turns of one role', () => {
    expect(
      convertToAnthropicPrompt([
        { role: 'system', content: 'Bạn là trợ lý.' },
        { role: 'user', content: 'Câu 1' },
        { role: 'user', content: 'Câu 2' },
        { role: 'system', content: 'Trả lời ngắn.' },
        { role: 'assistant', content: 'Dạ' },
      ]),
    ).toEqual({
      system: 'Bạn là trợ lý.\n\nTrả lời ngắn.',
      messages: [
        { role: 'user', content: 'Câu 1\n\nCâu 2' },
        { role: 'assistant', content: 'Dạ' },
      ],
    });
  });
});

describe('createAnthropic', () => {
  it('is a ProviderV1 named anthropic with messages models', () => {
    const anthropic = provider();
    expect(anthropic).toMatchObject({ specificationVersion: 'v1', name: 'anthropic' });
    expect(anthropic.languageModel('claude-haiku-4-5')).toMatchObject({ provider: 'anthropic.messages', modelId: 'claude-haiku-4-5' });
    expect(() => anthropic.languageModel('')).toThrow(expect.objectContaining({ code: 'no_such_model' }));
    expect(() => provider({ timeoutMs: -5 })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('sends a default max_tokens, the version header and a package User-Agent', async () => {
    await provider({ headers: { 'anthropic-beta': 'x' } })
      .languageModel('claude-haiku-4-5')
      .doGenerate({ prompt: [{ role: 'user', content: 'Chào' }] });
    const request = server.requests[0];
    expect(request?.body).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 1024 });
    expect(request?.body).not.toHaveProperty('system');
    expect(request?.headers['anthropic-version']).toBeDefined();
    expect(request?.headers['anthropic-beta']).toBe('x');
    expect(request?.headers['user-agent']).toMatch(/^agent-chatbot-llm-anthropic\/\S+ Anthropic\/JS \d/u);
  });

  it('clamps temperature above 1 with a warning and forwards providerOptions.anthropic', async () => {
    const result = await provider()
      .languageModel('m')
      .doGenerate({ prompt: [{ role: 'user', content: 'Chào' }], temperature: 1.5, providerOptions: { anthropic: { topK: 5, userId: 'c_1' } } });
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'temperature' })]);
    expect(server.requests[0]?.body).toMatchObject({ temperature: 1, top_k: 5, metadata: { user_id: 'c_1' } });
  });

  it('treats 529 overloaded as a retryable ProviderError', async () => {
    server.failNext({ type: 'status', status: 529, retryAfterMs: 5 }, 5);
    const error: unknown = await provider({ maxRetries: 1 })
      .languageModel('m')
      .doGenerate({ prompt: [{ role: 'user', content: 'Chào' }] })
      .catch((caught: unknown) => caught);
    expect(AgentChatbotError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ name: 'ProviderError', upstreamStatus: 529, isRetryable: true });
    expect(server.requests).toHaveLength(2);
  });
});

describe('validateCredentials', () => {
  it('resolves for a working key with one GET /v1/models', async () => {
    await provider().validateCredentials();
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /v1/models']);
  });

  it('rejects a wrong key with AuthenticationError', async () => {
    const error = await createAnthropic({ apiKey: 'sk-ant-wrong', baseURL: server.baseURL })
      .validateCredentials()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'AuthenticationError', status: 401 });
  });
});
