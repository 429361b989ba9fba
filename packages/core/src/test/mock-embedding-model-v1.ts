import type { EmbeddingModelV1, EmbeddingModelV1CallOptions, EmbeddingModelV1Result } from '../embedding-model/v1';
import { resolveMockValue, type MockValue } from './mock-value';

/** Settings of {@link MockEmbeddingModelV1}. */
export interface MockEmbeddingModelV1Settings {
  /** Provider name reported. */
  provider?: string;
  /** Model id reported. */
  modelId?: string;
  /** Vector length of the default bag-of-words embedding (64). */
  dimensions?: number;
  /** Batch limit reported. */
  maxEmbeddingsPerCall?: number;
  /** Whether batches may run in parallel. */
  supportsParallelCalls?: boolean;
  /** Result of `doEmbed`; defaults to {@link bagOfWordsEmbedding} of each value. */
  doEmbed?: MockValue<EmbeddingModelV1CallOptions, EmbeddingModelV1Result>;
}

/**
 * A deterministic unit-length embedding: each accent-folded, lower-cased word is hashed into one of
 * `dimensions` buckets. Texts sharing words get a high cosine similarity, which is enough to test
 * semantic caches and dense retrieval without a real model.
 */
export function bagOfWordsEmbedding(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  for (const word of words) {
    let hash = 2166136261;
    for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 16777619);
    const bucket = (hash >>> 0) % dimensions;
    vector[bucket] = (vector[bucket] ?? 0) + 1;
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}

/**
 * A framework-agnostic mock {@link EmbeddingModelV1} that records calls (`doEmbedCalls`).
 *
 * @example
 * ```ts
 * const embedder = new MockEmbeddingModelV1(); // bag-of-words vectors, 64 dimensions
 * const fixed = new MockEmbeddingModelV1({ doEmbed: { embeddings: [[1, 0]], warnings: [] } });
 * ```
 */
export class MockEmbeddingModelV1 implements EmbeddingModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly dimensions: number;
  readonly maxEmbeddingsPerCall: number | undefined;
  readonly supportsParallelCalls: boolean;
  /** Options of every `doEmbed` call, in order. */
  readonly doEmbedCalls: EmbeddingModelV1CallOptions[] = [];
  private readonly doEmbedValue: MockEmbeddingModelV1Settings['doEmbed'];

  constructor(settings: MockEmbeddingModelV1Settings = {}) {
    this.provider = settings.provider ?? 'mock-provider';
    this.modelId = settings.modelId ?? 'mock-embedding';
    this.dimensions = settings.dimensions ?? 64;
    this.maxEmbeddingsPerCall = settings.maxEmbeddingsPerCall;
    this.supportsParallelCalls = settings.supportsParallelCalls ?? true;
    this.doEmbedValue = settings.doEmbed;
  }

  async doEmbed(options: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
    this.doEmbedCalls.push(options);
    if (this.doEmbedValue !== undefined) {
      return resolveMockValue(this.doEmbedValue, options, this.doEmbedCalls.length - 1);
    }
    return {
      embeddings: options.values.map((value) => bagOfWordsEmbedding(value, this.dimensions)),
      usage: { tokens: options.values.reduce((sum, value) => sum + Math.ceil(value.length / 4), 0) },
      warnings: [],
    };
  }
}
