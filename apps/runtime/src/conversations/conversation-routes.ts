/**
 * `GET /v1/tenant/conversations` (filters, search, pagination) and
 * `GET /v1/tenant/conversations/:id/messages`. Row-level security confines both to the caller's
 * tenant: another tenant's conversation is a 404.
 */
import { NotFoundError } from '@agent-chatbot/core';
import { z } from 'zod';
import { streamCsv, type CsvValue } from '../http/csv';
import { defineRoute, type Route } from '../http/route';
import { parseSources, type MessageRow } from './rows';

const filterQuery = z.object({
  channel: z.string().trim().min(1).max(40).optional(),
  mode: z.enum(['bot', 'human', 'closed']).optional(),
  status: z.enum(['open', 'closed']).optional(),
  needs_human: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  q: z.string().trim().min(1).max(200).optional().meta({ description: 'Tìm theo tên khách hoặc nội dung tin nhắn · search contact name or messages' }),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Có tin nhắn từ thời điểm này · with messages at or after (ISO 8601)' }),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Có tin nhắn trước thời điểm này · with messages before (ISO 8601, exclusive)' }),
  contact_id: z.uuid().optional().meta({ description: 'Chỉ của một khách · only one contact' }),
});

const listQuery = filterQuery
  .extend({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

type Filters = z.output<typeof filterQuery>;

/**
 * The list's filters as SQL over `conversations c` joined to `contacts k` ($1–$8). A date range
 * keeps conversations with at least one message inside it.
 */
const FILTER_SQL = `($1::text IS NULL OR c.channel = $1) AND ($2::text IS NULL OR c.mode = $2)
  AND ($3::text IS NULL OR c.status = $3) AND ($4::boolean IS NULL OR c.needs_human = $4)
  AND ($5::text IS NULL OR k.name ILIKE $5 OR EXISTS (
    SELECT 1 FROM messages s WHERE s.conversation_id = c.id AND s.content ILIKE $5))
  AND (($6::timestamptz IS NULL AND $7::timestamptz IS NULL) OR EXISTS (
    SELECT 1 FROM messages d WHERE d.conversation_id = c.id
      AND ($6::timestamptz IS NULL OR d.created_at >= $6) AND ($7::timestamptz IS NULL OR d.created_at < $7)))
  AND ($8::uuid IS NULL OR c.contact_id = $8)`;

const filterParams = (query: Filters) => [
  query.channel ?? null,
  query.mode ?? null,
  query.status ?? null,
  query.needs_human ?? null,
  query.q ? likePattern(query.q) : null,
  query.from ?? null,
  query.to ?? null,
  query.contact_id ?? null,
];

const conversationSchema = z.object({
  id: z.string(),
  channel: z.string(),
  connection_id: z.string().nullable(),
  external_conversation_id: z.string().nullable(),
  status: z.string(),
  mode: z.string(),
  needs_human: z.boolean(),
  contact: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  message_count: z.number(),
  unread_count: z.number(),
  last_message: z.object({ role: z.string(), content: z.string(), created_at: z.string() }).nullable(),
  last_message_at: z.string().nullable(),
  created_at: z.string(),
});

const messageSchema = z.object({
  id: z.string(),
  role: z.string(),
  content: z.string(),
  created_at: z.string(),
  model: z.string().nullable(),
  route: z.string().nullable(),
  route_reason: z.string().nullable(),
  key_source: z.string().nullable(),
  tokens_in: z.number().nullable(),
  tokens_out: z.number().nullable(),
  cost_vnd: z.number().nullable(),
  sources: z.array(z.record(z.string(), z.unknown())),
  in_reply_to: z.string().nullable(),
  delivery_status: z.string().nullable(),
});

interface ListRow {
  id: string;
  channel: string;
  connection_id: string | null;
  external_conversation_id: string | null;
  status: string;
  mode: string;
  needs_human: boolean;
  contact_id: string | null;
  contact_name: string | null;
  message_count: number;
  unread_count: number;
  last_role: string | null;
  last_content: string | null;
  last_created_at: Date | null;
  last_message_at: Date | null;
  created_at: Date;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
/** `%` and `_` in the search text are literal. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;

/** Columns of the conversations CSV, one line per message (Vietnamese first, English second). */
export const CONVERSATION_CSV_HEADER = [
  'Mã cuộc trò chuyện · Conversation ID',
  'Kênh · Channel',
  'Khách hàng · Customer',
  'Thời gian · Time',
  'Người gửi · Sender',
  'Nội dung · Text',
  'Mô hình · Model',
  'Cách trả lời · Route',
  'Token vào · Tokens in',
  'Token ra · Tokens out',
  'Chi phí (VND) · Cost (VND)',
  'Nguồn · Sources',
] as const;

const EXPORT_BATCH = 1000;
/** An export stops after this many messages (narrow the dates for more). */
export const CONVERSATION_EXPORT_LIMIT = 200_000;

interface ExportRow {
  id: string;
  conversation_id: string;
  channel: string;
  contact_name: string | null;
  created_at: Date;
  role: string;
  content: string;
  model: string | null;
  route: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost_vnd: string | number | null;
  sources: MessageRow['sources'];
}

/** `GET /v1/tenant/conversations/export.csv`: the list's filters, one CSV line per message, streamed. */
const exportRoute = defineRoute({
  method: 'get',
  path: '/v1/tenant/conversations/export.csv',
  summary: 'Xuất lịch sử trò chuyện ra CSV · Export conversation history as CSV',
  description:
    'Mỗi tin nhắn một dòng, cùng bộ lọc với danh sách (from/to giới hạn cả tin nhắn); CSV UTF-8 có BOM để Excel mở đúng tiếng Việt; ' +
    "ô bắt đầu bằng = + - @ được thêm dấu ' phía trước. · One line per message, the list's filters (from/to also bound the messages); " +
    "UTF-8 CSV with a BOM so Excel reads Vietnamese; cells starting with = + - @ are prefixed with '.",
  tags: ['conversations'],
  access: 'tenant-member',
  query: filterQuery.strict(),
  responses: { 200: { description: 'text/csv' } },
  handler: async ({ app, caller, query, res, log }) => {
    const params = filterParams(query);
    async function* batches(): AsyncGenerator<CsvValue[][]> {
      let after: { createdAt: string; id: string } | null = null;
      for (let sent = 0; sent < CONVERSATION_EXPORT_LIMIT; ) {
        const cursor: { createdAt: string; id: string } | null = after;
        const rows: ExportRow[] = await app.runtime.db.tenant(caller.tenantId, async (tx) =>
          (
            await tx.query<ExportRow>(
              `SELECT m.id, m.conversation_id, c.channel, k.name AS contact_name, m.created_at, m.role, m.content, m.model, m.route,
                      m.tokens_in, m.tokens_out, m.cost_vnd, m.sources
               FROM messages m
               JOIN conversations c ON c.id = m.conversation_id
               LEFT JOIN contacts k ON k.id = c.contact_id
               WHERE ${FILTER_SQL} AND m.role <> 'note'
                 AND ($6::timestamptz IS NULL OR m.created_at >= $6) AND ($7::timestamptz IS NULL OR m.created_at < $7)
                 AND ($9::timestamptz IS NULL OR (m.created_at, m.id) > ($9::timestamptz, $10::uuid))
               ORDER BY m.created_at, m.id
               LIMIT $11`,
              [...params, cursor?.createdAt ?? null, cursor?.id ?? null, Math.min(EXPORT_BATCH, CONVERSATION_EXPORT_LIMIT - sent)],
            )
          ).rows,
        );
        yield rows.map((row) => [
          row.conversation_id,
          row.channel,
          row.contact_name,
          iso(row.created_at),
          row.role,
          row.content,
          row.model,
          row.route,
          row.tokens_in,
          row.tokens_out,
          row.cost_vnd === null ? null : Number(row.cost_vnd),
          parseSources(row.sources)
            .map((source) => source.title ?? source.sourceId ?? source.id)
            .filter(Boolean)
            .join('; '),
        ]);
        sent += rows.length;
        const last = rows.at(-1);
        if (!last || rows.length < EXPORT_BATCH) return;
        after = { createdAt: new Date(last.created_at).toISOString(), id: last.id };
      }
    }
    await streamCsv(res, {
      filename: `hoi-thoai-${new Date().toISOString().slice(0, 10)}.csv`,
      header: CONVERSATION_CSV_HEADER,
      batches: batches(),
      onError: (error) => log.error({ err: error }, 'conversations export failed midway'),
    });
    return { status: 200 };
  },
});

/** Conversation routes. */
export const conversationRoutes: readonly Route[] = [
  exportRoute,
  defineRoute({
    method: 'get',
    path: '/v1/tenant/conversations',
    summary: 'Danh sách cuộc trò chuyện · List conversations',
    tags: ['conversations'],
    access: 'tenant-member',
    query: listQuery,
    responses: { 200: { description: 'OK', schema: z.object({ items: z.array(conversationSchema), next_offset: z.number().nullable() }) } },
    handler: async ({ app, caller, query }) => {
      const rows = await app.runtime.db.tenant(caller.tenantId, async (tx) =>
        (
          await tx.query<ListRow>(
            `SELECT c.id, c.channel, c.connection_id, c.external_conversation_id, c.status, c.mode, c.needs_human, c.contact_id,
                    k.name AS contact_name, c.message_count, c.unread_count, c.last_message_at, c.created_at,
                    m.role AS last_role, m.content AS last_content, m.created_at AS last_created_at
             FROM conversations c
             LEFT JOIN contacts k ON k.id = c.contact_id
             LEFT JOIN LATERAL (
               SELECT role, content, created_at FROM messages WHERE conversation_id = c.id AND role <> 'note'
               ORDER BY created_at DESC LIMIT 1
             ) m ON true
             WHERE ${FILTER_SQL}
             ORDER BY c.last_message_at DESC NULLS LAST, c.id
             LIMIT $9 OFFSET $10`,
            [...filterParams(query), query.limit + 1, query.offset],
          )
        ).rows,
      );
      const items = rows.slice(0, query.limit).map((row) => ({
        id: row.id,
        channel: row.channel,
        connection_id: row.connection_id,
        external_conversation_id: row.external_conversation_id,
        status: row.status,
        mode: row.mode,
        needs_human: row.needs_human,
        contact: { id: row.contact_id, name: row.contact_name },
        message_count: row.message_count,
        unread_count: row.unread_count,
        last_message:
          row.last_role !== null ? { role: row.last_role, content: (row.last_content ?? '').slice(0, 200), created_at: iso(row.last_created_at) ?? '' } : null,
        last_message_at: iso(row.last_message_at),
        created_at: iso(row.created_at) ?? '',
      }));
      return { status: 200, body: { items, next_offset: rows.length > query.limit ? query.offset + query.limit : null } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tenant/conversations/:id/messages',
    summary: 'Tin nhắn của cuộc trò chuyện · Messages of a conversation',
    tags: ['conversations'],
    access: 'tenant-member',
    params: z.object({ id: z.uuid() }),
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        before: z.uuid().optional().meta({ description: 'id của tin cũ nhất đã có (trang trước) · id of the oldest message you have' }),
      })
      .strict(),
    responses: {
      200: { description: 'Cũ trước, mới sau · oldest first', schema: z.object({ items: z.array(messageSchema), next_before: z.string().nullable() }) },
      404: { description: 'Không tìm thấy · Not found' },
    },
    handler: async ({ app, caller, params, query }) => {
      const rows = await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        const found = await tx.query('SELECT 1 FROM conversations WHERE id = $1', [params.id]);
        if (found.rowCount === 0) throw new NotFoundError('Conversation not found', 'Không tìm thấy cuộc trò chuyện');
        return (
          await tx.query<MessageRow>(
            `SELECT id, tenant_id, conversation_id, role, content, external_id, in_reply_to, model, route, route_reason, key_source,
                    tokens_in, tokens_out, cost_vnd, sources, delivery_status, delivery_error, created_at
             FROM messages WHERE conversation_id = $1
               AND ($2::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM messages WHERE id = $2))
             ORDER BY created_at DESC, id DESC LIMIT $3`,
            [params.id, query.before ?? null, query.limit + 1],
          )
        ).rows;
      });
      const page = rows.slice(0, query.limit);
      const items = page.reverse().map((row) => ({
        id: row.id,
        role: row.role,
        content: row.content,
        created_at: iso(row.created_at) ?? '',
        model: row.model,
        route: row.route ?? null,
        route_reason: row.route_reason,
        key_source: row.key_source,
        tokens_in: row.tokens_in,
        tokens_out: row.tokens_out,
        cost_vnd: row.cost_vnd === null ? null : Number(row.cost_vnd),
        sources: parseSources(row.sources).map((source) => ({ ...source })),
        in_reply_to: row.in_reply_to,
        delivery_status: row.delivery_status,
      }));
      return { status: 200, body: { items, next_before: rows.length > query.limit ? (items[0]?.id ?? null) : null } };
    },
  }),
];
