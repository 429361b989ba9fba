import type { RetrievedChunkV1, RetrieverV1, RetrieverV1Result, RetrieverV1RetrieveOptions } from '../retriever/v1';
import { resolveMockValue, type MockValue } from './mock-value';

/** A chunk given to {@link MockRetrieverV1}'s `chunks`; `score` is computed per query. */
export type MockChunk = Omit<RetrievedChunkV1, 'score' | 'metadata' | 'sourceId'> & {
  sourceId?: string;
  metadata?: Record<string, unknown>;
};

/** Settings of {@link MockRetrieverV1}: either a fixed `doRetrieve`, or `chunks` per namespace. */
export interface MockRetrieverV1Settings {
  /** Provider name reported. */
  provider?: string;
  /** Result of `doRetrieve`: value, function or sequence. Takes precedence over `chunks`. */
  doRetrieve?: MockValue<RetrieverV1RetrieveOptions, RetrieverV1Result>;
  /**
   * Chunks per namespace (tenant), searched by word overlap on accent-folded text. A namespace
   * only ever sees its own chunks.
   */
  chunks?: Record<string, ReadonlyArray<MockChunk>>;
}

function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1);
}

/**
 * A framework-agnostic mock {@link RetrieverV1} that records calls (`doRetrieveCalls`). With
 * `chunks`, it scores each chunk of the query's namespace by the share of query words it contains
 * (accent-insensitive) and returns those above zero, best first, at most `topK`.
 *
 * @example
 * ```ts
 * const retriever = new MockRetrieverV1({
 *   chunks: { 'shop-a': [{ id: 'faq-1', text: 'Hỏi: Shop mở cửa mấy giờ? Đáp: 8h–21h', metadata: { kind: 'faq' } }] },
 * });
 * ```
 */
export class MockRetrieverV1 implements RetrieverV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  /** Options of every `doRetrieve` call, in order. */
  readonly doRetrieveCalls: RetrieverV1RetrieveOptions[] = [];
  private readonly settings: MockRetrieverV1Settings;

  constructor(settings: MockRetrieverV1Settings = {}) {
    this.settings = settings;
    this.provider = settings.provider ?? 'mock-retriever';
  }

  async doRetrieve(options: RetrieverV1RetrieveOptions): Promise<RetrieverV1Result> {
    this.doRetrieveCalls.push(options);
    if (this.settings.doRetrieve !== undefined) {
      return resolveMockValue(this.settings.doRetrieve, options, this.doRetrieveCalls.length - 1);
    }
    const queryWords = new Set(words(options.query));
    if (queryWords.size === 0) return { chunks: [], warnings: [] };
    const scored: RetrievedChunkV1[] = [];
    for (const chunk of this.settings.chunks?.[options.namespace] ?? []) {
      const chunkWords = new Set(words(chunk.text));
      let hits = 0;
      for (const word of queryWords) if (chunkWords.has(word)) hits++;
      if (hits === 0) continue;
      scored.push({
        id: chunk.id,
        sourceId: chunk.sourceId ?? chunk.id,
        text: chunk.text,
        metadata: chunk.metadata ?? {},
        score: hits / queryWords.size,
      });
    }
    scored.sort((left, right) => right.score - left.score);
    return { chunks: scored.slice(0, options.topK), warnings: [] };
  }
}
