/** The knowledge jobs: `knowledge.ingest` (one document) and `knowledge.reindex` (a whole tenant). */
import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import type { JobQueue } from '../jobs/index';
import { allDocumentIds, updateDocumentProgress } from './document-rows';
import { INGEST_JOB, REINDEX_JOB } from './documents';
import { listFaq, listProducts, toRagProduct } from './faq-product-rows';
import { stampEmbeddingIndex } from './embedding-settings';
import { ingestStoredDocument } from './ingest';
import type { KnowledgeService } from './service';

const ingestPayload = z.object({ documentId: z.uuid() });
const reindexPayload = z.object({ tenantId: z.uuid().optional() });

function invalid(what: string, issues: unknown): ValidationError {
  return new ValidationError(`Invalid ${what} job payload`, `Dữ liệu job ${what} không hợp lệ`, { details: { issues } });
}

/**
 * Re-indexes everything a tenant knows: queues every document's ingestion (each live version
 * stays searchable until its new one is) and re-indexes hand-written FAQ entries and products.
 */
export async function reindexTenant(service: KnowledgeService, jobs: JobQueue, tenantId: string): Promise<{ documents: number; faq: number; products: number }> {
  // Settings may have changed in another process a moment ago: read them now, not from the cache.
  service.forgetEmbedding(tenantId);
  const identity = await service.embeddingIdentity(tenantId);
  const documents = await service.db.tenant(tenantId, async (tx) => {
    await stampEmbeddingIndex(tx, tenantId, identity);
    const ids = await allDocumentIds(tx);
    for (const id of ids) {
      await updateDocumentProgress(tx, id, { status: 'pending', stage: 'queued', progress: 0 });
      await jobs.enqueue(tx, INGEST_JOB, { documentId: id });
    }
    return ids.length;
  });
  let faq = 0;
  let products = 0;
  for (let offset = 0; ; offset += 200) {
    const page = await service.db.tenant(tenantId, (tx) => listFaq(tx, { limit: 200, offset }));
    const manual = page.items.filter((entry) => entry.documentId === null);
    if (manual.length) await service.kb.upsertFaq({ namespace: tenantId, entries: manual.map((e) => ({ id: e.id, question: e.question, answer: e.answer })) });
    faq += manual.length;
    if (page.items.length < 200) break;
  }
  for (let offset = 0; ; offset += 200) {
    const page = await service.db.tenant(tenantId, (tx) => listProducts(tx, { limit: 200, offset }));
    const manual = page.items.filter((product) => product.documentId === null);
    if (manual.length) await service.kb.upsertProducts({ namespace: tenantId, products: manual.map(toRagProduct) });
    products += manual.length;
    if (page.items.length < 200) break;
  }
  await service.knowledgeChanged(tenantId);
  return { documents, faq, products };
}

/** Registers both knowledge jobs on the queue. */
export function registerKnowledgeJobs(jobs: JobQueue, service: KnowledgeService): void {
  jobs.register<unknown>(
    INGEST_JOB,
    async ({ payload, tenantId, log }) => {
      const parsed = ingestPayload.safeParse(payload);
      if (!parsed.success || !tenantId) throw invalid(INGEST_JOB, parsed.error?.issues ?? 'tenant missing');
      const outcome = await ingestStoredDocument(service, tenantId, parsed.data.documentId);
      log?.info({ documentId: outcome.documentId, status: outcome.status, chunks: outcome.chunkCount, error: outcome.error?.code }, 'knowledge document ingested');
    },
    { retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: 1800, concurrency: 2, pollingIntervalSeconds: 1 },
  );
  jobs.register<unknown>(
    REINDEX_JOB,
    async ({ payload, tenantId }) => {
      const parsed = reindexPayload.safeParse(payload ?? {});
      const target = parsed.success ? (parsed.data.tenantId ?? tenantId) : undefined;
      if (!target) throw invalid(REINDEX_JOB, parsed.error?.issues ?? 'tenantId missing');
      if (tenantId && parsed.data?.tenantId && tenantId !== parsed.data.tenantId) throw invalid(REINDEX_JOB, 'tenant mismatch');
      await reindexTenant(service, jobs, target);
    },
    { retryLimit: 3, retryDelaySeconds: 10, expireInSeconds: 3600, concurrency: 1 },
  );
}
