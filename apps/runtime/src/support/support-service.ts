/**
 * Support tickets: a tenant's people open a ticket (subject + first message), both sides add
 * messages, either side closes it. Tenant functions run in the tenant's own transaction (RLS: a
 * ticket id of another tenant is simply not found); the platform functions run in platform scope
 * for the admin console and then act inside the ticket's own tenant.
 */
import { NotFoundError } from '@agent-chatbot/core';
import type { Db, Tx } from '../db/types';

/** Where a ticket stands. */
export const ticketStatuses = ['open', 'answered', 'closed'] as const;
/** One of {@link ticketStatuses}. */
export type TicketStatus = (typeof ticketStatuses)[number];

/** A ticket summary (lists). */
export interface TicketSummary {
  readonly id: string;
  readonly tenantId: string;
  readonly tenantName?: string;
  readonly subject: string;
  readonly status: TicketStatus;
  readonly messageCount: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly closedAt: Date | null;
}

/** One message of a ticket. */
export interface TicketMessage {
  readonly id: string;
  readonly authorKind: 'tenant' | 'platform';
  readonly authorEmail: string | null;
  readonly body: string;
  readonly createdAt: Date;
}

/** A ticket with its messages, oldest first. */
export interface TicketDetail extends TicketSummary {
  readonly messages: readonly TicketMessage[];
}

interface TicketRow {
  id: string;
  tenant_id: string;
  tenant_name?: string;
  subject: string;
  status: TicketStatus;
  message_count: string | number;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

const SUMMARY = `t.id, t.tenant_id, t.subject, t.status, t.created_at, t.updated_at, t.closed_at,
  (SELECT count(*) FROM support_ticket_messages m WHERE m.ticket_id = t.id) AS message_count`;

const summaryOf = (row: TicketRow): TicketSummary => ({
  id: row.id,
  tenantId: row.tenant_id,
  ...(row.tenant_name === undefined ? {} : { tenantName: row.tenant_name }),
  subject: row.subject,
  status: row.status,
  messageCount: Number(row.message_count),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  closedAt: row.closed_at,
});

const notFound = () => new NotFoundError('Support ticket not found', 'Không tìm thấy yêu cầu hỗ trợ');

async function detailIn(tx: Tx, id: string): Promise<TicketDetail | null> {
  const { rows } = await tx.query<TicketRow>(`SELECT ${SUMMARY} FROM support_tickets t WHERE t.id = $1`, [id]);
  const row = rows[0];
  if (!row) return null;
  const messages = await tx.query<{ id: string; author_kind: 'tenant' | 'platform'; author_email: string | null; body: string; created_at: Date }>(
    `SELECT m.id, m.author_kind, u.email AS author_email, m.body, m.created_at
       FROM support_ticket_messages m LEFT JOIN users u ON u.id = m.author_user_id
      WHERE m.ticket_id = $1 ORDER BY m.created_at, m.id`,
    [id],
  );
  return {
    ...summaryOf(row),
    messages: messages.rows.map((m) => ({ id: m.id, authorKind: m.author_kind, authorEmail: m.author_email, body: m.body, createdAt: m.created_at })),
  };
}

async function addMessageIn(tx: Tx, tenantId: string, id: string, input: { authorKind: 'tenant' | 'platform'; userId: string | null; body: string }): Promise<void> {
  // A tenant message (re)opens the ticket; a platform reply marks it answered.
  const status: TicketStatus = input.authorKind === 'tenant' ? 'open' : 'answered';
  const updated = await tx.query('UPDATE support_tickets SET status = $2, updated_at = now(), closed_at = NULL WHERE id = $1', [id, status]);
  if (updated.rowCount === 0) throw notFound();
  await tx.query(
    `INSERT INTO support_ticket_messages (tenant_id, ticket_id, author_kind, author_user_id, body) VALUES ($1, $2, $3, $4, $5)`,
    [tenantId, id, input.authorKind, input.userId, input.body],
  );
}

/** The tenant's own tickets, most recently updated first. */
export async function listTenantTickets(db: Db, tenantId: string, options: { limit?: number } = {}): Promise<TicketSummary[]> {
  return db.tenant(tenantId, async (tx) => {
    const { rows } = await tx.query<TicketRow>(`SELECT ${SUMMARY} FROM support_tickets t ORDER BY t.updated_at DESC, t.id LIMIT $1`, [options.limit ?? 100]);
    return rows.map(summaryOf);
  });
}

/** Opens a ticket with its first message; `audit` writes its record in the same transaction. */
export async function openTicket(
  db: Db,
  input: { tenantId: string; userId: string | null; subject: string; body: string },
  audit?: (tx: Tx, ticketId: string) => Promise<void>,
): Promise<TicketDetail> {
  return db.tenant(input.tenantId, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      'INSERT INTO support_tickets (tenant_id, subject, created_by) VALUES ($1, $2, $3) RETURNING id',
      [input.tenantId, input.subject, input.userId],
    );
    const id = rows[0]!.id;
    await addMessageIn(tx, input.tenantId, id, { authorKind: 'tenant', userId: input.userId, body: input.body });
    await audit?.(tx, id);
    return (await detailIn(tx, id))!;
  });
}

