/**
 * The inbox's reads: the conversation list (filters, keyset cursor, unread per agent) and one
 * conversation with its contact panel (contact, channel identities, tags, notes) and recent
 * messages. Every query runs in the caller's tenant transaction (row-level security).
 */
import { NotFoundError, ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import type { Tx } from '../db/types';

/** Filters of the list. */
export const inboxListQuery = z
  .object({
    needs_human: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional().meta({ description: 'Chỉ cuộc được giao cho tôi · assigned to me' }),
    unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional().meta({ description: 'Có tin khách tôi chưa đọc · unread for me' }),
    channel: z.string().trim().min(1).max(40).optional(),
    mode: z.enum(['bot', 'human', 'closed']).optional(),
    q: z.string().trim().min(1).max(200).optional().meta({ description: 'Tìm theo tên khách hoặc nội dung · search contact name or messages' }),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(200).optional().meta({ description: 'next_cursor của trang trước · next_cursor of the previous page' }),
  })
  .strict();

const personSchema = z.object({ id: z.string(), name: z.string().nullable(), email: z.string() }).nullable();

/** One row of the list. */
export const inboxItemSchema = z.object({
  id: z.string(),
  channel: z.string(),
  connection_id: z.string().nullable(),
  mode: z.enum(['bot', 'human', 'closed']),
  status: z.string(),
  needs_human: z.boolean(),
  assignee: personSchema,
  contact: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  last_message: z.object({ role: z.string(), content: z.string(), created_at: z.string() }).nullable(),
  last_message_at: z.string().nullable(),
  last_customer_message_at: z.string().nullable(),
  unread_count: z.number().meta({ description: 'Tin khách tôi chưa đọc · customer messages unread by me' }),
  created_at: z.string(),
});

/** The list page. */
export const inboxListSchema = z.object({ items: z.array(inboxItemSchema), next_cursor: z.string().nullable() });

const messageSchema = z.object({
  id: z.string(),
  role: z.enum(['customer', 'bot', 'agent', 'system', 'note']),
  content: z.string(),
  author: personSchema,
  delivery_status: z.string().nullable(),
  delivery_error: z.string().nullable(),
  route: z.string().nullable(),
  created_at: z.string(),
});

/** One conversation with its contact panel and its last messages (notes included, role `note`). */
export const inboxDetailSchema = z.object({
  conversation: inboxItemSchema.extend({ reply_window_ends_at: z.string().nullable() }),
  contact: z
    .object({
      id: z.string(),
      name: z.string().nullable(),
      phone: z.string().nullable(),
      email: z.string().nullable(),
      tags: z.array(z.string()),
      notes: z.string().nullable(),
      identities: z.array(z.object({ channel: z.string(), external_user_id: z.string(), display_name: z.string().nullable(), last_inbound_at: z.string().nullable() })),
    })
    .nullable(),
  notes: z.array(messageSchema),
  messages: z.array(messageSchema),
});

/** How long each channel lets a business reply after the customer's last message (ms). */
export const REPLY_WINDOWS_MS: Readonly<Record<string, number>> = {
  messenger: 24 * 60 * 60 * 1000,
  zalo: 7 * 24 * 60 * 60 * 1000,
};

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

interface ItemRow {
  id: string;
  channel: string;
  connection_id: string | null;
  mode: 'bot' | 'human' | 'closed';
  status: string;
  needs_human: boolean;
  assignee_id: string | null;
  assignee_name: string | null;
  assignee_email: string | null;
  contact_id: string | null;
  contact_name: string | null;
  last_role: string | null;
  last_content: string | null;
  last_created_at: Date | null;
  last_message_at: Date | null;
  last_customer_message_at: Date | null;
  sort_at: Date;
  unread_count: number | string;
  created_at: Date;
}

const itemSelect = `
  SELECT c.id, c.channel, c.connection_id, c.mode, c.status, c.needs_human, c.assignee_id, u.name AS assignee_name, u.email AS assignee_email,
         c.contact_id, k.name AS contact_name, c.last_message_at, c.last_customer_message_at, c.created_at,
         coalesce(c.last_message_at, c.created_at) AS sort_at,
         m.role AS last_role, m.content AS last_content, m.created_at AS last_created_at,
         (SELECT count(*) FROM messages x WHERE x.conversation_id = c.id AND x.role = 'customer'
            AND x.created_at > coalesce(r.last_read_at, '-infinity'::timestamptz)) AS unread_count
  FROM conversations c
  LEFT JOIN contacts k ON k.id = c.contact_id
  LEFT JOIN users u ON u.id = c.assignee_id
  LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = $1
  LEFT JOIN LATERAL (
    SELECT role, content, created_at FROM messages WHERE conversation_id = c.id AND role IN ('customer', 'bot', 'agent')
    ORDER BY created_at DESC LIMIT 1
  ) m ON true`;

function toItem(row: ItemRow): z.infer<typeof inboxItemSchema> {
  return {
    id: row.id,
    channel: row.channel,
    connection_id: row.connection_id,
    mode: row.mode,
    status: row.status,
    needs_human: row.needs_human,
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name, email: row.assignee_email ?? '' } : null,
    contact: { id: row.contact_id, name: row.contact_name },
    last_message: row.last_role !== null ? { role: row.last_role, content: (row.last_content ?? '').slice(0, 200), created_at: iso(row.last_created_at) ?? '' } : null,
    last_message_at: iso(row.last_message_at),
    last_customer_message_at: iso(row.last_customer_message_at),
    unread_count: Number(row.unread_count),
    created_at: iso(row.created_at) ?? '',
  };
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
    if (!at || !id || Number.isNaN(Date.parse(at)) || !z.uuid().safeParse(id).success) throw new Error('bad cursor');
    return { at, id };
  } catch {
    throw new ValidationError('Invalid cursor', 'Con trỏ phân trang không hợp lệ', { details: { field: 'cursor' } });
  }
}

