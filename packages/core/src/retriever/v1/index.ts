import type { ProviderOptionsV1, WarningV1 } from '../../shared/v1';

/** Equality filters on chunk metadata; values are matched exactly (never interpolated into queries). */
export type MetadataFilterV1 = Record<string, string | number | boolean | ReadonlyArray<string | number>>;

/** A chunk the retriever found, best first. */
export interface RetrievedChunkV1 {
  /** Chunk id, stable across re-indexing of the same content. */
  readonly id: string;
  /** The document (source) the chunk came from. */
  readonly sourceId: string;
  /** Text to index. */
  readonly text: string;
  /** Higher is better; comparable only within one result list. */
  readonly score: number;
  /** Document name, heading, product id, page… */
  readonly metadata: Record<string, unknown>;
}

/** Options for {@link RetrieverV1.doRetrieve}. */
export interface RetrieverV1RetrieveOptions {
  /** The tenant (or knowledge base). Required: isolation by construction. */
  readonly namespace: string;
  /** The search text. */
  readonly query: string;
  /** Most chunks to return. */
  readonly topK: number;
  /** Metadata conditions chunks must meet. */
  readonly filter?: MetadataFilterV1;
  /** Cancels the search. */
  readonly abortSignal?: AbortSignal;
  /** Implementation-specific options. */
  readonly providerOptions?: ProviderOptionsV1;
}

/** The result of a retrieval. `chunks` is empty when nothing passes the relevance threshold. */
export interface RetrieverV1Result {
  /** Best chunks first. */
  readonly chunks: RetrievedChunkV1[];
  /** Options the retriever ignored. */
  readonly warnings: WarningV1[];
}

/**
 * Finds the knowledge chunks that answer a question, version 1. A query in namespace A never
 * returns a chunk of namespace B (the testkit's retriever suite checks it).
 */
export interface RetrieverV1 {
  /** Contract version this retriever implements. */
  readonly specificationVersion: 'v1';
  /** e.g. `'hybrid'`, `'bm25'`, `'lancedb'`. */
  readonly provider: string;
  /** Ranked chunks of `options.namespace` only (never another tenant's), best first, at most `topK`. */
  doRetrieve(options: RetrieverV1RetrieveOptions): PromiseLike<RetrieverV1Result>;
}

/** A record written to a vector store. Upserts are idempotent by `id`. */
export interface VectorRecordV1 {
  /** Chunk id. */
  readonly id: string;
  /** Document, FAQ entry or product it came from. */
  readonly sourceId: string;
  /** Chunk text. */
  readonly text: string;
  /** Dense vector; absent when no embedding provider is configured (lexical-only stores). */
  readonly embedding?: number[];
  /** Metadata for filters and titles. */
  readonly metadata: Record<string, unknown>;
}

/** A hit from {@link VectorStoreV1.doQuery}. */
export interface VectorStoreV1Hit {
  /** Chunk id. */
  readonly id: string;
  /** Document, FAQ entry or product it came from. */
  readonly sourceId: string;
  /** Relevance, higher is better. */
  readonly score: number;
  /** Chunk text. */
  readonly text: string;
  /** Metadata stored with the chunk. */
  readonly metadata: Record<string, unknown>;
}

/**
 * Stores chunk records per namespace (one table per tenant in the LanceDB implementation).
 */
export interface VectorStoreV1 {
  /** Contract version this retriever implements. */
  readonly specificationVersion: 'v1';
  /** Implementation name, e.g. `bm25` or `lancedb`. */
  readonly provider: string;
  /** Inserts or replaces records by id; two upserts of different ids keep both. */
  upsert(options: { namespace: string; records: VectorRecordV1[] }): Promise<void>;
  /** Deletes every record of one source; returns how many were removed. */
  deleteBySource(options: { namespace: string; sourceId: string }): Promise<number>;
  /** Nearest neighbours of `embedding` in the namespace. */
  doQuery(options: {
    namespace: string;
    embedding: number[];
    topK: number;
    filter?: MetadataFilterV1;
  }): Promise<VectorStoreV1Hit[]>;
  /** Drops the whole namespace (tenant deletion). */
  dropNamespace?(options: { namespace: string }): Promise<void>;
}
