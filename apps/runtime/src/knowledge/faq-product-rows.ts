/** SQL for `faq_entries` and `products` (inside tenant transactions). */
import type { Product } from '@agent-chatbot/rag';
import type { Tx } from '../db/types';

/** A FAQ entry as the API shows it. */
export interface FaqRecord {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  readonly tags: string[];
  readonly documentId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface FaqRow {
  id: string;
  question: string;
  answer: string;
  tags: string[] | null;
  document_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const faqRecord = (row: FaqRow): FaqRecord => ({
  id: row.id,
  question: row.question,
  answer: row.answer,
  tags: row.tags ?? [],
  documentId: row.document_id,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});
const FAQ_COLUMNS = 'id, question, answer, tags, document_id, created_at, updated_at';

/** FAQ entries, newest first. */
export async function listFaq(tx: Tx, options: { limit: number; offset: number }): Promise<{ items: FaqRecord[]; total: number }> {
  const { rows } = await tx.query<FaqRow>(`SELECT ${FAQ_COLUMNS} FROM faq_entries ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, [options.limit, options.offset]);
  const count = await tx.query<{ n: string }>('SELECT count(*) AS n FROM faq_entries');
  return { items: rows.map(faqRecord), total: Number(count.rows[0]?.n ?? 0) };
}

/** One FAQ entry (undefined for another tenant's id). */
export async function findFaq(tx: Tx, id: string): Promise<FaqRecord | undefined> {
  const { rows } = await tx.query<FaqRow>(`SELECT ${FAQ_COLUMNS} FROM faq_entries WHERE id = $1`, [id]);
  return rows[0] ? faqRecord(rows[0]) : undefined;
}

/** Inserts FAQ entries (one statement per entry; imports are small). */
export async function insertFaq(
  tx: Tx,
  tenantId: string,
  entries: ReadonlyArray<{ question: string; answer: string; tags?: readonly string[] }>,
  documentId: string | null = null,
): Promise<FaqRecord[]> {
  const out: FaqRecord[] = [];
  for (const entry of entries) {
    const { rows } = await tx.query<FaqRow>(
      `INSERT INTO faq_entries (tenant_id, document_id, question, answer, tags) VALUES ($1, $2, $3, $4, $5) RETURNING ${FAQ_COLUMNS}`,
      [tenantId, documentId, entry.question, entry.answer, [...(entry.tags ?? [])]],
    );
    out.push(faqRecord(rows[0]!));
  }
  return out;
}

/** Updates an entry; undefined when absent. */
export async function updateFaq(tx: Tx, id: string, change: { question?: string; answer?: string; tags?: readonly string[] }): Promise<FaqRecord | undefined> {
  const { rows } = await tx.query<FaqRow>(
    `UPDATE faq_entries SET question = COALESCE($2, question), answer = COALESCE($3, answer), tags = COALESCE($4, tags), updated_at = now()
     WHERE id = $1 RETURNING ${FAQ_COLUMNS}`,
    [id, change.question ?? null, change.answer ?? null, change.tags ? [...change.tags] : null],
  );
  return rows[0] ? faqRecord(rows[0]) : undefined;
}

/** Deletes entries by id; returns the ids that existed. */
export async function deleteFaq(tx: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>('DELETE FROM faq_entries WHERE id = ANY($1::uuid[]) RETURNING id', [[...ids]]);
  return rows.map((row) => row.id);
}

/** Ids of the FAQ entries and products a document produced. */
export async function rowsOfDocument(tx: Tx, documentId: string): Promise<{ faq: string[]; products: string[] }> {
  const faq = await tx.query<{ id: string }>('SELECT id FROM faq_entries WHERE document_id = $1', [documentId]);
  const products = await tx.query<{ id: string }>('SELECT id FROM products WHERE document_id = $1', [documentId]);
  return { faq: faq.rows.map((row) => row.id), products: products.rows.map((row) => row.id) };
}

/** A product as the API shows it. */
export interface ProductRecord {
  readonly id: string;
  readonly sku: string | null;
  readonly name: string;
  readonly priceVnd: number | null;
  readonly stock: number | null;
  readonly category: string | null;
  readonly description: string | null;
  readonly attributes: Record<string, string>;
  readonly documentId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface ProductRow {
  id: string;
  sku: string | null;
  name: string;
  price_vnd: string | number | null;
  stock: number | null;
  category: string | null;
  description: string | null;
  attributes: Record<string, string> | null;
  document_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const PRODUCT_COLUMNS = 'id, sku, name, price_vnd, stock, category, description, attributes, document_id, created_at, updated_at';
const productRecord = (row: ProductRow): ProductRecord => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  priceVnd: row.price_vnd === null ? null : Number(row.price_vnd),
  stock: row.stock,
  category: row.category,
  description: row.description,
  attributes: row.attributes ?? {},
  documentId: row.document_id,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** The rag {@link Product} of a stored row (its card is indexed as `product:<row id>`). */
export function toRagProduct(record: ProductRecord): Product {
  return {
    id: record.id,
    name: record.name,
    sku: record.sku ?? undefined,
    price: record.priceVnd ?? undefined,
    stock: record.stock ?? undefined,
    inStock: record.stock === null ? undefined : record.stock > 0,
    category: record.category ?? undefined,
    description: record.description ?? undefined,
    attributes: record.attributes,
  };
}

/** Products by name, with optional price range and text filter. */
export async function listProducts(
  tx: Tx,
  options: { limit: number; offset: number; q?: string; minPrice?: number; maxPrice?: number },
): Promise<{ items: ProductRecord[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (options.q) {
    params.push(`%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(name ILIKE $${params.length} OR sku ILIKE $${params.length})`);
  }
  if (options.minPrice !== undefined) {
    params.push(options.minPrice);
    where.push(`price_vnd >= $${params.length}`);
  }
  if (options.maxPrice !== undefined) {
    params.push(options.maxPrice);
    where.push(`price_vnd <= $${params.length}`);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const count = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM products ${clause}`, params);
  const { rows } = await tx.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM products ${clause} ORDER BY name, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, options.limit, options.offset],
  );
  return { items: rows.map(productRecord), total: Number(count.rows[0]?.n ?? 0) };
}

