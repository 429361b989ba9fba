/** Knowledge search for the API and CLI, and the tenant retriever the bots use. */
import type { RetrieverV1, RetrieverV1Result, RetrieverV1RetrieveOptions } from '@agent-chatbot/core';
import type { RetrievalMode } from '@agent-chatbot/rag';
import { z } from 'zod';
import { recordRetrieval, secondsSince } from '../ops/metrics';
import type { KnowledgeService } from './service';

/** One ranked chunk. */
export const searchHitSchema = z.object({
  rank: z.number().int(),
  score: z.number(),
  relevance: z.number().nullable(),
  similarity: z.number().nullable(),
  text: z.string(),
  source_id: z.string(),
  kind: z.enum(['document', 'faq', 'product']),
  document_id: z.string().nullable(),
  document_name: z.string(),
});

/** The search answer. */
export const searchResultSchema = z.object({ query: z.string(), hits: z.array(searchHitSchema) });

/** Ranked chunks of a tenant for `query` (same retriever as the bots). */
export async function searchKnowledge(
  service: KnowledgeService,
  tenantId: string,
  query: string,
  options: { topK?: number; mode?: RetrievalMode } = {},
): Promise<z.infer<typeof searchResultSchema>> {
  const started = process.hrtime.bigint();
  const { hits } = await service.kb.search({ namespace: tenantId, query, topK: options.topK ?? 5, ...(options.mode ? { mode: options.mode } : {}) });
  recordRetrieval(secondsSince(started)); // retrieval_duration_seconds (API/CLI search)
  return {
    query,
    hits: hits.map((hit, index) => {
      const kind = hit.sourceId.startsWith('faq:') ? 'faq' : hit.sourceId.startsWith('product:') ? 'product' : 'document';
      const meta = hit.metadata;
      const documentId = typeof meta.documentId === 'string' ? meta.documentId : null;
      const name = typeof meta.documentName === 'string' ? meta.documentName : typeof meta.name === 'string' ? meta.name : hit.sourceId;
      return {
        rank: index + 1,
        score: Math.round(hit.score * 1e6) / 1e6,
        relevance: hit.relevance === undefined ? null : Math.round(hit.relevance * 1e4) / 1e4,
        similarity: hit.similarity === undefined ? null : Math.round(hit.similarity * 1e4) / 1e4,
        text: hit.text,
        source_id: hit.sourceId,
        kind,
        document_id: documentId,
        document_name: name,
      };
    }),
  };
}

/**
 * The retriever of one tenant: the shared hybrid retriever pinned to the tenant's namespace, so
 * no caller can ask for another tenant's chunks. It reads the current knowledge on every call
 * (the BM25 cache reloads when the LanceDB table version moves).
 */
export function tenantRetriever(service: KnowledgeService, tenantId: string): RetrieverV1 {
  return {
    specificationVersion: 'v1',
    provider: 'agent-chatbot-knowledge',
    async doRetrieve(options: RetrieverV1RetrieveOptions): Promise<RetrieverV1Result> {
      // retrieval_duration_seconds for the bots' retrievals (failed ones too: they cost the same wait).
      const started = process.hrtime.bigint();
      try {
        return await service.kb.retriever.doRetrieve({ ...options, namespace: tenantId });
      } finally {
        recordRetrieval(secondsSince(started));
      }
    },
  };
}

const retrievers = new WeakMap<KnowledgeService, Map<string, RetrieverV1>>();

/**
 * `retrieverForTenant` for the bots (see src/bots/hooks.ts): one retriever per tenant, cached.
 * Knowledge changes need no new retriever (each call reads the current table), so the cache
 * never goes stale; answer caches key on `tenants.knowledge_version`, which every change bumps.
 */
export function retrieverForTenant(service: KnowledgeService, tenantId: string): RetrieverV1 {
  let byTenant = retrievers.get(service);
  if (!byTenant) retrievers.set(service, (byTenant = new Map()));
  let retriever = byTenant.get(tenantId);
  if (!retriever) {
    if (byTenant.size >= 10_000) byTenant.delete(byTenant.keys().next().value ?? '');
    retriever = tenantRetriever(service, tenantId);
    byTenant.set(tenantId, retriever);
  }
  return retriever;
}
