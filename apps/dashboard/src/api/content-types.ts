/**
 * Named shapes and query keys of the knowledge, conversations, customers and test-chat pages,
 * picked from the generated OpenAPI types so they follow the runtime.
 */
import type { paths } from './generated/openapi';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** A knowledge document with its ingestion state. */
export type KnowledgeDocument = Json<paths['/v1/tenant/documents']['get']['responses'][200]>['items'][number];
/** The answer to one upload (one item per file). */
export type UploadAnswer = Json<paths['/v1/tenant/documents']['post']['responses'][201]>;
/** A FAQ entry. */
export type FaqEntry = Json<paths['/v1/tenant/faq']['get']['responses'][200]>['items'][number];
/** A product. */
export type Product = Json<paths['/v1/tenant/products']['get']['responses'][200]>['items'][number];
/** A conversation in the history list. */
export type ConversationSummary = Json<paths['/v1/tenant/conversations']['get']['responses'][200]>['items'][number];
/** One message of a transcript. */
export type TranscriptMessage = Json<paths['/v1/tenant/conversations/{id}/messages']['get']['responses'][200]>['items'][number];
/** A customer (contact) with its channel identities. */
export type Contact = Json<paths['/v1/tenant/contacts']['get']['responses'][200]>['items'][number];
/** The test chat's final answer. */
export type TestChatAnswer = Json<paths['/v1/tenant/test-chat']['post']['responses'][200]>;
/** The test chat's request. */
export type TestChatRequest = NonNullable<paths['/v1/tenant/test-chat']['post']['requestBody']>['content']['application/json'];

/** React Query keys of these pages. */
export const contentKeys = {
  documents: ['tenant', 'documents'] as const,
  faq: ['tenant', 'faq'] as const,
  products: (q: string) => ['tenant', 'products', q] as const,
  conversations: (filters: Record<string, string>) => ['tenant', 'conversations', filters] as const,
  transcript: (id: string) => ['tenant', 'conversations', 'messages', id] as const,
  contacts: (filters: Record<string, string>) => ['tenant', 'contacts', filters] as const,
};

/** Channels a conversation or contact can come from (filters offer these). */
export const CHANNELS = ['web', 'zalo', 'messenger', 'telegram', 'api', 'test'] as const;

/** Formats an amount in đồng (`150.000 ₫`). */
export function formatVnd(amount: number | null | undefined, language: string): string {
  if (amount === null || amount === undefined) return '—';
  return new Intl.NumberFormat(language.startsWith('vi') ? 'vi-VN' : 'en-US', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 }).format(amount);
}

/** Formats a count (`1.234` in Vietnamese). */
export function formatNumber(value: number | null | undefined, language: string): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(language.startsWith('vi') ? 'vi-VN' : 'en-US').format(value);
}
