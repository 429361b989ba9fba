/**
 * `GET /v1/tenant/conversations` (filters, search, pagination) and
 * `GET /v1/tenant/conversations/:id/messages`. Row-level security confines both to the caller's
 * tenant: another tenant's conversation is a 404.
 */
import { NotFoundError } from '@agent-chatbot/core';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route';
import { parseSources, type MessageRow } from './rows';

const listQuery = z
  .object({
    channel: z.string().trim().min(1).max(40).optional(),
    mode: z.enum(['bot', 'human', 'closed']).optional(),
    status: z.enum(['open', 'closed']).optional(),
    needs_human: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
    q: z.string().trim().min(1).max(200).optional().meta({ description: 'Tìm theo tên khách hoặc nội dung tin nhắn · search contact name or messages' }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

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

/** Conversation routes. */
export const conversationRoutes: readonly Route[] = [
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
             WHERE ($1::text IS NULL OR c.channel = $1) AND ($2::text IS NULL OR c.mode = $2)
               AND ($3::text IS NULL OR c.status = $3) AND ($4::boolean IS NULL OR c.needs_human = $4)
               AND ($5::text IS NULL OR k.name ILIKE $5 OR EXISTS (
                 SELECT 1 FROM messages s WHERE s.conversation_id = c.id AND s.content ILIKE $5))
             ORDER BY c.last_message_at DESC NULLS LAST, c.id
             LIMIT $6 OFFSET $7`,
            [
              query.channel ?? null,
              query.mode ?? null,
              query.status ?? null,
              query.needs_human ?? null,
              query.q ? likePattern(query.q) : null,
              query.limit + 1,
              query.offset,
            ],
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
