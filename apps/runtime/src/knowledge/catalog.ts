/** FAQ entries and products: edits and imports, each change indexed at once and versioned. */
import { ConflictError, NotFoundError, UnprocessableError } from '@agent-chatbot/core';
import { extractDocument, normaliseDocumentText, rowsToFaq, rowsToProducts } from '@agent-chatbot/rag';
import {
  deleteFaq,
  deleteProducts,
  findProduct,
  insertFaq,
  toRagProduct,
  updateFaq,
  updateProduct,
  upsertProducts,
  type FaqRecord,
  type ProductRecord,
} from './faq-product-rows';
import { faqSource, productSource, type KnowledgeService } from './service';

const faqNotFound = () => new NotFoundError('FAQ entry not found', 'Không tìm thấy câu hỏi thường gặp');
const productNotFound = () => new NotFoundError('Product not found', 'Không tìm thấy sản phẩm');

/** A duplicate SKU is a 409, not a crash. */
async function mapConflicts<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new ConflictError('Another product already has this SKU', 'Đã có sản phẩm khác dùng mã SKU này', { code: 'duplicate_sku' });
    }
    throw error;
  }
}

async function indexFaq(service: KnowledgeService, tenantId: string, entries: readonly FaqRecord[]): Promise<void> {
  if (entries.length === 0) return;
  await service.kb.upsertFaq({ namespace: tenantId, entries: entries.map((e) => ({ id: e.id, question: e.question, answer: e.answer })) });
  await service.knowledgeChanged(tenantId);
}

async function indexProducts(service: KnowledgeService, tenantId: string, products: readonly ProductRecord[]): Promise<void> {
  if (products.length === 0) return;
  await service.kb.upsertProducts({ namespace: tenantId, products: products.map(toRagProduct) });
  await service.knowledgeChanged(tenantId);
}

/** Creates a FAQ entry (searchable when this returns). */
export async function createFaqEntry(service: KnowledgeService, tenantId: string, entry: { question: string; answer: string; tags?: string[] }): Promise<FaqRecord> {
  const [created] = await service.db.tenant(tenantId, (tx) => insertFaq(tx, tenantId, [entry]));
  await indexFaq(service, tenantId, [created!]);
  return created!;
}

/** Edits a FAQ entry and re-indexes it. */
export async function editFaqEntry(service: KnowledgeService, tenantId: string, id: string, change: { question?: string; answer?: string; tags?: string[] }): Promise<FaqRecord> {
  const updated = await service.db.tenant(tenantId, (tx) => updateFaq(tx, id, change));
  if (!updated) throw faqNotFound();
  await indexFaq(service, tenantId, [updated]);
  return updated;
}

/** Deletes a FAQ entry and its chunk. */
export async function deleteFaqEntry(service: KnowledgeService, tenantId: string, id: string): Promise<void> {
  const removed = await service.db.tenant(tenantId, (tx) => deleteFaq(tx, [id]));
  if (removed.length === 0) throw faqNotFound();
  await service.removeSources(tenantId, removed.map(faqSource));
  await service.knowledgeChanged(tenantId);
}

async function readSheet(service: KnowledgeService, file: { name: string; bytes: Uint8Array }): Promise<string[][]> {
  const extracted = await extractDocument({ name: file.name, content: file.bytes }, service.kb.limits);
  if (!extracted.rows) {
    throw new UnprocessableError(`${file.name} is not a CSV or XLSX sheet`, `Tệp ${file.name} không phải bảng CSV hoặc XLSX`, { code: 'not_a_sheet' });
  }
  return extracted.rows.map((row) => row.map((cell) => normaliseDocumentText(cell)));
}

/** Imports FAQ entries from a sheet whose header names a question and an answer column. */
export async function importFaqSheet(service: KnowledgeService, tenantId: string, file: { name: string; bytes: Uint8Array }): Promise<FaqRecord[]> {
  const entries = rowsToFaq(await readSheet(service, file));
  if (!entries) {
    throw new UnprocessableError(
      'The sheet needs a question and an answer column (câu hỏi/trả lời or question/answer)',
      'Bảng cần có cột câu hỏi và cột trả lời (câu hỏi/trả lời hoặc question/answer)',
      { code: 'faq_columns_missing' },
    );
  }
  const created = await service.db.tenant(tenantId, (tx) => insertFaq(tx, tenantId, entries));
  await indexFaq(service, tenantId, created);
  return created;
}

/** Imports a product catalog: rows land in the products table and as searchable cards. */
export async function importCatalog(service: KnowledgeService, tenantId: string, file: { name: string; bytes: Uint8Array }): Promise<ProductRecord[]> {
  const products = rowsToProducts(await readSheet(service, file));
  if (products.length === 0) {
    throw new UnprocessableError(
      'The sheet needs a product name and a price column (tên sản phẩm/giá or name/price)',
      'Bảng cần có cột tên sản phẩm và cột giá (tên sản phẩm/giá hoặc name/price)',
      { code: 'catalog_columns_missing' },
    );
  }
  const stored = await mapConflicts(service.db.tenant(tenantId, (tx) => upsertProducts(tx, tenantId, products, null)));
  await indexProducts(service, tenantId, stored);
  return stored;
}

/** Edits a product and re-indexes its card. */
export async function editProduct(service: KnowledgeService, tenantId: string, id: string, change: Parameters<typeof updateProduct>[2]): Promise<ProductRecord> {
  const updated = await mapConflicts(service.db.tenant(tenantId, (tx) => updateProduct(tx, id, change)));
  if (!updated) throw productNotFound();
  await indexProducts(service, tenantId, [updated]);
  return updated;
}

/** One product (404 across tenants). */
export async function getProduct(service: KnowledgeService, tenantId: string, id: string): Promise<ProductRecord> {
  const found = await service.db.tenant(tenantId, (tx) => findProduct(tx, id));
  if (!found) throw productNotFound();
  return found;
}

/** Deletes a product and its card. */
export async function deleteProduct(service: KnowledgeService, tenantId: string, id: string): Promise<void> {
  const removed = await service.db.tenant(tenantId, (tx) => deleteProducts(tx, [id]));
  if (removed.length === 0) throw productNotFound();
  await service.removeSources(tenantId, removed.map(productSource));
  await service.knowledgeChanged(tenantId);
}
