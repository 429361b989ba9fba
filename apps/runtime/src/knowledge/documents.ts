/** Document operations shared by the HTTP routes and the CLI. */
import { createHash, randomUUID } from 'node:crypto';
import { NotFoundError } from '@agent-chatbot/core';
import type { JobQueue } from '../jobs/index';
import { safeFileName } from '../storage/index';
import { findDocument, insertDocument, markDeleting, deleteDocumentRow, bumpKnowledgeVersion, updateDocumentProgress, type DocumentRecord } from './document-rows';
import { rowsOfDocument } from './faq-product-rows';
import { documentSource, faqSource, productSource, type KnowledgeService } from './service';

/** Job names of the knowledge feature. */
export const INGEST_JOB = 'knowledge.ingest';
/** `{ tenantId }`: re-ingests every document of the tenant (`agent-chatbot tenant reindex`). */
export const REINDEX_JOB = 'knowledge.reindex';

/** A file to turn into a document. */
export interface IncomingFile {
  readonly id?: string;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly mimeType?: string;
  readonly storageKey?: string;
}

/** Stores the file under the tenant's prefix (before any transaction: storage may be slow). */
export async function storeFile(service: KnowledgeService, tenantId: string, file: IncomingFile): Promise<Required<IncomingFile> & { sha256: string }> {
  const id = file.id ?? randomUUID();
  const storageKey = file.storageKey ?? `documents/${id}/${safeFileName(file.name)}`;
  const mimeType = file.mimeType ?? 'application/octet-stream';
  await service.storage.put(tenantId, storageKey, file.bytes, { contentType: mimeType });
  return { id, name: file.name, bytes: file.bytes, mimeType, storageKey, sha256: createHash('sha256').update(file.bytes).digest('hex') };
}

/**
 * Creates the document rows of stored files in one tenant transaction and, with `jobs`, enqueues
 * their ingestion in that same transaction (a rolled-back upload never runs a job).
 */
export async function createDocuments(
  service: KnowledgeService,
  tenantId: string,
  files: ReadonlyArray<Required<IncomingFile> & { sha256: string }>,
  options: { jobs?: JobQueue; createdBy?: string } = {},
): Promise<DocumentRecord[]> {
  const created = await service.db.tenant(tenantId, async (tx) => {
    const out: DocumentRecord[] = [];
    for (const file of files) {
      out.push(
        await insertDocument(tx, tenantId, {
          id: file.id,
          name: file.name,
          mimeType: file.mimeType,
          sizeBytes: file.bytes.byteLength,
          sha256: file.sha256,
          storageKey: file.storageKey,
          ...(options.createdBy ? { createdBy: options.createdBy } : {}),
        }),
      );
      if (options.jobs) await options.jobs.enqueue(tx, INGEST_JOB, { documentId: file.id });
    }
    return out;
  });
  for (const doc of created) {
    await service.publish(tenantId, { type: 'document.progress', documentId: doc.id, name: doc.name, status: 'pending', stage: 'queued', percent: 0 });
  }
  return created;
}

const notFound = (): NotFoundError => new NotFoundError('Document not found', 'Không tìm thấy tài liệu');

/** Queues a document's re-ingestion; the live version stays searchable until the new one is. */
export async function requestReindex(service: KnowledgeService, tenantId: string, documentId: string, jobs: JobQueue): Promise<DocumentRecord> {
  const doc = await service.db.tenant(tenantId, async (tx) => {
    const found = await findDocument(tx, documentId);
    if (!found || found.status === 'deleting') throw notFound();
    await updateDocumentProgress(tx, documentId, { status: 'pending', stage: 'queued', progress: 0 });
    await jobs.enqueue(tx, INGEST_JOB, { documentId });
    return (await findDocument(tx, documentId))!;
  });
  await service.publish(tenantId, { type: 'document.progress', documentId, name: doc.name, status: 'pending', stage: 'queued', percent: 0 });
  return doc;
}

/**
 * Deletes a document: every chunk (its own, and its FAQ entries' and products'), its stored file,
 * then the row (FAQ entries and products cascade), and bumps the knowledge version.
 */
export async function deleteDocument(service: KnowledgeService, tenantId: string, documentId: string): Promise<void> {
  const { doc, rows } = await service.db.tenant(tenantId, async (tx) => {
    const marked = await markDeleting(tx, documentId);
    if (!marked) throw notFound();
    return { doc: marked, rows: await rowsOfDocument(tx, documentId) };
  });
  await service.removeSources(tenantId, [documentSource(documentId), ...rows.faq.map(faqSource), ...rows.products.map(productSource)]);
  if (doc.storageKey) await service.storage.deletePrefix(tenantId, `documents/${documentId}`);
  await service.db.tenant(tenantId, async (tx) => {
    await deleteDocumentRow(tx, documentId);
    await bumpKnowledgeVersion(tx, tenantId);
  });
  await service.publish(tenantId, { type: 'document.deleted', documentId });
}

/**
 * Removes everything a tenant's knowledge keeps outside Postgres — its LanceDB tables and its
 * stored files (local folder or S3 bucket) — for tenant deletion. Rows go with the tenant row.
 */
export async function deleteTenantKnowledge(service: KnowledgeService, tenantId: string): Promise<{ files: number }> {
  await service.kb.dropNamespace(tenantId);
  return { files: await service.storage.deletePrefix(tenantId, '') };
}