const encodeCursor = (row: ItemRow) => Buffer.from(`${new Date(row.sort_at).toISOString()}|${row.id}`, 'utf8').toString('base64url');

/** One page of the list for agent `userId`, newest activity first. */
export async function listInbox(tx: Tx, userId: string, query: z.output<typeof inboxListQuery>): Promise<z.infer<typeof inboxListSchema>> {
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  const { rows } = await tx.query<ItemRow>(
    `${itemSelect}
     WHERE ($2::boolean IS NULL OR c.needs_human = $2)
       AND ($3::boolean IS NOT TRUE OR c.assignee_id = $1)
       AND ($4::boolean IS NOT TRUE OR c.last_customer_message_at > coalesce(r.last_read_at, '-infinity'::timestamptz))
       AND ($5::text IS NULL OR c.channel = $5)
       AND ($6::text IS NULL OR c.mode = $6)
       AND ($7::text IS NULL OR k.name ILIKE $7 OR EXISTS (
         SELECT 1 FROM messages s WHERE s.conversation_id = c.id AND s.role <> 'note' AND s.content ILIKE $7))
       AND ($8::timestamptz IS NULL OR (coalesce(c.last_message_at, c.created_at), c.id) < ($8::timestamptz, $9::uuid))
     ORDER BY coalesce(c.last_message_at, c.created_at) DESC, c.id DESC
     LIMIT $10`,
    [
      userId,
      query.needs_human ?? null,
      query.mine ?? null,
      query.unread ?? null,
      query.channel ?? null,
      query.mode ?? null,
      query.q ? likePattern(query.q) : null,
      cursor?.at ?? null,
      cursor?.id ?? null,
      query.limit + 1,
    ],
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: page.map(toItem), next_cursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

interface MessageRow {
  id: string;
  role: z.infer<typeof messageSchema>['role'];
  content: string;
  author_id: string | null;
  author_name: string | null;
  author_email: string | null;
  delivery_status: string | null;
  delivery_error: string | null;
  route: string | null;
  created_at: Date;
}

const toMessage = (row: MessageRow): z.infer<typeof messageSchema> => ({
  id: row.id,
  role: row.role,
  content: row.content,
  author: row.author_id ? { id: row.author_id, name: row.author_name, email: row.author_email ?? '' } : null,
  delivery_status: row.delivery_status,
  delivery_error: row.delivery_error,
  route: row.route,
  created_at: iso(row.created_at) ?? '',
});

/** Throws the bilingual 404 every inbox route answers for an unknown (or another tenant's) conversation. */
export const conversationNotFound = () => new NotFoundError('Conversation not found', 'Không tìm thấy cuộc trò chuyện');

/** One conversation with its contact panel, notes and its last `limit` messages (oldest first). */
export async function inboxDetail(tx: Tx, userId: string, conversationId: string, limit = 100): Promise<z.infer<typeof inboxDetailSchema>> {
  const { rows } = await tx.query<ItemRow>(`${itemSelect} WHERE c.id = $2`, [userId, conversationId]);
  const row = rows[0];
  if (!row) throw conversationNotFound();
  const item = toItem(row);
  const window = REPLY_WINDOWS_MS[row.channel];
  const reply_window_ends_at = window && row.last_customer_message_at ? new Date(new Date(row.last_customer_message_at).getTime() + window).toISOString() : null;

  let contact: z.infer<typeof inboxDetailSchema>['contact'] = null;
  if (row.contact_id) {
    const found = await tx.query<{ id: string; name: string | null; phone: string | null; email: string | null; tags: string[] | null; notes: string | null }>(
      'SELECT id, name, phone, email, tags, notes FROM contacts WHERE id = $1',
      [row.contact_id],
    );
    const identities = await tx.query<{ channel: string; external_user_id: string; display_name: string | null; last_inbound_at: Date | null }>(
      'SELECT channel, external_user_id, display_name, last_inbound_at FROM contact_identities WHERE contact_id = $1 ORDER BY created_at',
      [row.contact_id],
    );
    const c = found.rows[0];
    if (c) {
      contact = {
        ...c,
        tags: c.tags ?? [],
        identities: identities.rows.map((i) => ({ ...i, last_inbound_at: iso(i.last_inbound_at) })),
      };
    }
  }
  const messages = await tx.query<MessageRow>(
    `SELECT * FROM (
       SELECT m.id, m.role, m.content, m.author_id, u.name AS author_name, u.email AS author_email, m.delivery_status, m.delivery_error, m.route, m.created_at
       FROM messages m LEFT JOIN users u ON u.id = m.author_id
       WHERE m.conversation_id = $1 ORDER BY m.created_at DESC, m.id DESC LIMIT $2
     ) recent ORDER BY created_at, id`,
    [conversationId, limit],
  );
  const all = messages.rows.map(toMessage);
  return { conversation: { ...item, reply_window_ends_at }, contact, notes: all.filter((m) => m.role === 'note'), messages: all };
}
