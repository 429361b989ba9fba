import type {
  EmbeddingModelV1,
  MetadataFilterV1,
  RetrievedChunkV1,
  RetrieverV1,
  RetrieverV1Result,
  RetrieverV1RetrieveOptions,
  WarningV1,
} from '@agent-chatbot/core';
import { AgentChatbotError, expandAbbreviations, ValidationError, VIETNAMESE_ABBREVIATIONS } from '@agent-chatbot/core';
import { z } from 'zod';
import { embeddingIdentity } from '../ingestion/pipeline';
import { queryTerms, tokenizeQuery } from '../lexical/analyzer';
import { parseProductQuery, priceWithin, type ProductQueryConstraints } from '../products/product-query';
import { isLive, type LanceKnowledgeStore } from '../store/knowledge-store';
import { matchesFilter } from '../store/metadata-filter';
import { LexicalCache, type LexicalCacheOptions } from './lexical-cache';
import { reciprocalRankFusion } from './rrf';

/** Picks the embedding model of a namespace (see {@link RagRetrieverOptions.embeddingModelFor}). */
export type EmbeddingModelResolver = (namespace: string) => EmbeddingModelV1 | undefined | Promise<EmbeddingModelV1 | undefined>;

/** Which arms rank: lexical only, dense only, or both fused. */
export type RetrievalMode = 'hybrid' | 'bm25' | 'dense';

/** Options for {@link createRagRetriever}. */
export interface RagRetrieverOptions extends LexicalCacheOptions {
  /** The knowledge store searched. */
  readonly store: LanceKnowledgeStore;
  /** Dense arm; without it `hybrid` is lexical only. */
  readonly embeddingModel?: EmbeddingModelV1;
  /**
   * The dense arm per namespace (a tenant's own model or the platform's), consulted on every
   * ingestion and search; overrides `embeddingModel`. `undefined` → lexical only for that namespace.
   */
  readonly embeddingModelFor?: EmbeddingModelResolver;
  /** Default arms (default `'hybrid'`). */
  readonly mode?: RetrievalMode;
  /** Default number of chunks (default 3). */
  readonly topK?: number;
  /**
   * Lexical relevance (0–1: the share of the question's IDF mass a chunk matches, saturated) a
   * chunk needs to count as relevant (default 0.18, calibrated with bench/relevance-calibration.mts).
   */
  readonly minRelevance?: number;
  /** Cosine similarity a dense hit needs to count as relevant (default 0.35). */
  readonly minSimilarity?: number;
  /** Tenant shorthand merged over the built-in abbreviation table. */
  readonly abbreviations?: Readonly<Record<string, string>>;
  /**
   * How long a search waits for the question's embedding before answering from BM25 alone
   * (default 3,000 ms): a slow embedding provider must not hold every answer.
   */
  readonly queryEmbeddingTimeoutMs?: number;
  /**
   * After the question's embedding failed (error or timeout), searches of that namespace with
   * that model skip the dense arm for this long (default 30,000 ms), so an outage costs one slow
   * search per period instead of every answer. `0` retries on every search.
   */
  readonly denseCooldownMs?: number;
}

/** One call of {@link RagRetriever.search}. */
export interface RagSearchOptions {
  /** The tenant's namespace. */
  readonly namespace: string;
  /** The search text. */
  readonly query: string;
  /** Most hits to return. */
  readonly topK?: number;
  /** Lexical, vector or hybrid. */
  readonly mode?: RetrievalMode;
  /** Metadata conditions. */
  readonly filter?: MetadataFilterV1;
  /** Override the relevance threshold; `0` returns every match (evaluation). */
  readonly minRelevance?: number;
  /** Cancels the search. */
  readonly abortSignal?: AbortSignal;
}

/** A ranked chunk with the evidence behind its rank. */
export interface RagSearchHit extends RetrievedChunkV1 {
  /** Lexical relevance 0–1 (undefined when the lexical arm did not find it). */
  readonly relevance: number | undefined;
  /** Dense cosine similarity (undefined when the dense arm did not find it). */
  readonly similarity: number | undefined;
}

/** Result of {@link RagRetriever.search}. */
export interface RagSearchResult {
  /** Best hits first. */
  readonly hits: RagSearchHit[];
  /** Price/stock intent read from the question. */
  readonly constraints: ProductQueryConstraints;
  /** E.g. the vector arm was skipped because embedding failed. */
  readonly warnings: WarningV1[];
}

const searchSchema = z.object({
  namespace: z.string().min(1).max(200),
  query: z.string().max(4000),
  topK: z.number().int().min(1).max(1000).optional(),
  mode: z.enum(['hybrid', 'bm25', 'dense']).optional(),
  minRelevance: z.number().min(0).max(10).optional(),
});

interface Candidate {
  id: string;
  sourceId: string;
  text: string;
  metadata: Record<string, unknown>;
  relevance?: number;
  similarity?: number;
  /** Passes a price constraint the question set explicitly. */
  constrained?: boolean;
}

