import type { EmbeddingModelV1 } from '@agent-chatbot/core';
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import type { ContractSuiteOptions } from './contract-suite';
import {
  DEFAULT_CONTRACT_SETTINGS,
  captureError,
  createCaseRegistrar,
  countRequests,
  expectTypedError,
  type ContractModelSettings,
  type FakeServerStarter,
} from '../fake-llm/contract-support';
import { fakeEmbedding } from '../fake-llm/fake-llm-text';
import type { FakeLlmServer } from '../fake-llm/fake-llm-types';

/** Options for {@link embeddingModelContract}. */
export interface EmbeddingModelContractOptions extends ContractSuiteOptions {
  /** Starts the fake server the model talks to (e.g. `startFakeOllama`). */
  readonly server: FakeServerStarter;
  /** Builds the embedding model under test against `server`, honouring `settings`. */
  readonly create: (server: FakeLlmServer, settings: ContractModelSettings) => EmbeddingModelV1;
}

const DIMENSIONS = 8;
const VALUES = ['áo thun cotton', 'giao hàng toàn quốc', 'đổi trả trong 7 ngày'];

/**
 * The conformance suite every {@link EmbeddingModelV1} runs against a fake provider server: one
 * vector per input in input order, reported usage, correct results above `maxEmbeddingsPerCall`
 * (several requests, none larger than the limit), no request for no input, and typed errors
 * (401, 429, 5xx after retries, timeouts).
 *
 * @example
 * ```ts
 * embeddingModelContract({
 *   name: 'ollama',
 *   server: startFakeOllama,
 *   create: (server, settings) => createOllama({ host: server.baseURL, ...settings }).embeddingModel('bge-m3'),
 * });
 * ```
 */
export function embeddingModelContract(options: EmbeddingModelContractOptions): void {
  const { test, verify } = createCaseRegistrar(options.skip);

  describe(`embeddingModelContract: ${options.name}`, () => {
    let server: FakeLlmServer;
    let model: EmbeddingModelV1;
    beforeAll(async () => {
      server = await options.server({ embeddingDimensions: DIMENSIONS });
      model = options.create(server, DEFAULT_CONTRACT_SETTINGS);
    });
    afterAll(async () => server?.close());
    beforeEach(() => server.reset());

    test('returns one vector per input, in input order', async () => {
      expect(model.specificationVersion).toBe('v1');
      const result = await model.doEmbed({ values: VALUES });
      expect(result.embeddings).toEqual(VALUES.map((value) => fakeEmbedding(value, DIMENSIONS)));
      expect(server.requests.at(-1)?.inputs).toEqual(VALUES);
    });

    test('reports the tokens the provider reported', async () => {
      const result = await model.doEmbed({ values: VALUES });
      expect(result.usage?.tokens).toBe(server.requests.at(-1)?.reported?.inputTokens);
    });

    test('splits more values than maxEmbeddingsPerCall into several requests, keeping order', async () => {
      const limit = model.maxEmbeddingsPerCall;
      if (limit === undefined || limit > 4_096) return;
      const values = Array.from({ length: limit + 1 }, (_, index) => `câu hỏi số ${index}`);
      const result = await model.doEmbed({ values });
      expect(result.embeddings).toHaveLength(values.length);
      expect(result.embeddings[0]).toEqual(fakeEmbedding(values[0] ?? '', DIMENSIONS));
      expect(result.embeddings.at(-1)).toEqual(fakeEmbedding(values.at(-1) ?? '', DIMENSIONS));
      const batches = server.requests.filter((request) => request.kind === 'embeddings');
      expect(batches.length).toBeGreaterThanOrEqual(2);
      for (const batch of batches) expect(batch.inputs?.length ?? 0).toBeLessThanOrEqual(limit);
      const reported = batches.reduce((sum, batch) => sum + (batch.reported?.inputTokens ?? 0), 0);
      expect(result.usage?.tokens).toBe(reported);
    });

    test('returns no vectors and makes no request for no values', async () => {
      const result = await model.doEmbed({ values: [] });
      expect(result.embeddings).toEqual([]);
      expect(countRequests(server, 'embeddings')).toBe(0);
    });

    test('maps 401 to AuthenticationError without retrying', async () => {
      server.failNext({ type: 'status', status: 401 });
      expectTypedError(await captureError(() => model.doEmbed({ values: VALUES })), 'AuthenticationError', 401);
      expect(countRequests(server, 'embeddings')).toBe(1);
    });

    test('maps 429 to a retryable RateLimitError after retrying', async () => {
      server.failNext({ type: 'status', status: 429, retryAfterMs: 15 }, Number.POSITIVE_INFINITY);
      const error = expectTypedError(await captureError(() => model.doEmbed({ values: VALUES })), 'RateLimitError', 429);
      expect(error.isRetryable).toBe(true);
      expect((error as unknown as { retryAfterMs?: number }).retryAfterMs).toBe(15);
      expect(countRequests(server, 'embeddings')).toBe(DEFAULT_CONTRACT_SETTINGS.maxRetries + 1);
    });

    test('maps persistent 5xx to a retryable ProviderError', async () => {
      server.failNext({ type: 'status', status: 503, retryAfterMs: 10 }, Number.POSITIVE_INFINITY);
      const error = expectTypedError(await captureError(() => model.doEmbed({ values: VALUES })), 'ProviderError', 502);
      expect(error.isRetryable).toBe(true);
      expect(countRequests(server, 'embeddings')).toBe(DEFAULT_CONTRACT_SETTINGS.maxRetries + 1);
    });

    test('throws TimeoutError when the provider hangs', async () => {
      const quick = options.create(server, { timeoutMs: 200, maxRetries: 0 });
      server.failNext({ type: 'hang' });
      expectTypedError(await captureError(() => quick.doEmbed({ values: VALUES })), 'TimeoutError', 504);
    });
    verify();
  });
}
