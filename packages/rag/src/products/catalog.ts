import { foldDiacritics, parseNumberVi, parsePriceVnd } from '@agent-chatbot/core';
import { hashHex } from '../store/keys';

/** A catalog product parsed from a spreadsheet row. */
export interface Product {
  /** Stable id: the SKU when present, otherwise derived from the name. */
  readonly id: string;
  /** Product name. */
  readonly name: string;
  /** Stock-keeping code. */
  readonly sku: string | undefined;
  /** Price in whole VND. */
  readonly price: number | undefined;
  /** Units in stock; `undefined` when the sheet does not say. */
  readonly stock: number | undefined;
  /** Whether it is in stock, when known. */
  readonly inStock: boolean | undefined;
  /** Category. */
  readonly category: string | undefined;
  /** Description. */
  readonly description: string | undefined;
  /** Other columns (size, màu, chất liệu…) by their header. */
  readonly attributes: Record<string, string>;
}

/** What a catalog column holds, detected from its header. */
export type ProductColumnRole = 'name' | 'sku' | 'price' | 'stock' | 'category' | 'description';

/** Header words (accent-folded) naming each product column. */
const HEADER_ROLES: ReadonlyArray<[ProductColumnRole, RegExp]> = [
  ['sku', /^(ma|ma sp|ma san pham|ma hang|sku|code|product code|item code)$/],
  ['name', /^(ten|ten sp|ten san pham|ten hang|san pham|mat hang|name|product|product name|item)$/],
  ['price', /^(gia|gia ban|gia le|don gia|gia tien|gia \(vnd\)|gia vnd|price|unit price)$/],
  ['stock', /^(ton kho|so luong|sl|ton|con|kho|stock|qty|quantity|inventory)$/],
  ['category', /^(danh muc|loai|nhom|nhom hang|loai san pham|category|type)$/],
  ['description', /^(mo ta|chi tiet|ghi chu|description|details|note)$/],
];

const normaliseHeader = (header: string): string =>
  foldDiacritics(header.normalize('NFC')).toLowerCase().replace(/\s+/g, ' ').trim();

/** Column index per role, or `undefined` when the header is not a product catalog (no name + price). */
export function detectProductColumns(header: readonly string[]): Partial<Record<ProductColumnRole, number>> | undefined {
  const roles: Partial<Record<ProductColumnRole, number>> = {};
  header.forEach((cell, index) => {
    const key = normaliseHeader(cell);
    for (const [role, pattern] of HEADER_ROLES) {
      if (roles[role] === undefined && pattern.test(key)) {
        roles[role] = index;
        break;
      }
    }
  });
  return roles.name !== undefined && roles.price !== undefined ? roles : undefined;
}

function parseStock(value: string): { stock: number | undefined; inStock: boolean | undefined } {
  const folded = normaliseHeader(value);
  if (folded === '') return { stock: undefined, inStock: undefined };
  if (/het|khong con|out/.test(folded)) return { stock: 0, inStock: false };
  const number = parseNumberVi(folded);
  if (number !== undefined) return { stock: Math.max(0, Math.floor(number)), inStock: number > 0 };
  if (/con|co san|in stock|available/.test(folded)) return { stock: undefined, inStock: true };
  return { stock: undefined, inStock: undefined };
}

/**
 * Turns catalog rows (header first) into products. Rows without a name are skipped; prices go
 * through `parsePriceVnd` ("150k", "1.500.000đ", "1tr5").
 */
export function rowsToProducts(rows: readonly string[][]): Product[] {
  const [header, ...body] = rows;
  if (!header) return [];
  const roles = detectProductColumns(header);
  if (!roles) return [];
  const used = new Set(Object.values(roles));
  const products: Product[] = [];
  const seen = new Set<string>();
  for (const row of body) {
    const cell = (role: ProductColumnRole): string => (roles[role] === undefined ? '' : (row[roles[role]] ?? '').trim());
    const name = cell('name');
    if (name === '') continue;
    const sku = cell('sku') || undefined;
    const attributes: Record<string, string> = {};
    header.forEach((title, index) => {
      const value = (row[index] ?? '').trim();
      if (!used.has(index) && value !== '' && title.trim() !== '') attributes[title.trim()] = value;
    });
    let id = sku ?? `p-${hashHex(name.toLowerCase(), 12)}`;
    while (seen.has(id)) id = `${id}-${products.length}`;
    seen.add(id);
    products.push({
      id,
      name,
      sku,
      price: parsePriceVnd(cell('price')),
      ...parseStock(cell('stock')),
      category: cell('category') || undefined,
      description: cell('description') || undefined,
      attributes,
    });
  }
  return products;
}

const formatVnd = (value: number): string => `${value.toLocaleString('vi-VN')}đ`;

/**
 * The searchable text card of a product: Vietnamese labels, the price written out, and stock
 * in words ("còn hàng"/"hết hàng") so stock questions match.
 */
export function productCard(product: Product): string {
  const lines = [`Sản phẩm: ${product.name}`];
  if (product.sku) lines.push(`Mã sản phẩm (SKU): ${product.sku}`);
  if (product.category) lines.push(`Danh mục: ${product.category}`);
  if (product.price !== undefined) lines.push(`Giá: ${formatVnd(product.price)}`);
  if (product.inStock === false) lines.push('Tình trạng: hết hàng');
  else if (product.stock !== undefined) lines.push(`Tình trạng: còn hàng (${product.stock})`);
  else if (product.inStock) lines.push('Tình trạng: còn hàng');
  for (const [key, value] of Object.entries(product.attributes)) lines.push(`${key}: ${value}`);
  if (product.description) lines.push(`Mô tả: ${product.description}`);
  return lines.join('\n');
}

/** Metadata stored with a product's chunk (price and stock feed the filters). */
export function productMetadata(product: Product): Record<string, unknown> {
  return {
    kind: 'product',
    productId: product.id,
    name: product.name,
    ...(product.sku ? { sku: product.sku } : {}),
    ...(product.price !== undefined ? { price: product.price } : {}),
    ...(product.stock !== undefined ? { stock: product.stock } : {}),
    ...(product.inStock !== undefined ? { inStock: product.inStock } : {}),
    ...(product.category ? { category: product.category } : {}),
    attributes: product.attributes,
  };
}
