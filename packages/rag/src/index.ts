/**
 * `@agent-chatbot/rag`: knowledge ingestion (txt, md, pdf, docx, xlsx, csv; FAQ; product
 * catalogs) and Vietnamese-first hybrid retrieval (BM25 over accented and folded syllables,
 * optional dense arm, RRF) on per-tenant LanceDB tables.
 * @packageDocumentation
 */
export { KnowledgeBase, createKnowledgeBase, type KnowledgeBaseOptions } from './knowledge-base';
export { evaluateRetrieval, type EvaluateRetrievalOptions, type RetrievalEvaluation } from './evaluation';
export {
  RagRetriever,
  createRagRetriever,
  type RagRetrieverOptions,
  type RagSearchOptions,
  type RagSearchHit,
  type RagSearchResult,
  type RetrievalMode,
  type EmbeddingModelResolver,
} from './retrieval/rag-retriever';
export { reciprocalRankFusion } from './retrieval/rrf';
export {
  LanceKnowledgeStore,
  DEFAULT_VECTOR_INDEX_MIN_ROWS,
  DEFAULT_TABLE_MAINTENANCE,
  LEXICAL_SOURCE_SUFFIX,
  type LanceKnowledgeStoreOptions,
  type LiveChunks,
  type StoredChunk,
  type TableMaintenanceOptions,
  type TableMaintenanceResult,
  type VectorIndexStatus,
} from './store/knowledge-store';
export type { ChunkRow, DocumentRow } from './store/schema';
export { isLocalUri, localTableState } from './store/lance-tables';
export { chunkTableName, documentTableName } from './store/keys';
export type {
  IngestProgress,
  IngestResult,
  IngestStage,
  KnowledgeChangeHook,
  KnowledgeDocumentInput,
} from './ingestion/types';
export { faqChunk, rowsToFaq, detectFaqColumns, prepareTable, type FaqEntry, type PreparedChunk, type TabularContent } from './ingestion/tabular';
export { normaliseDocumentText, embeddingIdentity } from './ingestion/pipeline';
export { extractDocument, detectFormat, type ExtractOptions } from './extraction/extract';
export { decodeText, type DecodedText } from './extraction/decode-text';
export { parseCsv } from './extraction/csv';
export { DEFAULT_EXTRACTION_LIMITS, type DocumentFormat, type ExtractedDocument, type ExtractionLimits } from './extraction/types';
export { chunkText, type ChunkOptions, type TextChunk } from './chunking/chunk-text';
export { rowsToProducts, productCard, productMetadata, detectProductColumns, type Product, type ProductColumnRole } from './products/catalog';
export { parseProductQuery, priceWithin, type ProductQueryConstraints } from './products/product-query';
export { Bm25Index, DEFAULT_BM25_PARAMS, type Bm25Params, type Bm25Hit, type Bm25Document } from './lexical/bm25-index';
export { analyzeQuery, tokenizeQuery, queryTerms, analyzeDocumentTokens, type AnalyzedText, type QueryTokens, type QueryAnalysisOptions } from './lexical/analyzer';
export {
  createOpenAICompatibleEmbeddingModel,
  type OpenAICompatibleEmbeddingOptions,
} from './embedding/openai-compatible-embedding';
