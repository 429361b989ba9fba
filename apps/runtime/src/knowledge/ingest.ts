/**
 * Ingestion of one stored document (the `knowledge.ingest` job, and `kb add` in-process):
 * storage → extraction → FAQ/product rows for FAQ and catalog sheets, the rag pipeline for
 * everything else → the tenant's LanceDB table → the documents row. Progress goes to the row
 * (throttled) and to pub/sub. Re-ingesting keeps the previous version searchable until the new
 * one is live. Content errors fail the document with its bilingual error; infrastructure errors
 * are thrown so the job retries.
 */
import { AgentChatbotError, NotFoundError } from '@agent-chatbot/core';
import {
  extractDocument,
  normaliseDocumentText,
  prepareTable,
  type ExtractedDocument,
  type IngestProgress,
  type IngestResult,
  type KnowledgeDocumentInput,
} from '@agent-chatbot/rag';
import { recordIngestedChunks } from '../ops/metrics';
import { readAll } from '../storage/index';
import { findDocument, finishDocument, updateDocumentProgress, type DocumentRecord } from './document-rows';
import { deleteFaq, deleteProducts, insertFaq, rowsOfDocument, toRagProduct, upsertProducts } from './faq-product-rows';
import { stampEmbeddingIndex } from './embedding-settings';
import { documentSource, faqSource, productSource, type KnowledgeService } from './service';

/** The result of ingesting one document. */
export interface IngestOutcome {
  readonly documentId: string;
  readonly name: string;
  readonly status: 'ready' | 'failed' | 'gone';
  readonly chunkCount: number;
  readonly error?: AgentChatbotError;
}

function errorJson(error: AgentChatbotError): { code: string; message: string; messageVi: string } {
  return { code: error.code, message: error.message, messageVi: error.messageVi };
}

function asContentError(error: unknown): AgentChatbotError | undefined {
  // 4xx errors describe the file (too large, corrupt, encrypted, empty); anything else is ours.
  return AgentChatbotError.isInstance(error) && error.status >= 400 && error.status < 500 ? error : undefined;
}

/** Ingests document `documentId` of `tenantId`; `onProgress` sees every report (the CLI's bar). */
export async function ingestStoredDocument(
  service: KnowledgeService,
  tenantId: string,
  documentId: string,
  options: { onProgress?: (event: { stage: string; percent: number }) => void } = {},
): Promise<IngestOutcome> {
  const doc = await service.db.tenant(tenantId, (tx) => findDocument(tx, documentId));
  if (!doc || doc.status === 'deleting') return { documentId, name: doc?.name ?? '', status: 'gone', chunkCount: 0 };
  const reporter = createReporter(service, tenantId, doc, options.onProgress);
  reporter.report('extracting', 1);
  let extracted: ExtractedDocument;
  let bytes: Uint8Array;
  try {
    if (!doc.storageKey) throw new NotFoundError('The document has no stored file', 'Tài liệu không có tệp đã lưu', {});
    bytes = await readAll(await service.storage.get(tenantId, doc.storageKey));
    extracted = await extractDocument({ name: doc.name, content: bytes }, service.kb.limits);
  } catch (error) {
    const failure = asContentError(error);
    if (!failure) throw error;
    return reporter.fail(failure);
  }
  try {
    const table = extracted.rows ? prepareTable(extracted.rows.map((row) => row.map((cell) => normaliseDocumentText(cell)))) : undefined;
    let chunkCount: number;
    let embedding: EmbeddingOutcome;
    if (table?.kind === 'faq' || table?.kind === 'products') {
      reporter.report('indexing', 40);
      const sheet = table.kind === 'faq' ? await ingestFaqSheet(service, tenantId, doc, table.entries) : await ingestCatalog(service, tenantId, doc, table.products);
      chunkCount = sheet.count;
      embedding = embeddingOutcome(sheet.results);
      // A sheet that used to be plain text must not leave its old chunks behind.
      await service.removeSources(tenantId, [documentSource(doc.id)]);
    } else {
      const input: KnowledgeDocumentInput = {
        sourceId: documentSource(doc.id),
        name: doc.name,
        // Text formats were decoded above: hand the text on instead of extracting twice.
        content: extracted.rows ? bytes : extracted.text,
        format: extracted.rows ? extracted.format : extracted.format === 'md' ? 'md' : 'txt',
        metadata: { documentId: doc.id },
      };
      const result = await service.kb.ingestDocument({
        namespace: tenantId,
        document: input,
        onProgress: (progress: IngestProgress) => {
          if (progress.stage !== 'done' && progress.stage !== 'failed') reporter.report(progress.stage, 5 + progress.percent * 0.9);
        },
      });
      chunkCount = result.chunkCount;
      embedding = embeddingOutcome([result]);
    }
    return await reporter.finish(chunkCount, extracted.encoding, table?.kind ?? 'text', embedding);
  } catch (error) {
    const failure = asContentError(error);
    if (!failure) throw error;
    return reporter.fail(failure);
  }
}

