import type { EmbeddingModelV1 } from '@agent-chatbot/core';
import { AgentChatbotError, ProviderError, UnprocessableError, normalizeToneMarks, tokenizeSyllables } from '@agent-chatbot/core';
import { chunkText, type ChunkOptions } from '../chunking/chunk-text';
import { extractDocument } from '../extraction/extract';
import type { ExtractionLimits } from '../extraction/types';
import { sliceTurns } from '../sliced';
import { hashHex } from '../store/keys';
import type { LanceKnowledgeStore } from '../store/knowledge-store';
import type { ChunkRow, DocumentRow } from '../store/schema';
import { prepareTable, type PreparedChunk } from './tabular';
import type { IngestProgress, IngestResult, KnowledgeDocumentInput } from './types';

/** What the pipeline needs. */
export interface PipelineContext {
  readonly store: LanceKnowledgeStore;
  readonly embeddingModel?: EmbeddingModelV1;
  readonly limits: ExtractionLimits;
  readonly chunking: ChunkOptions;
  /** Build or refresh the ANN vector index after writing (default true). */
  readonly vectorIndex?: boolean;
  /**
   * When the embedding provider fails: `lexical` (default) indexes the chunks without vectors
   * and reports `embedding: 'failed'`; `fail` fails the document (its previous version stays live).
   */
  readonly onEmbeddingFailure?: 'lexical' | 'fail';
  /** Runs extraction (the knowledge base passes its worker-thread extractor). */
  readonly extract?: typeof extractDocument;
}

interface Prepared {
  readonly input: KnowledgeDocumentInput;
  readonly result: Omit<IngestResult, 'status' | 'version' | 'chunkCount'>;
  readonly chunks: PreparedChunk[];
  /** Version with the embedding model in it (equals `lexicalVersion` without a model). */
  readonly version: string;
  /** Version of the same chunks indexed without vectors (used when embedding fails). */
  readonly lexicalVersion: string;
}

/** `provider:model:dimensions` of an embedding model: part of a document's content version. */
export function embeddingIdentity(model: EmbeddingModelV1): string {
  return `${model.provider}:${model.modelId}:${model.dimensions ?? ''}`;
}

