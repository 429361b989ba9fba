/** FAQ (`/v1/tenant/faq`) and products (`/v1/tenant/products`) routes, with sheet imports. */
import { AgentChatbotError, ValidationError } from '@agent-chatbot/core';
import type { Request } from 'express';
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import { defineRoute, type Route } from '../http/route';
import { createFaqEntry, deleteFaqEntry, deleteProduct, editFaqEntry, editProduct, getProduct, importCatalog, importFaqSheet } from './catalog';
import { findFaq, listFaq, listProducts } from './faq-product-rows';
import { faqJson, faqSchema, pageQuery, productJson, productSchema } from './json';
import type { KnowledgeService } from './service';
import { receiveFiles } from './upload';

const idParams = z.object({ id: uuidSchema });
const tags = z.array(z.string().trim().min(1).max(50)).max(20);
const text = (max: number) => z.string().trim().min(1).max(max);

/** The one file of an import request (413 when it is too large). */
async function oneFile(service: KnowledgeService, req: Request): Promise<{ name: string; bytes: Uint8Array }> {
  const { accepted, refused } = await receiveFiles(req, service.maxUploadBytes, async () => undefined);
  const file = accepted[0];
  if (file) return file;
  const error = refused[0]?.error;
  if (error) throw error;
  throw new ValidationError('Attach one CSV or XLSX file', 'Hãy đính kèm một tệp CSV hoặc XLSX');
}

const faqNotFound = () => new AgentChatbotError({ code: 'not_found', status: 404, message: 'FAQ entry not found', messageVi: 'Không tìm thấy câu hỏi thường gặp', isRetryable: false });