/** One of the tenant's tickets with its messages; 404 for anything else. */
export async function getTenantTicket(db: Db, tenantId: string, id: string): Promise<TicketDetail> {
  const detail = await db.tenant(tenantId, (tx) => detailIn(tx, id));
  if (!detail) throw notFound();
  return detail;
}

/** Adds the tenant's message to its own ticket (reopening it). */
export async function addTenantMessage(db: Db, input: { tenantId: string; userId: string | null; id: string; body: string }): Promise<TicketDetail> {
  return db.tenant(input.tenantId, async (tx) => {
    await addMessageIn(tx, input.tenantId, input.id, { authorKind: 'tenant', userId: input.userId, body: input.body });
    return (await detailIn(tx, input.id))!;
  });
}

async function closeIn(tx: Tx, id: string): Promise<void> {
  const updated = await tx.query(`UPDATE support_tickets SET status = 'closed', closed_at = coalesce(closed_at, now()), updated_at = now() WHERE id = $1`, [id]);
  if (updated.rowCount === 0) throw notFound();
}

/** Closes one of the tenant's tickets. */
export async function closeTenantTicket(db: Db, tenantId: string, id: string): Promise<TicketDetail> {
  return db.tenant(tenantId, async (tx) => {
    await closeIn(tx, id);
    return (await detailIn(tx, id))!;
  });
}

/** Every tenant's tickets (platform scope), filtered by status, most recently updated first. */
export async function listAllTickets(db: Db, query: { status?: TicketStatus; limit: number; offset: number }): Promise<TicketSummary[]> {
  return db.platform(async (tx) => {
    const { rows } = await tx.query<TicketRow>(
      `SELECT ${SUMMARY}, tn.name AS tenant_name FROM support_tickets t JOIN tenants tn ON tn.id = t.tenant_id
        WHERE ($1::text IS NULL OR t.status = $1) ORDER BY t.updated_at DESC, t.id LIMIT $2 OFFSET $3`,
      [query.status ?? null, query.limit, query.offset],
    );
    return rows.map(summaryOf);
  });
}

/** The tenant a ticket belongs to (platform scope); 404 when there is no such ticket. */
async function tenantOfTicket(db: Db, id: string): Promise<{ tenantId: string; tenantName: string }> {
  const { rows } = await db.platform((tx) =>
    tx.query<{ tenant_id: string; name: string }>('SELECT t.tenant_id, tn.name FROM support_tickets t JOIN tenants tn ON tn.id = t.tenant_id WHERE t.id = $1', [id]),
  );
  if (!rows[0]) throw notFound();
  return { tenantId: rows[0].tenant_id, tenantName: rows[0].name };
}

/** Any ticket with its messages (platform admins). */
export async function getTicketForPlatform(db: Db, id: string): Promise<TicketDetail> {
  const { tenantId, tenantName } = await tenantOfTicket(db, id);
  return { ...(await getTenantTicket(db, tenantId, id)), tenantName };
}

/** A platform admin's reply (marks the ticket answered), written inside the ticket's tenant. */
export async function replyAsPlatform(db: Db, input: { id: string; userId: string; body: string }): Promise<TicketDetail> {
  const { tenantId, tenantName } = await tenantOfTicket(db, input.id);
  const detail = await db.tenant(tenantId, async (tx) => {
    await addMessageIn(tx, tenantId, input.id, { authorKind: 'platform', userId: input.userId, body: input.body });
    return (await detailIn(tx, input.id))!;
  });
  return { ...detail, tenantName };
}

/** Closes any ticket (platform admins). */
export async function closeTicketForPlatform(db: Db, id: string): Promise<TicketDetail> {
  const { tenantId, tenantName } = await tenantOfTicket(db, id);
  return { ...(await closeTenantTicket(db, tenantId, id)), tenantName };
}
