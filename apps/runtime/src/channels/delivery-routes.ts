/**
 * Delivery status per outgoing message, the dead-letter list and manual retry:
 * `GET /v1/tenant/messages/:id/delivery`, `GET /v1/tenant/dead-letters`,
 * `POST /v1/tenant/messages/:id/retry`. Agents see and retry their shop's deliveries.
 */
import { ConflictError, NotFoundError } from '@agent-chatbot/core';
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import { defineRoute, type Route } from '../http/route';
import type { ChannelContext } from './channel-context';
import { enqueueDelivery } from './delivery-job';

const deliverySchema = z.object({
  message_id: z.string(),
  conversation_id: z.string(),
  channel: z.string(),
  connection_id: z.string().nullable(),
  role: z.string(),
  status: z.string().nullable().meta({ description: 'pending | sending | sent | failed | dead | window_closed' }),
  error: z.string().nullable(),
  attempts: z.number(),
  retryable: z.boolean(),
  content: z.string(),
  created_at: z.string(),
});

const unansweredSchema = z.object({
  event_id: z.string(),
  channel: z.string(),
  connection_id: z.string().nullable(),
  error: z.string(),
  received_at: z.string(),
});

interface Row {
  id: string;
  conversation_id: string;
  channel: string;
  connection_id: string | null;
  role: string;
  delivery_status: string | null;
  delivery_error: string | null;
  delivery_attempts: number;
  content: string;
  created_at: Date;
}

const SELECT = `SELECT m.id, m.conversation_id, c.channel, c.connection_id, m.role, m.delivery_status, m.delivery_error, m.delivery_attempts, m.content, m.created_at
  FROM messages m JOIN conversations c ON c.id = m.conversation_id`;
const RETRYABLE = ['dead', 'window_closed', 'failed'];

const json = (r: Row) => ({
  message_id: r.id,
  conversation_id: r.conversation_id,
  channel: r.channel,
  connection_id: r.connection_id,
  role: r.role,
  status: r.delivery_status,
  error: r.delivery_error,
  attempts: r.delivery_attempts,
  retryable: r.delivery_status !== null && RETRYABLE.includes(r.delivery_status),
  content: r.content,
  created_at: new Date(r.created_at).toISOString(),
});

const notFound = () => new NotFoundError('Message not found', 'Không tìm thấy tin nhắn');
const idParams = z.object({ id: uuidSchema });
const tags = ['deliveries'] as const;

/** The delivery routes over one {@link ChannelContext}. */
export function deliveryRoutes(context: ChannelContext): Route[] {
  const { runtime } = context;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/tenant/messages/:id/delivery',
      summary: 'Tình trạng gửi một tin nhắn · Delivery status of a message',
      tags,
      access: 'tenant-member',
      apiKey: true,
      params: idParams,
      responses: { 200: { description: 'OK', schema: deliverySchema } },
      handler: async ({ caller, params }) => {
        const row = await runtime.db.tenant(caller.tenantId, async (tx) => (await tx.query<Row>(`${SELECT} WHERE m.id = $1`, [params.id])).rows[0]);
        if (!row) throw notFound();
        return { status: 200, body: json(row) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/dead-letters',
      summary: 'Tin nhắn không gửi được (hết lượt thử hoặc quá hạn trả lời) · Undeliverable messages',
      tags,
      access: 'tenant-member',
      apiKey: true,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      responses: {
        200: {
          description: '`items`: tin trả lời không gửi được · undeliverable replies; `unanswered`: tin khách chưa được trả lời do lỗi · customer messages whose answering failed',
          schema: z.object({ items: z.array(deliverySchema), unanswered: z.array(unansweredSchema) }),
        },
      },
      handler: async ({ caller, query }) => {
        const { rows, events } = await runtime.db.tenant(caller.tenantId, async (tx) => ({
          rows: (await tx.query<Row>(`${SELECT} WHERE m.delivery_status IN ('dead', 'window_closed') ORDER BY m.created_at DESC LIMIT $1`, [query.limit])).rows,
          events: (
            await tx.query<{ id: string; source: string; connection_id: string | null; error: string; received_at: Date }>(
              `SELECT id, source, connection_id, error, received_at FROM external_events
               WHERE error IS NOT NULL AND processed_at IS NULL AND connection_id IS NOT NULL ORDER BY received_at DESC LIMIT $1`,
              [query.limit],
            )
          ).rows,
        }));
        const unanswered = events.map((e) => ({
          event_id: e.id,
          channel: e.source.split(':')[0] ?? '',
          connection_id: e.connection_id,
          error: e.error,
          received_at: new Date(e.received_at).toISOString(),
        }));
        return { status: 200, body: { items: rows.map(json), unanswered } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/messages/:id/retry',
      summary: 'Gửi lại tin nhắn chưa gửi được · Retry an undelivered message',
      tags,
      access: 'tenant-member',
      apiKey: true,
      params: idParams,
      responses: { 202: { description: 'Đã xếp hàng gửi lại · Queued', schema: deliverySchema } },
      handler: async ({ caller, params }) => {
        const row = await runtime.db.tenant(caller.tenantId, async (tx) => {
          const { rowCount } = await tx.query(
            `UPDATE messages SET delivery_status = 'pending', delivery_error = NULL, delivery_attempts = 0
             WHERE id = $1 AND delivery_status = ANY($2::text[])`,
            [params.id, RETRYABLE],
          );
          const current = (await tx.query<Row>(`${SELECT} WHERE m.id = $1`, [params.id])).rows[0];
          if (!current) throw notFound();
          if (rowCount === 0) {
            throw new ConflictError(`The message is ${current.delivery_status ?? 'not an outgoing message'}; only undelivered messages can be retried`, 'Chỉ gửi lại được tin nhắn chưa gửi thành công', {
              code: 'not_retryable',
            });
          }
          await enqueueDelivery(tx, runtime.jobs, { messageId: params.id });
          return current;
        });
        return { status: 202, body: json(row) };
      },
    }),
  ];
}