/** One product (undefined for another tenant's id). */
export async function findProduct(tx: Tx, id: string): Promise<ProductRecord | undefined> {
  const { rows } = await tx.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`, [id]);
  return rows[0] ? productRecord(rows[0]) : undefined;
}

/** Inserts catalog products; a SKU already in the catalog updates that product instead. */
export async function upsertProducts(tx: Tx, tenantId: string, products: readonly Product[], documentId: string | null): Promise<ProductRecord[]> {
  const out: ProductRecord[] = [];
  for (const p of products) {
    const values = [tenantId, documentId, p.sku ?? null, p.name, p.price ?? null, p.stock ?? (p.inStock === false ? 0 : null), p.category ?? null, p.description ?? null, JSON.stringify(p.attributes)];
    const { rows } = await tx.query<ProductRow>(
      p.sku
        ? `INSERT INTO products (tenant_id, document_id, sku, name, price_vnd, stock, category, description, attributes)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
           ON CONFLICT (tenant_id, sku) WHERE sku IS NOT NULL DO UPDATE SET document_id = EXCLUDED.document_id, name = EXCLUDED.name,
             price_vnd = EXCLUDED.price_vnd, stock = EXCLUDED.stock, category = EXCLUDED.category, description = EXCLUDED.description,
             attributes = EXCLUDED.attributes, updated_at = now()
           RETURNING ${PRODUCT_COLUMNS}`
        : `INSERT INTO products (tenant_id, document_id, sku, name, price_vnd, stock, category, description, attributes)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING ${PRODUCT_COLUMNS}`,
      values,
    );
    out.push(productRecord(rows[0]!));
  }
  return out;
}

/** Edits a product; undefined when absent. */
export async function updateProduct(
  tx: Tx,
  id: string,
  change: { name?: string; sku?: string | null; priceVnd?: number | null; stock?: number | null; category?: string | null; description?: string | null; attributes?: Record<string, string> },
): Promise<ProductRecord | undefined> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown, cast = ''): void => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  if (change.name !== undefined) set('name', change.name);
  if (change.sku !== undefined) set('sku', change.sku);
  if (change.priceVnd !== undefined) set('price_vnd', change.priceVnd);
  if (change.stock !== undefined) set('stock', change.stock);
  if (change.category !== undefined) set('category', change.category);
  if (change.description !== undefined) set('description', change.description);
  if (change.attributes !== undefined) set('attributes', JSON.stringify(change.attributes), '::jsonb');
  const { rows } = await tx.query<ProductRow>(
    `UPDATE products SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
    params,
  );
  return rows[0] ? productRecord(rows[0]) : undefined;
}

/** Deletes products by id; returns the ids that existed. */
export async function deleteProducts(tx: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>('DELETE FROM products WHERE id = ANY($1::uuid[]) RETURNING id', [[...ids]]);
  return rows.map((row) => row.id);
}