/** FAQ and product routes. */
export function catalogRoutes(service: KnowledgeService): Route[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/tenant/faq', summary: 'Danh sách câu hỏi thường gặp · List FAQ entries', tags: ['knowledge'],
      access: 'tenant-member', apiKey: true, query: pageQuery,
      responses: { 200: { description: 'OK', schema: z.object({ items: z.array(faqSchema), total: z.number().int() }) } },
      handler: async ({ caller, query }) => {
        const page = await service.db.tenant(caller.tenantId, (tx) => listFaq(tx, query));
        return { status: 200, body: { items: page.items.map(faqJson), total: page.total } };
      },
    }),
    defineRoute({
      method: 'get', path: '/v1/tenant/faq/:id', summary: 'Xem câu hỏi thường gặp · Get a FAQ entry', tags: ['knowledge'],
      access: 'tenant-member', apiKey: true, params: idParams,
      responses: { 200: { description: 'OK', schema: faqSchema }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ caller, params }) => {
        const found = await service.db.tenant(caller.tenantId, (tx) => findFaq(tx, params.id));
        if (!found) throw faqNotFound();
        return { status: 200, body: faqJson(found) };
      },
    }),
    defineRoute({
      method: 'post', path: '/v1/tenant/faq', summary: 'Thêm câu hỏi thường gặp · Create a FAQ entry', tags: ['knowledge'],
      access: 'tenant-admin', apiKey: true,
      body: z.object({ question: text(4000), answer: text(20_000), tags: tags.optional() }).strict(),
      responses: { 201: { description: 'Đã thêm, tìm được ngay · Created and searchable', schema: faqSchema } },
      handler: async ({ caller, body }) => ({ status: 201, body: faqJson(await createFaqEntry(service, caller.tenantId, body)) }),
    }),
    defineRoute({
      method: 'patch', path: '/v1/tenant/faq/:id', summary: 'Sửa câu hỏi thường gặp · Edit a FAQ entry', tags: ['knowledge'],
      access: 'tenant-admin', apiKey: true, params: idParams,
      body: z.object({ question: text(4000).optional(), answer: text(20_000).optional(), tags: tags.optional() }).strict(),
      responses: { 200: { description: 'OK', schema: faqSchema }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ caller, params, body }) => ({ status: 200, body: faqJson(await editFaqEntry(service, caller.tenantId, params.id, body)) }),
    }),
    defineRoute({
      method: 'delete', path: '/v1/tenant/faq/:id', summary: 'Xoá câu hỏi thường gặp · Delete a FAQ entry', tags: ['knowledge'],
      access: 'tenant-admin', apiKey: true, params: idParams,
      responses: { 204: { description: 'Đã xoá · Deleted' }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ caller, params }) => {
        await deleteFaqEntry(service, caller.tenantId, params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post', path: '/v1/tenant/faq/import', summary: 'Nhập câu hỏi thường gặp từ CSV/XLSX · Import FAQ from CSV/XLSX', tags: ['knowledge'],
      description: 'multipart/form-data, một tệp có cột `câu hỏi`/`trả lời` (hoặc `question`/`answer`) · one file whose header names a question and an answer column.',
      access: 'tenant-admin', apiKey: true,
      responses: { 201: { description: 'Đã nhập · Imported', schema: z.object({ imported: z.number().int(), items: z.array(faqSchema) }) } },
      handler: async ({ caller, req }) => {
        const created = await importFaqSheet(service, caller.tenantId, await oneFile(service, req));
        return { status: 201, body: { imported: created.length, items: created.map(faqJson) } };
      },
    }),
    defineRoute({
      method: 'get', path: '/v1/tenant/products', summary: 'Danh sách sản phẩm · List products', tags: ['knowledge'],
      access: 'tenant-member', apiKey: true,
      query: pageQuery.extend({
        q: z.string().trim().min(1).max(200).optional(),
        min_price: z.coerce.number().int().min(0).optional(),
        max_price: z.coerce.number().int().min(0).optional(),
      }),
      responses: { 200: { description: 'OK', schema: z.object({ items: z.array(productSchema), total: z.number().int() }) } },
      handler: async ({ caller, query }) => {
        const page = await service.db.tenant(caller.tenantId, (tx) =>
          listProducts(tx, { limit: query.limit, offset: query.offset, ...(query.q ? { q: query.q } : {}), ...(query.min_price !== undefined ? { minPrice: query.min_price } : {}), ...(query.max_price !== undefined ? { maxPrice: query.max_price } : {}) }),
        );
        return { status: 200, body: { items: page.items.map(productJson), total: page.total } };
      },
    }),
    defineRoute({
      method: 'get', path: '/v1/tenant/products/:id', summary: 'Xem sản phẩm · Get a product', tags: ['knowledge'],
      access: 'tenant-member', apiKey: true, params: idParams,
      responses: { 200: { description: 'OK', schema: productSchema }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ caller, params }) => ({ status: 200, body: productJson(await getProduct(service, caller.tenantId, params.id)) }),
    }),
    defineRoute({
      method: 'patch', path: '/v1/tenant/products/:id', summary: 'Sửa sản phẩm (giá, tồn kho…) · Edit a product (price, stock…)', tags: ['knowledge'],
      access: 'tenant-admin', apiKey: true, params: idParams,
      body: z
        .object({
          name: text(500).optional(),
          sku: z.string().trim().min(1).max(100).nullable().optional(),
          price_vnd: z.number().int().min(0).max(1e13).nullable().optional(),
          stock: z.number().int().min(0).max(2_000_000_000).nullable().optional(),
          category: z.string().trim().max(200).nullable().optional(),
          description: z.string().trim().max(20_000).nullable().optional(),
          attributes: z.record(z.string().max(100), z.string().max(1000)).optional(),
        })
        .strict(),
      responses: { 200: { description: 'OK', schema: productSchema }, 404: { description: 'Không tìm thấy · Not found' }, 409: { description: 'Trùng SKU · Duplicate SKU' } },
      handler: async ({ caller, params, body }) => {
        const { price_vnd: priceVnd, ...rest } = body;
        const updated = await editProduct(service, caller.tenantId, params.id, { ...rest, ...(priceVnd !== undefined ? { priceVnd } : {}) });
        return { status: 200, body: productJson(updated) };
      },
    }),
    defineRoute({
      method: 'delete', path: '/v1/tenant/products/:id', summary: 'Xoá sản phẩm · Delete a product', tags: ['knowledge'],
      access: 'tenant-admin', apiKey: true, params: idParams,
      responses: { 204: { description: 'Đã xoá · Deleted' }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ caller, params }) => {
        await deleteProduct(service, caller.tenantId, params.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post', path: '/v1/tenant/products/import', summary: 'Nhập danh mục sản phẩm từ CSV/XLSX · Import a product catalog', tags: ['knowledge'],
      description: 'multipart/form-data, một tệp có cột tên và giá (`150k`, `1.500.000đ`, `1tr5`…); SKU đã có thì cập nhật · one file with name and price columns; an existing SKU is updated.',
      access: 'tenant-admin', apiKey: true,
      responses: { 201: { description: 'Đã nhập · Imported', schema: z.object({ imported: z.number().int(), items: z.array(productSchema) }) } },
      handler: async ({ caller, req }) => {
        const stored = await importCatalog(service, caller.tenantId, await oneFile(service, req));
        return { status: 201, body: { imported: stored.length, items: stored.map(productJson) } };
      },
    }),
  ];
}
