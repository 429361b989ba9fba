/** API shapes (snake_case, like the rest of the API) of knowledge records, with their zod schemas. */
import { z } from 'zod';
import type { DocumentRecord } from './document-rows';
import type { FaqRecord, ProductRecord } from './faq-product-rows';

const errorSchema = z.object({ code: z.string(), message: z.string(), message_vi: z.string() }).nullable();

/** A document with its ingestion state. */
export const documentSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  status: z.enum(['pending', 'processing', 'ready', 'failed', 'deleting']),
  stage: z.string().nullable(),
  percent: z.number().int(),
  error: errorSchema,
  chunk_count: z.number().int(),
  size_bytes: z.number().int(),
  mime_type: z.string().nullable(),
  encoding: z.string().nullable(),
  content_kind: z.string().nullable(),
  /** `embedded` (hybrid search), `none` (no embedding model: keywords), `failed` (provider failed: keywords until re-indexed). */
  embedding: z.enum(['embedded', 'none', 'failed']).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** {@link documentSchema} of a record. */
export const documentJson = (d: DocumentRecord): z.infer<typeof documentSchema> => ({
  id: d.id,
  name: d.name,
  kind: d.kind,
  status: d.status,
  stage: d.stage,
  percent: d.progress,
  error: d.error ? { code: d.error.code, message: d.error.message, message_vi: d.error.messageVi } : null,
  chunk_count: d.chunkCount,
  size_bytes: d.sizeBytes,
  mime_type: d.mimeType,
  encoding: d.encoding,
  content_kind: typeof d.metadata.contentKind === 'string' ? d.metadata.contentKind : null,
  embedding: d.metadata.embedding === 'embedded' || d.metadata.embedding === 'none' || d.metadata.embedding === 'failed' ? d.metadata.embedding : null,
  created_at: d.createdAt.toISOString(),
  updated_at: d.updatedAt.toISOString(),
});

/** A FAQ entry. */
export const faqSchema = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  tags: z.array(z.string()),
  document_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** {@link faqSchema} of a record. */
export const faqJson = (f: FaqRecord): z.infer<typeof faqSchema> => ({
  id: f.id,
  question: f.question,
  answer: f.answer,
  tags: f.tags,
  document_id: f.documentId,
  created_at: f.createdAt.toISOString(),
  updated_at: f.updatedAt.toISOString(),
});

/** A product. */
export const productSchema = z.object({
  id: z.string(),
  sku: z.string().nullable(),
  name: z.string(),
  price_vnd: z.number().int().nullable(),
  stock: z.number().int().nullable(),
  category: z.string().nullable(),
  description: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
  document_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** {@link productSchema} of a record. */
export const productJson = (p: ProductRecord): z.infer<typeof productSchema> => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  price_vnd: p.priceVnd,
  stock: p.stock,
  category: p.category,
  description: p.description,
  attributes: p.attributes,
  document_id: p.documentId,
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
});

/** Paging query shared by the list routes. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