/** Canonical text for indexing and display: NFC, one tone placement, tidy spaces, case kept. */
export function normaliseDocumentText(text: string): string {
  return normalizeToneMarks(text.normalize('NFC'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u200B-\u200D\uFEFF]/g, '')
    .replace(/[ \t\u00A0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The typed error for a failure, wrapping unexpected ones as 422 "could not process". */
export function toIngestError(error: unknown): AgentChatbotError {
  if (AgentChatbotError.isInstance(error)) return error;
  return new UnprocessableError('The file could not be processed', 'Không xử lý được tệp', {
    code: 'ingest_failed',
    cause: error,
  });
}

async function prepare(context: PipelineContext, input: KnowledgeDocumentInput): Promise<Prepared> {
  const extracted = await (context.extract ?? extractDocument)(input, context.limits);
  let chunks: PreparedChunk[];
  let kind: IngestResult['kind'] = 'text';
  let extra: Pick<IngestResult, 'products' | 'faq'> = {};
  const base = { documentName: input.name, ...input.metadata };
  const chunkTexts = (text: string): PreparedChunk[] =>
    chunkText(normaliseDocumentText(text), context.chunking).map((chunk) => ({
      text: chunk.text,
      metadata: { ...base, ...(chunk.heading ? { heading: chunk.heading } : {}) },
    }));
  if (extracted.rows) {
    const table = prepareTable(extracted.rows.map((row) => row.map((cell) => normaliseDocumentText(cell))));
    kind = table.kind;
    if (table.kind === 'table') chunks = chunkTexts(table.text);
    else chunks = table.chunks.map((chunk) => ({ text: chunk.text, metadata: { ...base, ...chunk.metadata } }));
    if (table.kind === 'faq') extra = { faq: table.entries };
    if (table.kind === 'products') extra = { products: table.products };
  } else {
    chunks = chunkTexts(extracted.text);
  }
  if (chunks.length === 0) {
    throw new UnprocessableError('The file contains no text', 'Tệp không có nội dung văn bản', { code: 'empty_file' });
  }
  // The embedding model is part of the version: changing it re-embeds on the next (re-)index,
  // while unchanged content under the same model is skipped. Without a model the version is the
  // one earlier releases computed.
  const lexicalVersion = hashHex(JSON.stringify([context.chunking, chunks]), 32);
  const version = context.embeddingModel
    ? hashHex(JSON.stringify([context.chunking, chunks, embeddingIdentity(context.embeddingModel)]), 32)
    : lexicalVersion;
  return {
    input,
    chunks,
    version,
    lexicalVersion,
    result: { sourceId: input.sourceId, name: input.name, kind, ...extra, warnings: extracted.warnings },
  };
}

async function embedAll(
  model: EmbeddingModelV1,
  texts: readonly string[],
  onBatch: (done: number) => void,
): Promise<number[][]> {
  const size = Math.max(1, Math.min(model.maxEmbeddingsPerCall ?? 64, 256));
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += size) {
    const values = texts.slice(i, i + size);
    const result = await model.doEmbed({ values });
    if (result.embeddings.length !== values.length) {
      throw new ProviderError({
        provider: model.provider,
        message: `Embedding provider returned ${result.embeddings.length} vectors for ${values.length} texts`,
        messageVi: 'Nhà cung cấp embedding trả về sai số lượng vector',
        isRetryable: true,
      });
    }
    out.push(...result.embeddings);
    onBatch(out.length);
  }
  return out;
}

/**
 * Ingests a batch of documents into a namespace: extract → normalise → chunk → embed → index,
 * then switches each document's live version. Until the switch the previous version stays the
 * one retrieval serves; afterwards the previous version's chunks are deleted. A document that
 * fails is reported with its typed error and does not stop the others.
 */
export async function ingestBatch(
  context: PipelineContext,
  namespace: string,
  inputs: readonly KnowledgeDocumentInput[],
  onProgress: (progress: IngestProgress) => void = () => undefined,
): Promise<IngestResult[]> {
  const { store } = context;
  const report = (input: KnowledgeDocumentInput, stage: IngestProgress['stage'], percent: number): void =>
    onProgress({ sourceId: input.sourceId, name: input.name, stage, percent: Math.round(percent) });
  const results = new Map<string, IngestResult>();
  const manifest = new Map((await store.listDocuments(namespace)).map((doc) => [doc.sourceId, doc]));
  const work: Prepared[] = [];
  for (const input of inputs) {
    report(input, 'extracting', 5);
    try {
      const prepared = await prepare(context, input);
      report(input, 'chunking', 30);
      const existing = manifest.get(input.sourceId);
      if (existing?.status === 'ready' && existing.liveVersion === prepared.version) {
        results.set(input.sourceId, { ...prepared.result, status: 'unchanged', version: prepared.version, chunkCount: prepared.chunks.length });
        report(input, 'done', 100);
      } else {
        work.push(prepared);
      }
    } catch (error) {
      const failure = toIngestError(error);
      const existing = manifest.get(input.sourceId);
      results.set(input.sourceId, {
        sourceId: input.sourceId, name: input.name, status: 'failed', version: existing?.liveVersion ?? '', chunkCount: existing?.chunkCount ?? 0, warnings: [], error: failure,
      });
      await store.putDocument(namespace, documentRow(input, existing, { status: 'failed', error: `${failure.messageVi} — ${failure.message}` }));
      report(input, 'failed', 100);
    }
  }
  if (work.length > 0) await indexPrepared(context, namespace, work, manifest, results, report);
  return inputs.map((input) => results.get(input.sourceId)!);
}

function documentRow(
  input: KnowledgeDocumentInput,
  existing: DocumentRow | undefined,
  change: Partial<DocumentRow>,
): DocumentRow {
  return {
    sourceId: input.sourceId,
    liveVersion: existing?.liveVersion ?? '',
    pendingVersion: '',
    name: input.name,
    status: 'processing',
    error: '',
    chunkCount: existing?.chunkCount ?? 0,
    updatedAt: new Date().toISOString(),
    metadata: input.metadata ?? {},
    ...change,
  };
}

async function indexPrepared(
  context: PipelineContext,
  namespace: string,
  work: readonly Prepared[],
  manifest: ReadonlyMap<string, DocumentRow>,
  results: Map<string, IngestResult>,
  report: (input: KnowledgeDocumentInput, stage: IngestProgress['stage'], percent: number) => void,
): Promise<void> {
  const { store } = context;
  await store.putDocuments(namespace, work.map((item) => documentRow(item.input, manifest.get(item.input.sourceId), { pendingVersion: item.version })));
  try {
    let vectors: number[][] | undefined;
    let embeddingError: AgentChatbotError | undefined;
    const texts = work.flatMap((item) => item.chunks.map((chunk) => chunk.text));
    if (context.embeddingModel) {
      for (const item of work) report(item.input, 'embedding', 40);
      try {
        vectors = await embedAll(context.embeddingModel, texts, (done) => {
          for (const item of work) report(item.input, 'embedding', 40 + (40 * done) / texts.length);
        });
      } catch (error) {
        if (context.onEmbeddingFailure === 'fail') throw error;
        // The provider is down, slow or refused the key: index for BM25 now (under the version
        // without vectors, so the next re-index embeds again) and say so on the document.
        embeddingError = toIngestError(error);
      }
    }
    const versionOf = (item: Prepared): string => (vectors || !context.embeddingModel ? item.version : item.lexicalVersion);
    const rows: ChunkRow[] = [];
    // Tokenising a large upload takes a while: other requests are served between chunks.
    const turn = sliceTurns();
    for (const item of work) {
      const version = versionOf(item);
      for (const [index, chunk] of item.chunks.entries()) {
        await turn();
        rows.push({
          id: hashHex(`${item.input.sourceId}\u0000${version}\u0000${index}`, 32),
          sourceId: item.input.sourceId,
          version,
          text: chunk.text,
          tokens: tokenizeSyllables(chunk.text).join(' '),
          // Which model made the vector: the dense arm ignores vectors of another model of the
          // same size while a re-index replaces them.
          metadata: { ...chunk.metadata, chunkIndex: index, ...(vectors && context.embeddingModel ? { embeddingModel: embeddingIdentity(context.embeddingModel) } : {}) },
        });
      }
    }
    const embedding: IngestResult['embedding'] = !context.embeddingModel ? 'none' : vectors ? 'embedded' : 'failed';
    const embeddingNote = embeddingError
      ? `Chỉ tìm theo từ khoá: không tạo được vector (${embeddingError.messageVi}) — Keyword search only: embedding failed (${embeddingError.message})`
      : '';
    const slice = 2_000;
    for (let i = 0; i < rows.length; i += slice) {
      const part = rows.slice(i, i + slice).map((row, j) => (vectors ? { ...row, embedding: vectors[i + j] } : row));
      await store.writeChunks(namespace, part);
      for (const item of work) report(item.input, 'indexing', 80 + (15 * Math.min(rows.length, i + slice)) / rows.length);
    }
    // The switch: from here retrieval serves the new version.
    await store.putDocuments(namespace, work.map((item) =>
      documentRow(item.input, manifest.get(item.input.sourceId), {
        liveVersion: versionOf(item),
        status: 'ready',
        chunkCount: item.chunks.length,
        error: embeddingNote,
      }),
    ));
    for (const item of work) {
      const previous = manifest.get(item.input.sourceId)?.liveVersion;
      if (previous !== undefined) await store.deleteChunks(namespace, item.input.sourceId, versionOf(item));
      results.set(item.input.sourceId, {
        ...item.result,
        status: 'ready',
        version: versionOf(item),
        chunkCount: item.chunks.length,
        embedding,
        ...(embeddingError ? { embeddingError, warnings: [...item.result.warnings, embeddingNote] } : {}),
      });
      report(item.input, 'done', 100);
    }
    if (vectors && context.vectorIndex !== false) {
      // Past the row threshold the namespace gets its ANN index (or has new rows folded in).
      // Best effort: the exact scan keeps answering if this fails.
      await store.ensureVectorIndex(namespace).catch(() => undefined);
    }
  } catch (error) {
    const failure = toIngestError(error);
    for (const item of work) {
      const existing = manifest.get(item.input.sourceId);
      // Remove the half-written version; the previous live version (if any) stays searchable.
      await store.deleteChunks(namespace, item.input.sourceId, existing?.liveVersion ?? '').catch(() => 0);
      await store.putDocument(namespace, documentRow(item.input, existing, { status: existing?.status === 'ready' ? 'ready' : 'failed', error: `${failure.messageVi} — ${failure.message}` }));
      results.set(item.input.sourceId, { ...item.result, status: 'failed', version: existing?.liveVersion ?? '', chunkCount: existing?.chunkCount ?? 0, error: failure });
      report(item.input, 'failed', 100);
    }
  }
}
