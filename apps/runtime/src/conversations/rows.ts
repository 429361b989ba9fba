/** Row shapes of conversations and messages and their mapping to the engine's records. */
import type { AnswerSource, ConversationRecord, MessageRecord, MessageRole } from '@agent-chatbot/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID (ids from outside are checked before they reach a `uuid` column). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A `conversations` row as the store selects it. */
export interface ConversationRow {
  id: string;
  tenant_id: string;
  contact_id: string | null;
  channel: string;
  external_conversation_id: string | null;
  mode: 'bot' | 'human' | 'closed';
  needs_human: boolean;
  consecutive_fallbacks: number;
  summary: string | null;
  summary_message_count: number;
  message_count: number;
}

/** A `messages` row as the store selects it. */
export interface MessageRow {
  id: string;
  tenant_id: string;
  conversation_id: string;
  role: MessageRole;
  content: string;
  external_id: string | null;
  in_reply_to: string | null;
  model: string | null;
  route: MessageRecord['route'] | null;
  route_reason: string | null;
  key_source: 'own' | 'platform' | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost_vnd: string | number | null;
  sources: AnswerSource[] | string | null;
  delivery_status: string | null;
  delivery_error: string | null;
  created_at: Date | string;
}

/** Maps a conversation row to the engine's record. */
export function conversationRecord(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    contactId: row.contact_id ?? '',
    channel: row.channel,
    ...(row.external_conversation_id ? { externalConversationId: row.external_conversation_id } : {}),
    mode: row.mode,
    needsHuman: row.needs_human,
    consecutiveFallbacks: row.consecutive_fallbacks,
    ...(row.summary !== null ? { summary: row.summary } : {}),
    summaryMessageCount: row.summary_message_count,
    messageCount: row.message_count,
  };
}

/** Parses the `sources` jsonb column (drivers return it parsed; be lenient with text). */
export function parseSources(value: MessageRow['sources']): AnswerSource[] {
  if (value === null) return [];
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) ? (parsed as AnswerSource[]) : [];
    } catch {
      return [];
    }
  }
  return value;
}

/** Maps a message row to the engine's record (NULL columns are left out). */
export function messageRecord(row: MessageRow): MessageRecord {
  const delivery = row.delivery_status;
  const engineDelivery = delivery === 'pending' || delivery === 'sent' || delivery === 'failed' || delivery === 'skipped' ? delivery : undefined;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    conversationId: row.conversation_id,
    role: row.role,
    content: row.content,
    createdAt: new Date(row.created_at),
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    ...(row.in_reply_to !== null ? { inReplyTo: row.in_reply_to } : {}),
    ...(row.model !== null ? { model: row.model } : {}),
    ...(row.route ? { route: row.route } : {}),
    ...(row.route_reason !== null ? { routeReason: row.route_reason } : {}),
    ...(row.key_source !== null ? { keySource: row.key_source } : {}),
    ...(row.tokens_in !== null ? { tokensIn: row.tokens_in } : {}),
    ...(row.tokens_out !== null ? { tokensOut: row.tokens_out } : {}),
    ...(row.cost_vnd !== null ? { costVnd: Number(row.cost_vnd) } : {}),
    sources: parseSources(row.sources),
    ...(engineDelivery ? { deliveryStatus: engineDelivery } : {}),
    ...(row.delivery_error !== null ? { deliveryError: row.delivery_error } : {}),
  };
}
