import type { EmbeddingModelV1 } from '@agent-chatbot/core';
import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import type { ChunkOptions } from './chunking/chunk-text';
import { DEFAULT_EXTRACTION_LIMITS, type ExtractionLimits } from './extraction/types';
import { ingestBatch } from './ingestion/pipeline';
import { faqChunk, type FaqEntry } from './ingestion/tabular';
import type { IngestProgress, IngestResult, KnowledgeChangeHook, KnowledgeDocumentInput } from './ingestion/types';
import { productCard, productMetadata, type Product } from './products/catalog';
import { RagRetriever, type RagRetrieverOptions, type RagSearchOptions, type RagSearchResult } from './retrieval/rag-retriever';
import { hashHex } from './store/keys';
import { LanceKnowledgeStore, type LanceKnowledgeStoreOptions } from './store/knowledge-store';
import type { DocumentRow } from './store/schema';

/** Options for {@link createKnowledgeBase}. */
export interface KnowledgeBaseOptions extends Omit<RagRetrieverOptions, 'store'> {
  /** LanceDB location (local folder or object-store URI), or an existing store. */
  readonly storage: LanceKnowledgeStoreOptions | LanceKnowledgeStore;
  /** File size, page, time and decompression limits. */
  readonly limits?: Partial<ExtractionLimits>;
  /** Chunk sizes. */
  readonly chunking?: ChunkOptions;
  /** Documents processed per storage commit (default 256). */
  readonly batchSize?: number;
  /** Called after every change; the runtime bumps the tenant's knowledge version here. */
  readonly onKnowledgeChange?: KnowledgeChangeHook;
  /**
   * Rebuild the namespace's BM25 index right after a change, before the ingest/delete call
   * returns, so the change is searchable at once in this process (default true; turn off in
   * processes that only ingest — other processes pick changes up within `refreshMs`, serving the
   * previous index, filtered to live chunks, while they rebuild).
   */
  readonly prewarm?: boolean;
  /**
   * Rows a namespace needs before ingestion builds its ANN vector index (IVF_PQ); below it the
   * dense arm is an exact scan. Default 10,000 (also settable as `storage.vectorIndexMinRows`).
   */
  readonly vectorIndexMinRows?: number;
  /**
   * When the embedding provider fails during ingestion: `lexical` (default) indexes the document
   * for keyword search only and marks it (`IngestResult.embedding === 'failed'`, manifest error);
   * `fail` fails the document with the provider's error, keeping its previous version live.
   */
  readonly onEmbeddingFailure?: 'lexical' | 'fail';
}

const namespaceSchema = z.string().min(1).max(200);
const sourceIdSchema = z.string().min(1).max(500);
const nameSchema = z.string().min(1).max(500);
const faqSchema = z.object({ id: z.string().min(1).max(200).optional(), question: z.string().min(1).max(4000), answer: z.string().min(1).max(20_000) });

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(`Invalid ${what}`, `${what} không hợp lệ`, { details: { issues: parsed.error.issues } });
  }
  return parsed.data;
}

/**
 * A tenant-partitioned knowledge base: ingestion (files, FAQ, products), deletion, listing and
 * hybrid retrieval over LanceDB. The package's main entry point; the runtime wraps it in HTTP
 * routes, jobs and the CLI.
 */
export class KnowledgeBase {
  /** The LanceDB store (one table per namespace). */
  readonly store: LanceKnowledgeStore;
  /** Hybrid retriever over the store. */
  readonly retriever: RagRetriever;
  /** Limits applied to every file. */
  readonly limits: ExtractionLimits;

  constructor(private readonly options: KnowledgeBaseOptions) {
    this.store =
      options.storage instanceof LanceKnowledgeStore
        ? options.storage
        : new LanceKnowledgeStore({
            ...options.storage,
            ...(options.vectorIndexMinRows !== undefined ? { vectorIndexMinRows: options.vectorIndexMinRows } : {}),
          });
    this.retriever = new RagRetriever({ ...options, store: this.store });
    this.limits = { ...DEFAULT_EXTRACTION_LIMITS, ...options.limits };
  }

  /** The fixed embedding model of the dense arm, if any (see {@link KnowledgeBase.embeddingModelOf}). */
  get embeddingModel(): EmbeddingModelV1 | undefined {
    return this.options.embeddingModel;
  }

  /** The embedding model serving a namespace: `embeddingModelFor`'s answer, else `embeddingModel`. */
  embeddingModelOf(namespace: string): Promise<EmbeddingModelV1 | undefined> {
    return this.retriever.embeddingModelOf(namespace);
  }

  /**
   * Ingests one document; throws its typed error (413/422) when it fails. Re-ingesting the same
   * `sourceId` re-indexes it while the previous version stays searchable.
   */
  async ingestDocument(options: {
    namespace: string;
    document: KnowledgeDocumentInput;
    onProgress?: (progress: IngestProgress) => void;
  }): Promise<IngestResult> {
    const [result] = await this.ingestDocuments({ ...options, documents: [options.document] });
    if (result!.error) throw result!.error;
    return result!;
  }