/** Whether the document got vectors: `failed` carries the provider's error (keyword search only). */
interface EmbeddingOutcome {
  readonly state: 'embedded' | 'none' | 'failed' | 'unchanged';
  readonly error?: AgentChatbotError;
}

function embeddingOutcome(results: readonly IngestResult[]): EmbeddingOutcome {
  const failed = results.find((result) => result.embedding === 'failed');
  if (failed) return { state: 'failed', ...(failed.embeddingError ? { error: failed.embeddingError } : {}) };
  if (results.some((result) => result.embedding === 'embedded')) return { state: 'embedded' };
  // Same content, same model: nothing was written, the document keeps what it had.
  if (results.length > 0 && results.every((result) => result.status === 'unchanged')) return { state: 'unchanged' };
  return { state: 'none' };
}

async function ingestFaqSheet(
  service: KnowledgeService,
  tenantId: string,
  doc: DocumentRecord,
  entries: ReadonlyArray<{ question: string; answer: string }>,
): Promise<{ count: number; results: IngestResult[] }> {
  const previous = await service.db.tenant(tenantId, (tx) => rowsOfDocument(tx, doc.id));
  const inserted = await service.db.tenant(tenantId, (tx) => insertFaq(tx, tenantId, entries, doc.id));
  const results = await service.kb.upsertFaq({ namespace: tenantId, entries: inserted.map((row) => ({ id: row.id, question: row.question, answer: row.answer })) });
  // The new entries are live: only now do the previous ones go (no gap in what is searchable).
  await service.removeSources(tenantId, previous.faq.map(faqSource));
  await service.db.tenant(tenantId, (tx) => deleteFaq(tx, previous.faq));
  return { count: inserted.length, results };
}

async function ingestCatalog(
  service: KnowledgeService,
  tenantId: string,
  doc: DocumentRecord,
  products: Parameters<typeof upsertProducts>[2],
): Promise<{ count: number; results: IngestResult[] }> {
  const previous = await service.db.tenant(tenantId, (tx) => rowsOfDocument(tx, doc.id));
  const stored = await service.db.tenant(tenantId, (tx) => upsertProducts(tx, tenantId, products, doc.id));
  const results = await service.kb.upsertProducts({ namespace: tenantId, products: stored.map(toRagProduct) });
  const kept = new Set(stored.map((row) => row.id));
  const stale = previous.products.filter((id) => !kept.has(id));
  await service.removeSources(tenantId, stale.map(productSource));
  await service.db.tenant(tenantId, (tx) => deleteProducts(tx, stale));
  return { count: stored.length, results };
}

function embeddingUnavailable(cause: AgentChatbotError | undefined): { code: string; message: string; messageVi: string } {
  return {
    code: 'embedding_unavailable',
    message: `Indexed for keyword search only: the embedding provider failed (${cause?.message ?? 'unknown error'}). Re-index when it is back.`,
    messageVi: `Chỉ lập chỉ mục theo từ khoá: dịch vụ embedding lỗi (${cause?.messageVi ?? 'lỗi không rõ'}). Hãy lập chỉ mục lại khi dịch vụ hoạt động.`,
  };
}

