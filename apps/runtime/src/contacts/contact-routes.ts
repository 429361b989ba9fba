/**
 * Customers (contacts) of a tenant: `GET /v1/tenant/contacts` (search, tag and channel filters,
 * paging), `GET /v1/tenant/contacts/:id`, `PATCH /v1/tenant/contacts/:id` (name, phone, e-mail,
 * tags, notes) and `GET /v1/tenant/contacts/export.csv` (the same filters, streamed, UTF-8 with a
 * BOM for Excel). Each contact carries its channel identities (how it is known on Zalo, Messenger,
 * the website…) and its conversation count. Row-level security confines everything to the
 * caller's tenant: another tenant's contact is a 404.
 */
import { NotFoundError } from '@agent-chatbot/core';
import { z } from 'zod';
import type { Tx } from '../db/types';
import { recordAudit } from '../http/audit';
import { streamCsv, type CsvValue } from '../http/csv';
import { defineRoute, type Route } from '../http/route';

const filters = z.object({
  q: z.string().trim().min(1).max(200).optional().meta({ description: 'Tìm theo tên, SĐT, email, ghi chú, thẻ, tên trên kênh · search' }),
  tag: z.string().trim().min(1).max(40).optional().meta({ description: 'Chỉ khách có thẻ này · only contacts with this tag' }),
  channel: z.string().trim().min(1).max(40).optional().meta({ description: 'Chỉ khách có danh tính trên kênh này · only contacts known on this channel' }),
});

