import type { AgentChatbotError } from '@agent-chatbot/core';
import type { DocumentFormat } from '../extraction/types';
import type { Product } from '../products/catalog';
import type { FaqEntry } from './tabular';

/** A file or text to ingest. */
export interface KnowledgeDocumentInput {
  /** Stable id of the document within the namespace (re-ingesting the same id re-indexes it). */
  readonly sourceId: string;
  /** File name shown to people; its extension picks the format when `format` is absent. */
  readonly name: string;
  /** The bytes (or a stream of them, read with the size limit) or already-decoded text. */
  readonly content: Uint8Array | string | AsyncIterable<Uint8Array>;
  /** Format, when the file name does not tell it. */
  readonly format?: DocumentFormat;
  /** Extra metadata copied to every chunk. */
  readonly metadata?: Record<string, unknown>;
}

/** Ingestion stages, in order. */
export type IngestStage = 'queued' | 'extracting' | 'chunking' | 'embedding' | 'indexing' | 'done' | 'failed';

/** A progress report for one document. */
export interface IngestProgress {
  /** The document. */
  readonly sourceId: string;
  /** Document name. */
  readonly name: string;
  /** Current ingestion stage. */
  readonly stage: IngestStage;
  /** 0–100 for the whole document. */
  readonly percent: number;
}

/** The outcome for one document. Failures carry a typed, bilingual error and do not stop others. */
export interface IngestResult {
  /** The document. */
  readonly sourceId: string;
  /** Document name. */
  readonly name: string;
  /** `unchanged`: the same content was already live, nothing was written. */
  readonly status: 'ready' | 'unchanged' | 'failed';
  /** Content version now live ('' when the document failed before any version was live). */
  readonly version: string;
  /** Chunks indexed. */
  readonly chunkCount: number;
  /** What the content turned out to be. */
  readonly kind?: 'text' | 'faq' | 'products' | 'table';
  /** Products found in a catalog sheet. */
  readonly products?: Product[];
  /** FAQ entries found in a question/answer sheet. */
  readonly faq?: FaqEntry[];
  /** Non-fatal problems (skipped rows, empty pages). */
  readonly warnings: string[];
  /** Why the document failed, when it did (bilingual). */
  readonly error?: AgentChatbotError;
  /**
   * Dense vectors for this document: `embedded`, `none` (no embedding model), or `failed` (the
   * provider failed: the document is searchable by keywords only, see `embeddingError`).
   * Absent for `failed`/`unchanged` results.
   */
  readonly embedding?: 'embedded' | 'none' | 'failed';
  /** Why embedding failed (the document is still `ready`, lexical only). */
  readonly embeddingError?: AgentChatbotError;
}

/** Called after every change to a namespace's knowledge (answer caches key on the version). */
export type KnowledgeChangeHook = (event: {
  readonly namespace: string;
  /** Monotonic knowledge version of the namespace after the change. */
  readonly version: number;
  readonly sourceIds: readonly string[];
  readonly change: 'ingested' | 'deleted' | 'dropped';
}) => void | Promise<void>;
