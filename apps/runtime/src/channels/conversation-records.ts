/**
 * The few conversation writes the channel jobs make themselves (contacts on follow, and the
 * polite no-model reply to stickers and other messages the bot cannot read). Answers to text go
 * through the engine (`answerForTenant`), which owns the rest of the conversation model.
 */
import type { Tx } from '../db/types';

/** Who wrote, on which connection. */
export interface ChannelParty {
  tenantId: string;
  connectionId: string;
  channel: string;
  externalUserId: string;
  displayName?: string;
}

/** Finds or creates the contact known on this connection as `externalUserId`. */
export async function ensureContact(tx: Tx, party: ChannelParty): Promise<string> {
  const existing = await tx.query<{ contact_id: string }>(
    'SELECT contact_id FROM contact_identities WHERE connection_id = $1 AND external_user_id = $2',
    [party.connectionId, party.externalUserId],
  );
  if (existing.rows[0]) {
    await tx.query('UPDATE contact_identities SET last_inbound_at = now(), display_name = COALESCE($3, display_name) WHERE connection_id = $1 AND external_user_id = $2', [
      party.connectionId,
      party.externalUserId,
      party.displayName ?? null,
    ]);
    return existing.rows[0].contact_id;
  }
  const contact = await tx.query<{ id: string }>('INSERT INTO contacts (tenant_id, name) VALUES ($1, $2) RETURNING id', [party.tenantId, party.displayName ?? null]);
  const contactId = contact.rows[0]!.id;
  const identity = await tx.query<{ contact_id: string }>(
    `INSERT INTO contact_identities (tenant_id, contact_id, connection_id, channel, external_user_id, display_name, last_inbound_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (tenant_id, connection_id, external_user_id) DO UPDATE SET last_inbound_at = now()
     RETURNING contact_id`,
    [party.tenantId, contactId, party.connectionId, party.channel, party.externalUserId, party.displayName ?? null],
  );
  return identity.rows[0]!.contact_id;
}

/** Finds or creates the conversation of a provider conversation id on this connection. */
export async function ensureConversation(tx: Tx, party: ChannelParty, externalConversationId: string): Promise<string> {
  const contactId = await ensureContact(tx, party);
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO conversations (tenant_id, contact_id, connection_id, channel, external_conversation_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, connection_id, external_conversation_id) WHERE external_conversation_id IS NOT NULL
     DO UPDATE SET updated_at = now()
     RETURNING id`,
    [party.tenantId, contactId, party.connectionId, party.channel, externalConversationId],
  );
  return rows[0]!.id;
}

/** What {@link recordCannedExchange} stores. */
export interface CannedExchange {
  conversationId: string;
  tenantId: string;
  /** Provider event id of the customer's message (dedup). */
  externalMessageId: string;
  customerText: string;
  attachments: unknown[];
  replyText: string;
  routeReason: string;
}

/** The customer's side of an exchange. */
export type CustomerMessage = Pick<CannedExchange, 'conversationId' | 'tenantId' | 'externalMessageId' | 'customerText' | 'attachments'>;

/**
 * Stores the customer's message once per provider message id (a redelivery finds the first one).
 * Returns its id and whether this call created it.
 */
export async function recordCustomerMessage(tx: Tx, x: CustomerMessage): Promise<{ customerId: string; created: boolean }> {
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO messages (tenant_id, conversation_id, role, content, attachments, external_id)
     VALUES ($1, $2, 'customer', $3, $4, $5)
     ON CONFLICT (tenant_id, conversation_id, external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id`,
    [x.tenantId, x.conversationId, x.customerText, JSON.stringify(x.attachments), x.externalMessageId],
  );
  if (inserted.rows[0]) return { customerId: inserted.rows[0].id, created: true };
  const found = await tx.query<{ id: string }>('SELECT id FROM messages WHERE conversation_id = $1 AND external_id = $2', [x.conversationId, x.externalMessageId]);
  return { customerId: found.rows[0]!.id, created: false };
}

/** Marks a conversation as having just received a customer message. */
export async function touchConversation(tx: Tx, conversationId: string): Promise<void> {
  await tx.query(`UPDATE conversations SET last_message_at = now(), last_customer_message_at = now(), updated_at = now() WHERE id = $1`, [
    conversationId,
  ]);
}

/**
 * Stores the customer's message and a fixed reply (no model call), once per provider message id.
 * Returns the reply's id and whether it is still waiting for delivery.
 */
export async function recordCannedExchange(tx: Tx, x: CannedExchange): Promise<{ replyId: string; customerId: string; pending: boolean }> {
  const { customerId, created } = await recordCustomerMessage(tx, x);
  if (!created) {
    const reply = await tx.query<{ id: string; delivery_status: string | null }>(
      `SELECT id, delivery_status FROM messages WHERE in_reply_to = $1 AND role = 'bot' ORDER BY created_at LIMIT 1`,
      [customerId],
    );
    if (reply.rows[0]) return { replyId: reply.rows[0].id, customerId, pending: reply.rows[0].delivery_status === 'pending' };
  }
  const reply = await tx.query<{ id: string }>(
    `INSERT INTO messages (tenant_id, conversation_id, role, content, route, route_reason, in_reply_to, delivery_status)
     VALUES ($1, $2, 'bot', $3, 'no-llm', $4, $5, 'pending') RETURNING id`,
    [x.tenantId, x.conversationId, x.replyText, x.routeReason, customerId],
  );
  await touchConversation(tx, x.conversationId);
  return { replyId: reply.rows[0]!.id, customerId, pending: true };
}
