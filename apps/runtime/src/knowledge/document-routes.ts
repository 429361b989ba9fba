/**
 * Documents API: `POST /v1/tenant/documents` (multipart, many files), list/get with ingestion
 * state, re-index, delete, and knowledge search. Tenant admins change knowledge; agents and API
 * keys may read it.
 */
import { AgentChatbotError } from '@agent-chatbot/core';
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import type { JobQueue } from '../jobs/index';
import { defineRoute, type Route } from '../http/route';
import { findDocument, listDocumentRows } from './document-rows';
import { createDocuments, deleteDocument, requestReindex, storeFile } from './documents';
import { documentJson, documentSchema, pageQuery } from './json';
import { searchKnowledge, searchResultSchema } from './search';
import type { KnowledgeService } from './service';
import { receiveFiles } from './upload';

const notFound = () => new AgentChatbotError({ code: 'not_found', status: 404, message: 'Document not found', messageVi: 'Không tìm thấy tài liệu', isRetryable: false });

const uploadItem = z.object({
  name: z.string(),
  status: z.number().int().meta({ description: '201 đã nhận · accepted; 413/415/422 bị từ chối · refused' }),
  document: documentSchema.optional(),
  error: z.object({ code: z.string(), message: z.string(), message_vi: z.string() }).optional(),
});

/** The documents routes over a knowledge service and the job queue. */
export function documentRoutes(service: KnowledgeService, jobs: JobQueue): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/tenant/documents',
      summary: 'Tải tài liệu lên (nhiều tệp, multipart) · Upload documents (many files, multipart)',
      description:
        'multipart/form-data, mỗi tệp một phần (.txt .md .pdf .docx .csv .xlsx), tối đa 20 MB mỗi tệp. Tệp quá lớn nhận 413 riêng, các tệp khác vẫn được nhận. ' +
        '· One part per file; an oversized file gets its own 413 while the others are accepted.',
      tags: ['knowledge'],
      access: 'tenant-admin',
      apiKey: true,
      responses: {
        201: { description: 'Ít nhất một tệp được nhận · At least one file accepted', schema: z.object({ items: z.array(uploadItem) }) },
        413: { description: 'Mọi tệp đều bị từ chối · Every file refused' },
      },
      handler: async ({ caller, req }) => {
        const tenantId = caller.tenantId;
        const stored: Awaited<ReturnType<typeof storeFile>>[] = [];
        let received: Awaited<ReturnType<typeof receiveFiles>>;
        let docs: Awaited<ReturnType<typeof createDocuments>> = [];
        try {
          received = await receiveFiles(req, service.maxUploadBytes, async (file) => {
            stored.push(await storeFile(service, tenantId, file));
          });
          if (stored.length) docs = await createDocuments(service, tenantId, stored, { jobs, ...(caller.kind === 'user' ? { createdBy: caller.userId } : {}) });
        } catch (error) {
          // No row points at these files: remove them rather than leave orphans in storage.
          await Promise.all(stored.map((file) => service.storage.deletePrefix(tenantId, `documents/${file.id}`).catch(() => 0)));
          throw error;
        }
        const { accepted, refused } = received;
        const byId = new Map(docs.map((doc) => [doc.id, doc]));
        const items = [
          ...accepted.map((file) => ({ name: file.name, status: 201, document: documentJson(byId.get(file.id)!) })),
          ...refused.map((r) => ({ name: r.name, status: r.error.status, error: { code: r.error.code, message: r.error.message, message_vi: r.error.messageVi } })),
        ];
        if (docs.length === 0) {
          const first = refused[0]?.error;
          throw new AgentChatbotError({
            code: first?.code ?? 'validation_failed',
            status: first?.status ?? 400,
            message: first?.message ?? 'No file in the upload',
            messageVi: first?.messageVi ?? 'Không có tệp nào trong yêu cầu tải lên',
            details: { items },
          });
        }
        return { status: 201, body: { items } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/documents',
      summary: 'Danh sách tài liệu và tiến độ xử lý · List documents with ingestion progress',
      tags: ['knowledge'],
      access: 'tenant-member',
      apiKey: true,
      query: pageQuery.extend({ status: z.enum(['pending', 'processing', 'ready', 'failed', 'deleting']).optional() }),
      responses: { 200: { description: 'OK', schema: z.object({ items: z.array(documentSchema), total: z.number().int() }) } },
      handler: async ({ caller, query }) => {
        const page = await service.db.tenant(caller.tenantId, (tx) => listDocumentRows(tx, query));
        return { status: 200, body: { items: page.items.map(documentJson), total: page.total } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/documents/:id',
      summary: 'Xem một tài liệu · Get a document',
      tags: ['knowledge'],
      access: 'tenant-member',
      apiKey: true,
      params: z.object({ id: uuidSchema }),
      responses: { 200: { description: 'OK', schema: documentSchema }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ caller, params }) => {
        const doc = await service.db.tenant(caller.tenantId, (tx) => findDocument(tx, params.id));
        if (!doc) throw notFound();
        return { status: 200, body: documentJson(doc) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/documents/:id/reindex',
      summary: 'Lập chỉ mục lại tài liệu · Re-index a document',
      description: 'Phiên bản cũ vẫn được tìm thấy cho đến khi bản mới xong · The previous version stays searchable until the new one is ready.',
      tags: ['knowledge'],
      access: 'tenant-admin',
      apiKey: true,
      params: z.object({ id: uuidSchema }),
      responses: { 202: { description: 'Đã xếp hàng · Queued', schema: documentSchema }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ caller, params }) => ({ status: 202, body: documentJson(await requestReindex(service, caller.tenantId, params.id, jobs)) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/tenant/documents/:id',
      summary: 'Xoá tài liệu và mọi đoạn đã lập chỉ mục · Delete a document and all its chunks',
      tags: ['knowledge'],
      access: 'tenant-admin',
      apiKey: true,
      params: z.object({ id: uuidSchema }),
      responses: { 204: { description: 'Đã xoá · Deleted' }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ caller, params }) => {
        await deleteDocument(service, caller.tenantId, params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/knowledge/search',
      summary: 'Tìm trong kho tri thức · Search the knowledge base',
      tags: ['knowledge'],
      access: 'tenant-member',
      apiKey: true,
      query: z.object({
        q: z.string().trim().min(1).max(1000),
        k: z.coerce.number().int().min(1).max(50).default(5),
        mode: z.enum(['hybrid', 'bm25', 'dense']).optional(),
      }),
      responses: { 200: { description: 'Các đoạn xếp theo điểm · Ranked chunks', schema: searchResultSchema } },
      handler: async ({ caller, query }) => ({
        status: 200,
        body: await searchKnowledge(service, caller.tenantId, query.q, { topK: query.k, ...(query.mode ? { mode: query.mode } : {}) }),
      }),
    }),
  ];
}