const listQuery = filters
  .extend({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

const identitySchema = z.object({
  channel: z.string(),
  external_user_id: z.string(),
  display_name: z.string().nullable(),
  last_inbound_at: z.string().nullable(),
});

/** A contact as the API shows it. */
export const contactSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  tags: z.array(z.string()),
  notes: z.string().nullable(),
  identities: z.array(identitySchema),
  conversation_count: z.number().int(),
  last_message_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** Tags: trimmed, empty ones dropped, duplicates (case-insensitive) removed, at most 20. */
const tagsSchema = z
  .array(z.string().trim().max(40))
  .max(50)
  .transform((tags) => {
    const seen = new Set<string>();
    return tags.filter((tag) => tag !== '' && !seen.has(tag.toLocaleLowerCase('vi')) && seen.add(tag.toLocaleLowerCase('vi')));
  })
  .refine((tags) => tags.length <= 20, { message: 'at most 20 tags' });

const nullableText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((value) => (value === '' ? null : value));

const patchBody = z
  .object({
    name: nullableText(200).optional(),
    phone: nullableText(40).optional(),
    email: nullableText(320).optional(),
    tags: tagsSchema.optional(),
    notes: nullableText(10_000).optional(),
  })
  .strict();

interface ContactRow {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  tags: string[];
  notes: string | null;
  identities: Array<{ channel: string; external_user_id: string; display_name: string | null; last_inbound_at: string | null }> | string;
  conversation_count: number;
  last_message_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());
/** `%` and `_` in the search text are literal. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;

const SELECT = `
  SELECT k.id, k.name, k.phone, k.email, k.tags, k.notes, k.created_at, k.updated_at,
         COALESCE((SELECT json_agg(json_build_object('channel', i.channel, 'external_user_id', i.external_user_id,
                     'display_name', i.display_name, 'last_inbound_at', i.last_inbound_at) ORDER BY i.created_at, i.id)
                   FROM contact_identities i WHERE i.contact_id = k.id), '[]'::json) AS identities,
         s.conversation_count, s.last_message_at
  FROM contacts k
  LEFT JOIN LATERAL (
    SELECT count(*)::int AS conversation_count, max(c.last_message_at) AS last_message_at FROM conversations c WHERE c.contact_id = k.id
  ) s ON true`;

const WHERE = `
  WHERE ($1::text IS NULL OR k.name ILIKE $1 OR k.phone ILIKE $1 OR k.email ILIKE $1 OR k.notes ILIKE $1
         OR EXISTS (SELECT 1 FROM unnest(k.tags) t WHERE t ILIKE $1)
         OR EXISTS (SELECT 1 FROM contact_identities i WHERE i.contact_id = k.id AND (i.display_name ILIKE $1 OR i.external_user_id ILIKE $1)))
    AND ($2::text IS NULL OR $2 = ANY(k.tags))
    AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM contact_identities i WHERE i.contact_id = k.id AND i.channel = $3))`;

type Filters = z.infer<typeof filters>;
const filterParams = (query: Filters) => [query.q ? likePattern(query.q) : null, query.tag ?? null, query.channel ?? null];

function contactJson(row: ContactRow): z.infer<typeof contactSchema> {
  const identities = typeof row.identities === 'string' ? (JSON.parse(row.identities) as Exclude<ContactRow['identities'], string>) : row.identities;
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    tags: row.tags ?? [],
    notes: row.notes,
    identities: identities.map((identity) => ({
      channel: identity.channel,
      external_user_id: identity.external_user_id,
      display_name: identity.display_name,
      last_inbound_at: iso(identity.last_inbound_at),
    })),
    conversation_count: Number(row.conversation_count ?? 0),
    last_message_at: iso(row.last_message_at),
    created_at: iso(row.created_at) ?? '',
    updated_at: iso(row.updated_at) ?? '',
  };
}

async function findContact(tx: Tx, id: string): Promise<ContactRow> {
  const { rows } = await tx.query<ContactRow>(`${SELECT} WHERE k.id = $1`, [id]);
  if (!rows[0]) throw new NotFoundError('Contact not found', 'Không tìm thấy khách hàng');
  return rows[0];
}

/** Columns of the contacts CSV (Vietnamese first, English second). */
export const CONTACT_CSV_HEADER = [
  'Mã · ID',
  'Tên · Name',
  'Số điện thoại · Phone',
  'Email',
  'Kênh · Channels',
  'Thẻ · Tags',
  'Ghi chú · Notes',
  'Số cuộc trò chuyện · Conversations',
  'Tin nhắn cuối · Last message',
  'Ngày tạo · Created',
] as const;

const EXPORT_BATCH = 1000;
/** An export stops after this many contacts (a bigger shop filters or uses the API's paging). */
export const CONTACT_EXPORT_LIMIT = 200_000;

/** Contact routes. */
export const contactRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/tenant/contacts',
    summary: 'Danh sách khách hàng · List contacts',
    tags: ['contacts'],
    access: 'tenant-member',
    apiKey: true,
    query: listQuery,
    responses: { 200: { description: 'Mới hoạt động trước · most recently active first', schema: z.object({ items: z.array(contactSchema), total: z.number().int() }) } },
    handler: async ({ app, caller, query }) => {
      const page = await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        const params = filterParams(query);
        const { rows } = await tx.query<ContactRow>(
          `${SELECT} ${WHERE} ORDER BY COALESCE(s.last_message_at, k.created_at) DESC, k.id LIMIT $4 OFFSET $5`,
          [...params, query.limit, query.offset],
        );
        const total = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM contacts k ${WHERE}`, params);
        return { items: rows.map(contactJson), total: Number(total.rows[0]?.n ?? 0) };
      });
      return { status: 200, body: page };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tenant/contacts/export.csv',
    summary: 'Xuất danh sách khách hàng ra CSV · Export contacts as CSV',
    description:
      'CSV UTF-8 có BOM (Excel mở đúng tiếng Việt), cùng bộ lọc với danh sách; ô bắt đầu bằng = + - @ được thêm dấu \' phía trước. ' +
      '· UTF-8 CSV with a BOM (Excel reads Vietnamese correctly), same filters as the list; cells starting with = + - @ are prefixed with \'.',
    tags: ['contacts'],
    access: 'tenant-member',
    apiKey: true,
    query: filters.strict(),
    responses: { 200: { description: 'text/csv' } },
    handler: async ({ app, caller, query, res, log }) => {
      const params = filterParams(query);
      async function* batches(): AsyncGenerator<CsvValue[][]> {
        let after: { createdAt: string; id: string } | null = null;
        for (let sent = 0; sent < CONTACT_EXPORT_LIMIT; ) {
          const cursor: { createdAt: string; id: string } | null = after;
          const rows: ContactRow[] = await app.runtime.db.tenant(caller.tenantId, async (tx) =>
            (
              await tx.query<ContactRow>(
                `${SELECT} ${WHERE} AND ($4::timestamptz IS NULL OR (k.created_at, k.id) > ($4::timestamptz, $5::uuid))
                 ORDER BY k.created_at, k.id LIMIT $6`,
                [...params, cursor?.createdAt ?? null, cursor?.id ?? null, Math.min(EXPORT_BATCH, CONTACT_EXPORT_LIMIT - sent)],
              )
            ).rows,
          );
          const contacts = rows.map(contactJson);
          yield contacts.map((contact) => [
            contact.id,
            contact.name,
            contact.phone,
            contact.email,
            contact.identities.map((i) => `${i.channel}:${i.external_user_id}${i.display_name ? ` (${i.display_name})` : ''}`).join('; '),
            contact.tags.join('; '),
            contact.notes,
            contact.conversation_count,
            contact.last_message_at,
            contact.created_at,
          ]);
          sent += rows.length;
          const last = rows.at(-1);
          if (!last || rows.length < EXPORT_BATCH) return;
          after = { createdAt: new Date(last.created_at).toISOString(), id: last.id };
        }
      }
      const day = new Date().toISOString().slice(0, 10);
      await streamCsv(res, {
        filename: `khach-hang-${day}.csv`,
        header: CONTACT_CSV_HEADER,
        batches: batches(),
        onError: (error) => log.error({ err: error }, 'contacts export failed midway'),
      });
      return { status: 200 };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tenant/contacts/:id',
    summary: 'Xem một khách hàng · Get a contact',
    tags: ['contacts'],
    access: 'tenant-member',
    apiKey: true,
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: 'OK', schema: contactSchema }, 404: { description: 'Không tìm thấy · Not found' } },
    handler: async ({ app, caller, params }) => ({
      status: 200,
      body: contactJson(await app.runtime.db.tenant(caller.tenantId, (tx) => findContact(tx, params.id))),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/tenant/contacts/:id',
    summary: 'Sửa khách hàng (thẻ, ghi chú…) · Edit a contact (tags, notes…)',
    description: 'Nhân viên (tenant-agent) cũng được sửa · agents may edit too. Chỉ gửi các trường cần đổi · send only the fields to change.',
    tags: ['contacts'],
    access: 'tenant-member',
    apiKey: true,
    params: z.object({ id: z.uuid() }),
    body: patchBody,
    responses: { 200: { description: 'OK', schema: contactSchema }, 404: { description: 'Không tìm thấy · Not found' } },
    handler: async ({ app, caller, params, body, req }) => {
      const row = await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        // An empty body changes nothing and answers the contact as it is (404 if it is not the caller's).
        if (Object.keys(body).length === 0) return findContact(tx, params.id);
        const { rowCount } = await tx.query(
          `UPDATE contacts SET
             name = CASE WHEN $2::boolean THEN $3::text ELSE name END,
             phone = CASE WHEN $4::boolean THEN $5::text ELSE phone END,
             email = CASE WHEN $6::boolean THEN $7::text ELSE email END,
             tags = CASE WHEN $8::boolean THEN $9::text[] ELSE tags END,
             notes = CASE WHEN $10::boolean THEN $11::text ELSE notes END,
             updated_at = now()
           WHERE id = $1`,
          [
            params.id,
            body.name !== undefined,
            body.name ?? null,
            body.phone !== undefined,
            body.phone ?? null,
            body.email !== undefined,
            body.email ?? null,
            body.tags !== undefined,
            body.tags ?? [],
            body.notes !== undefined,
            body.notes ?? null,
          ],
        );
        if (rowCount === 0) throw new NotFoundError('Contact not found', 'Không tìm thấy khách hàng');
        // Field names only: the values are personal data and stay out of the audit trail.
        await recordAudit(tx, { tenantId: caller.tenantId, caller, action: 'contact.update', targetType: 'contact', targetId: params.id, details: { fields: Object.keys(body) }, ip: req.ip });
        return findContact(tx, params.id);
      });
      return { status: 200, body: contactJson(row) };
    },
  }),
];