/**
 * Vietnamese-first hybrid retriever: BM25 (accented + folded fields, bigrams, abbreviation
 * expansion, diacritic restoration) fused by RRF with an optional dense arm, with price/stock
 * awareness for product catalogs and a relevance threshold ("nothing relevant" → no chunks).
 */
export class RagRetriever implements RetrieverV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'hybrid';
  /** @internal Cache of the in-memory BM25 indexes per namespace (an implementation detail). */
  readonly lexical: LexicalCache;

  /** Namespaces whose dense arm failed recently: the failing model's identity and when to retry. */
  private readonly denseDown = new Map<string, { identity: string; until: number }>();

  constructor(private readonly options: RagRetrieverOptions) {
    this.lexical = new LexicalCache(options.store, options);
  }

  /** The embedding model serving `namespace` (resolver first, then the fixed model). */
  async embeddingModelOf(namespace: string): Promise<EmbeddingModelV1 | undefined> {
    return this.options.embeddingModelFor ? await this.options.embeddingModelFor(namespace) : this.options.embeddingModel;
  }

  /** {@link RetrieverV1.doRetrieve}. */
  async doRetrieve(options: RetrieverV1RetrieveOptions): Promise<RetrieverV1Result> {
    const result = await this.search({
      namespace: options.namespace,
      query: options.query,
      topK: options.topK,
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    return {
      chunks: result.hits.map(({ id, sourceId, text, score, metadata }) => ({ id, sourceId, text, score, metadata })),
      warnings: result.warnings,
    };
  }

  /** Ranked chunks with lexical relevance, dense similarity and the question's constraints. */
  async search(options: RagSearchOptions): Promise<RagSearchResult> {
    const parsed = searchSchema.safeParse(options);
    if (!parsed.success) {
      throw new ValidationError('Invalid search request', 'Yêu cầu tìm kiếm không hợp lệ', {
        details: { issues: parsed.error.issues },
      });
    }
    const topK = options.topK ?? this.options.topK ?? 3;
    const warnings: WarningV1[] = [];
    let mode = options.mode ?? this.options.mode ?? 'hybrid';
    const embeddingModel = mode === 'bm25' ? undefined : await this.embeddingModelOf(options.namespace);
    if (mode === 'dense' && !embeddingModel) {
      throw new ValidationError('Dense retrieval needs an embedding model', 'Tìm kiếm vector cần cấu hình mô hình embedding');
    }
    if (mode === 'hybrid' && !embeddingModel) mode = 'bm25';
    const constraints = parseProductQuery(options.query);
    const minRelevance = options.minRelevance ?? this.options.minRelevance ?? 0.18;
    const abbreviationTable = { ...VIETNAMESE_ABBREVIATIONS, ...this.options.abbreviations };
    const pool = Math.max(topK * 4, 50);
    const candidates = new Map<string, Candidate>();
    const lexicalRanking: string[] = [];
    const denseRanking: string[] = [];
    const hasPrice = constraints.minPrice !== undefined || constraints.maxPrice !== undefined;
    let catalog = false;

    if (mode !== 'dense') {
      const { snapshot, stale } = await this.lexical.get(options.namespace);
      const { index, chunks } = snapshot;
      // While a rebuild runs, the previous index may hold deleted or replaced chunks: skip them.
      const live = stale ? await this.options.store.liveVersions(options.namespace) : undefined;
      const query = tokenizeQuery(options.query, { abbreviations: this.options.abbreviations });
      const accented = query.unaccented && index.size > 0 ? index.restoreDiacritics(query.tokens) : query.tokens;
      const terms = queryTerms(query, {}, accented);
      // Synonyms widen recall; they are not part of what the question must match.
      const bound = index.scoreBound(queryTerms(query, { synonyms: false }, accented));
      const isProduct = (doc: number): boolean => chunks[doc]!.metadata.kind === 'product';
      catalog = hasPrice && chunks.some((_, doc) => isProduct(doc));
      const accept = (doc: number): boolean => {
        const chunk = chunks[doc]!;
        if (live && !isLive(live, chunk.sourceId, chunk.version)) return false;
        if (options.filter && !matchesFilter(chunk.metadata, options.filter)) return false;
        return !catalog || (isProduct(doc) && priceWithin(chunk.metadata.price, constraints));
      };
      const lexicalHits = index.search(terms, pool, accept).map((hit) => ({
        chunk: chunks[hit.doc]!,
        relevance: bound > 0 ? hit.score / bound : 0,
      }));
      if (catalog) {
        // "dưới 200k có gì": products that match words well come first, then every other
        // product in range, cheapest first.
        const strong = lexicalHits.filter((hit) => hit.relevance >= minRelevance);
        const seen = new Set(strong.map((hit) => hit.chunk.id));
        const weak = new Map(lexicalHits.map((hit) => [hit.chunk.id, hit.relevance]));
        const rest = chunks
          .filter((chunk, doc) => !seen.has(chunk.id) && accept(doc))
          .sort((a, b) => Number(a.metadata.price) - Number(b.metadata.price))
          .slice(0, pool)
          .map((chunk) => ({ chunk, relevance: weak.get(chunk.id) ?? 0 }));
        lexicalHits.splice(0, lexicalHits.length, ...strong, ...rest);
      }
      for (const { chunk, relevance } of lexicalHits) {
        lexicalRanking.push(chunk.id);
        candidates.set(chunk.id, { ...chunk, relevance, constrained: catalog });
      }
    }

    if (mode !== 'bm25' && embeddingModel && options.query.trim() !== '') {
      const identity = embeddingIdentity(embeddingModel);
      const down = this.denseDown.get(options.namespace);
      const paused = mode === 'hybrid' && down !== undefined && down.identity === identity && Date.now() < down.until;
      let embedding: number[] | undefined;
      if (paused) {
        warnings.push({ type: 'other', message: 'Dense arm paused after a recent embedding failure: keyword results only · Tạm bỏ qua tìm vector sau lỗi embedding gần đây, chỉ dùng từ khoá' });
      } else {
        try {
          const timeout = AbortSignal.timeout(this.options.queryEmbeddingTimeoutMs ?? 3_000);
          const result = await embeddingModel.doEmbed({
            // Expanded abbreviations read better to an embedding model ("tt qua ck" → "thanh toán qua chuyển khoản").
            values: [expandAbbreviations(options.query, abbreviationTable)],
            abortSignal: options.abortSignal ? AbortSignal.any([timeout, options.abortSignal]) : timeout,
          });
          warnings.push(...result.warnings);
          embedding = result.embeddings[0];
          this.denseDown.delete(options.namespace);
        } catch (error) {
          // Hybrid degrades to BM25 when the embedding provider fails; dense-only has nothing to fall back on.
          if (mode === 'dense' || options.abortSignal?.aborted) throw error;
          this.pauseDense(options.namespace, identity);
          const reason = AgentChatbotError.isInstance(error) ? error.code : 'embedding_failed';
          warnings.push({ type: 'other', message: `Dense arm skipped (${reason}): keyword results only · Bỏ qua tìm vector, chỉ dùng từ khoá` });
        }
      }
      if (embedding) {
        const hits = await this.options.store.doQuery({
          namespace: options.namespace,
          embedding,
          topK: pool,
          ...(options.filter ? { filter: options.filter } : {}),
        });
        for (const hit of hits) {
          // Vectors another model made (same size, re-index still running) are not comparable.
          if (typeof hit.metadata.embeddingModel === 'string' && hit.metadata.embeddingModel !== identity) continue;
          // A price question restricts the dense arm to products in range, like the lexical arm.
          if (catalog && !(hit.metadata.kind === 'product' && priceWithin(hit.metadata.price, constraints))) continue;
          denseRanking.push(hit.id);
          const existing = candidates.get(hit.id);
          candidates.set(hit.id, { ...(existing ?? hit), similarity: hit.score });
        }
      }
    }

    const minSimilarity = this.options.minSimilarity ?? 0.35;
    const fused = reciprocalRankFusion([lexicalRanking, denseRanking].filter((list) => list.length > 0));
    const passes = (candidate: Candidate, factor: number): boolean =>
      candidate.constrained === true ||
      (candidate.relevance !== undefined && candidate.relevance >= minRelevance * factor) ||
      (candidate.similarity !== undefined && candidate.similarity >= minSimilarity * factor);
    // The threshold decides whether anything is relevant at all (the best candidate must pass);
    // once something is, weaker companions are kept down to a third of it, so a question that
    // spans two documents ("bảo hành và đổi trả") gets both.
    const anyRelevant = [...candidates.values()].some((candidate) => passes(candidate, 1));
    const hits: RagSearchHit[] = [];
    for (const [id, score] of [...fused].sort((a, b) => b[1] - a[1])) {
      const candidate = candidates.get(id)!;
      if (!anyRelevant || !passes(candidate, 1 / 3)) continue;
      hits.push({
        id,
        sourceId: candidate.sourceId,
        text: candidate.text,
        metadata: candidate.metadata,
        score,
        relevance: candidate.relevance,
        similarity: candidate.similarity,
      });
      if (hits.length >= topK) break;
    }
    return { hits, constraints, warnings };
  }

  /** Ends a namespace's dense-arm pause at once (its embedding settings changed). */
  resumeDense(namespace: string): void {
    this.denseDown.delete(namespace);
  }

  private pauseDense(namespace: string, identity: string): void {
    const ms = this.options.denseCooldownMs ?? 30_000;
    if (ms <= 0) return;
    // Bounded like the lexical cache: the oldest entry goes first.
    if (this.denseDown.size >= 10_000) this.denseDown.delete(this.denseDown.keys().next().value ?? '');
    this.denseDown.set(namespace, { identity, until: Date.now() + ms });
  }
}

/**
 * Creates the hybrid retriever over a {@link LanceKnowledgeStore}.
 *
 * @example
 * ```ts
 * const retriever = createRagRetriever({ store, embeddingModel }); // embeddingModel optional
 * const { chunks } = await retriever.doRetrieve({ namespace: 'shop-1', query: 'ship HN mất mấy ngày', topK: 3 });
 * ```
 */
export function createRagRetriever(options: RagRetrieverOptions): RagRetriever {
  return new RagRetriever(options);
}