/** Writes progress to the row (on stage changes and every 10 %) and publishes every report. */
function createReporter(
  service: KnowledgeService,
  tenantId: string,
  doc: DocumentRecord,
  onProgress: ((event: { stage: string; percent: number }) => void) | undefined,
) {
  let chain: Promise<unknown> = Promise.resolve();
  let lastStage = '';
  let lastPercent = -100;
  const base = { type: 'document.progress' as const, documentId: doc.id, name: doc.name };
  const cleanup = async (): Promise<IngestOutcome> => {
    // Deleted while ingesting: whatever this run wrote must not stay behind.
    const rows = await service.db.tenant(tenantId, (tx) => rowsOfDocument(tx, doc.id)).catch(() => ({ faq: [], products: [] }));
    await service.removeSources(tenantId, [documentSource(doc.id), ...rows.faq.map(faqSource), ...rows.products.map(productSource)]);
    return { documentId: doc.id, name: doc.name, status: 'gone', chunkCount: 0 };
  };
  return {
    report(stage: string, percent: number): void {
      const rounded = Math.round(percent);
      onProgress?.({ stage, percent: rounded });
      if (stage === lastStage && rounded - lastPercent < 10) return;
      lastStage = stage;
      lastPercent = rounded;
      chain = chain
        .then(() => service.db.tenant(tenantId, (tx) => updateDocumentProgress(tx, doc.id, { status: 'processing', stage, progress: rounded })))
        .then(() => service.publish(tenantId, { ...base, status: 'processing', stage, percent: rounded }))
        .catch((error: unknown) => service.logger?.warn({ err: error, documentId: doc.id }, 'progress update failed'));
    },
    async finish(chunkCount: number, encoding: string | undefined, kind: string, embedding: EmbeddingOutcome): Promise<IngestOutcome> {
      await chain;
      // Ready either way; when the embedding provider failed the document says so (searchable by
      // keywords only until a re-index embeds it).
      const note = embedding.state === 'failed' ? embeddingUnavailable(embedding.error) : undefined;
      const identity = embedding.state === 'embedded' ? await service.embeddingIdentity(tenantId) : null;
      const live = await service.db.tenant(tenantId, async (tx) => {
        const updated = await finishDocument(tx, doc.id, {
          status: 'ready',
          chunkCount,
          encoding,
          error: note,
          metadata: { contentKind: kind, ...(embedding.state === 'unchanged' ? {} : { embedding: embedding.state }) },
        });
        if (updated && identity) await stampEmbeddingIndex(tx, tenantId, identity, { onlyIfMissing: true });
        return updated;
      });
      if (note) service.logger?.warn({ tenantId, documentId: doc.id, cause: embedding.error?.code }, 'document indexed without vectors (embedding failed)');
      if (!live) return cleanup();
      recordIngestedChunks(chunkCount); // ingestion_chunks_total
      onProgress?.({ stage: 'done', percent: 100 });
      await service.publish(tenantId, { ...base, status: 'ready', stage: 'done', percent: 100, chunkCount });
      await service.knowledgeChanged(tenantId);
      return { documentId: doc.id, name: doc.name, status: 'ready', chunkCount };
    },
    async fail(error: AgentChatbotError): Promise<IngestOutcome> {
      await chain;
      const live = await service.db.tenant(tenantId, (tx) => finishDocument(tx, doc.id, { status: 'failed', error: errorJson(error) }));
      if (!live) return cleanup();
      onProgress?.({ stage: 'failed', percent: 100 });
      await service.publish(tenantId, {
        ...base,
        status: 'failed',
        stage: 'failed',
        percent: 100,
        error: { code: error.code, message: error.message, message_vi: error.messageVi },
      });
      // A failed re-index keeps the previous version live: its chunks were not touched.
      return { documentId: doc.id, name: doc.name, status: 'failed', chunkCount: 0, error };
    },
  };
}
