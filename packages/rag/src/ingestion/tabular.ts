import { foldDiacritics } from '@agent-chatbot/core';
import { productCard, productMetadata, rowsToProducts, type Product } from '../products/catalog';

/** A question/answer pair. */
export interface FaqEntry {
  /** Stable id; derived from the question when absent. */
  readonly id?: string;
  /** The question column's value. */
  readonly question: string;
  /** The answer column's value. */
  readonly answer: string;
}

/** A chunk prepared outside the text chunker (FAQ pairs, product cards). */
export interface PreparedChunk {
  /** Row text to index. */
  readonly text: string;
  /** Row metadata (sheet, row number, columns). */
  readonly metadata: Record<string, unknown>;
}

const folded = (cell: string): string => foldDiacritics(cell.normalize('NFC')).toLowerCase().replace(/\s+/g, ' ').trim();
const QUESTION = /^(cau hoi|hoi|question|questions|q)$|cau hoi|question/;
const ANSWER = /^(tra loi|cau tra loi|dap|dap an|answer|answers|a)$|tra loi|answer/;

/** Column indexes of a FAQ sheet (`câu hỏi`/`trả lời`, `question`/`answer`, any case or accents). */
export function detectFaqColumns(header: readonly string[]): { question: number; answer: number } | undefined {
  const keys = header.map(folded);
  const question = keys.findIndex((key) => QUESTION.test(key));
  const answer = keys.findIndex((key, index) => index !== question && ANSWER.test(key));
  return question >= 0 && answer >= 0 ? { question, answer } : undefined;
}

/** FAQ entries of a sheet whose header names a question and an answer column, else `undefined`. */
export function rowsToFaq(rows: readonly string[][]): FaqEntry[] | undefined {
  const [header, ...body] = rows;
  const columns = header ? detectFaqColumns(header) : undefined;
  if (!columns) return undefined;
  return body
    .map((row) => ({ question: (row[columns.question] ?? '').trim(), answer: (row[columns.answer] ?? '').trim() }))
    .filter((entry) => entry.question !== '' && entry.answer !== '');
}

/** The chunk of one FAQ pair: the question is indexed with its answer. */
export function faqChunk(entry: FaqEntry): PreparedChunk {
  return {
    text: `Hỏi: ${entry.question}\nĐáp: ${entry.answer}`,
    metadata: { kind: 'faq', question: entry.question, answer: entry.answer, ...(entry.id ? { faqId: entry.id } : {}) },
  };
}

/** What a table turned into: FAQ pairs, products, or plain rows. */
export type TabularContent =
  | { readonly kind: 'faq'; readonly entries: FaqEntry[]; readonly chunks: PreparedChunk[] }
  | { readonly kind: 'products'; readonly products: Product[]; readonly chunks: PreparedChunk[] }
  | { readonly kind: 'table'; readonly text: string };

/** Classifies a CSV/XLSX table and prepares its chunks. */
export function prepareTable(rows: readonly string[][]): TabularContent {
  const faq = rowsToFaq(rows);
  if (faq) return { kind: 'faq', entries: faq, chunks: faq.map(faqChunk) };
  const products = rowsToProducts(rows);
  if (products.length > 0) {
    return {
      kind: 'products',
      products,
      chunks: products.map((product) => ({ text: productCard(product), metadata: productMetadata(product) })),
    };
  }
  const [header, ...body] = rows;
  // Plain tables: "Cột: giá trị; …" per row keeps each value next to its column name.
  const lines = body.map((row) =>
    row
      .map((cell, index) => (cell.trim() === '' ? '' : header?.[index] ? `${header[index]}: ${cell.trim()}` : cell.trim()))
      .filter(Boolean)
      .join('; '),
  );
  return { kind: 'table', text: lines.filter(Boolean).join('\n') };
}