  /** Ingests many documents; each gets its own result, failures do not stop the rest. */
  async ingestDocuments(options: {
    namespace: string;
    documents: readonly KnowledgeDocumentInput[];
    onProgress?: (progress: IngestProgress) => void;
  }): Promise<IngestResult[]> {
    const namespace = check(namespaceSchema, options.namespace, 'namespace');
    const ids = options.documents.map((document) => check(sourceIdSchema, document.sourceId, 'sourceId'));
    for (const document of options.documents) check(nameSchema, document.name, 'name');
    if (new Set(ids).size !== ids.length) {
      throw new ValidationError('Duplicate sourceId in one upload', 'Trùng mã tài liệu trong cùng một lần tải lên');
    }
    const embeddingModel = await this.embeddingModelOf(namespace);
    const context = {
      store: this.store,
      ...(embeddingModel ? { embeddingModel } : {}),
      limits: this.limits,
      chunking: this.options.chunking ?? {},
      onEmbeddingFailure: this.options.onEmbeddingFailure ?? 'lexical',
    };
    const results: IngestResult[] = [];
    const size = this.options.batchSize ?? 256;
    for (let i = 0; i < options.documents.length; i += size) {
      results.push(...(await ingestBatch(context, namespace, options.documents.slice(i, i + size), options.onProgress)));
    }
    // The provider embedded again: questions need not wait out a dense-arm pause.
    if (results.some((result) => result.embedding === 'embedded')) this.retriever.resumeDense(namespace);
    const changed = results.filter((result) => result.status === 'ready').map((result) => result.sourceId);
    if (changed.length > 0) await this.notify(namespace, changed, 'ingested');
    return results;
  }

  /** Adds or replaces FAQ entries; each entry is its own document `faq:<id>`. */
  async upsertFaq(options: { namespace: string; entries: readonly FaqEntry[] }): Promise<IngestResult[]> {
    const entries = options.entries.map((entry) => check(faqSchema, entry, 'FAQ'));
    return this.ingestPrepared(options.namespace, entries.map((entry) => {
      const id = entry.id ?? hashHex(entry.question.trim().toLowerCase(), 16);
      return { sourceId: `faq:${id}`, name: entry.question, chunk: faqChunk({ ...entry, id }) };
    }));
  }

  /** Adds or replaces products; each product is its own document `product:<id>`. */
  async upsertProducts(options: { namespace: string; products: readonly Product[] }): Promise<IngestResult[]> {
    return this.ingestPrepared(options.namespace, options.products.map((product) => ({
      sourceId: `product:${product.id}`,
      name: product.name,
      chunk: { text: productCard(product), metadata: productMetadata(product) },
    })));
  }

  private async ingestPrepared(
    namespace: string,
    items: ReadonlyArray<{ sourceId: string; name: string; chunk: { text: string; metadata: Record<string, unknown> } }>,
  ): Promise<IngestResult[]> {
    // A prepared chunk is ingested as a one-chunk text document carrying its metadata.
    return this.ingestDocuments({
      namespace,
      documents: items.map((item) => ({ sourceId: item.sourceId, name: item.name, content: item.chunk.text, format: 'txt', metadata: item.chunk.metadata })),
    });
  }

  /** Deletes a document and every one of its chunks; returns how many chunks were removed. */
  async deleteDocument(options: { namespace: string; sourceId: string }): Promise<number> {
    const namespace = check(namespaceSchema, options.namespace, 'namespace');
    const removed = await this.store.deleteBySource({ namespace, sourceId: check(sourceIdSchema, options.sourceId, 'sourceId') });
    await this.notify(namespace, [options.sourceId], 'deleted');
    return removed;
  }

  /** Every document of a namespace with its status, live version and chunk count. */
  async listDocuments(options: { namespace: string }): Promise<DocumentRow[]> {
    const documents = await this.store.listDocuments(check(namespaceSchema, options.namespace, 'namespace'));
    return documents.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  }

  /** One document's status, live version, chunk count and last error, or `undefined`. */
  getDocument(options: { namespace: string; sourceId: string }): Promise<DocumentRow | undefined> {
    return this.store.getDocument(check(namespaceSchema, options.namespace, 'namespace'), check(sourceIdSchema, options.sourceId, 'sourceId'));
  }

  /** Ranked chunks for a question (see {@link RagRetriever.search}). */
  search(options: RagSearchOptions): Promise<RagSearchResult> {
    return this.retriever.search(options);
  }

  /** Monotonic knowledge version of a namespace (changes whenever its knowledge changes). */
  knowledgeVersion(namespace: string): Promise<number> {
    return this.store.tableVersion(check(namespaceSchema, namespace, 'namespace'));
  }

  /** Deletes a whole namespace (tenant deletion). */
  async dropNamespace(namespace: string): Promise<void> {
    await this.store.dropNamespace({ namespace: check(namespaceSchema, namespace, 'namespace') });
    this.retriever.lexical.invalidate(namespace);
    await this.notify(namespace, [], 'dropped');
  }

  /** Writes pending lexical source files, then releases LanceDB handles. */
  close(): Promise<void> {
    return this.retriever.lexical.flush().then(() => this.store.close());
  }

  private async notify(namespace: string, sourceIds: readonly string[], change: 'ingested' | 'deleted' | 'dropped'): Promise<void> {
    // Bound the versions and small files the change left behind (best effort: the change is
    // committed and searchable either way; the next change tries again).
    if (change !== 'dropped') await this.store.maintain(namespace).catch(() => undefined);
    // Rebuild now, so the change is searchable when the call returns and no question waits for it.
    if (change !== 'dropped' && this.options.prewarm !== false) await this.retriever.lexical.refresh(namespace);
    if (!this.options.onKnowledgeChange) return;
    await this.options.onKnowledgeChange({ namespace, sourceIds, change, version: await this.store.tableVersion(namespace) });
  }
}

/**
 * Creates a {@link KnowledgeBase}.
 *
 * @example
 * ```ts
 * const kb = createKnowledgeBase({ storage: { uri: './data/lancedb' } });
 * await kb.ingestDocument({ namespace: 'shop-1', document: { sourceId: 'faq.txt', name: 'faq.txt', content: bytes } });
 * const { hits } = await kb.search({ namespace: 'shop-1', query: 'ship hn mat may ngay' });
 * ```
 */
export function createKnowledgeBase(options: KnowledgeBaseOptions): KnowledgeBase {
  return new KnowledgeBase(options);
}
