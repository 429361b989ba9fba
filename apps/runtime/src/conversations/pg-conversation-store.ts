/**
 * The engine's {@link ConversationStoreV1} over Postgres/PGlite: contacts, contact_identities,
 * conversations and messages. Every call is one short `db.tenant(…)` transaction (row-level
 * security confines it to the tenant); none is ever held across a model or provider call.
 */
import {
  NotFoundError,
  type AnswerSource,
  type ContactRecord,
  type ConversationPatch,
  type ConversationRecord,
  type ConversationStoreV1,
  type MessageRecord,
  type NewMessage,
} from '@agent-chatbot/core';
import type { Db, Tx } from '../db/types';
import { conversationRecord, isUuid, messageRecord, type ConversationRow, type MessageRow } from './rows';

/** Options of {@link createPgConversationStore}. */
export interface PgConversationStoreOptions {
  /**
   * The channel connection the customers of this store come through (`channel_connections.id`).
   * Without one (public API, test chat, CLI) contacts and conversations are keyed by channel.
   */
  connectionId?: string;
  /**
   * Runs inside the transaction that stored a new message (not for a redelivered one), so what
   * the message implies — inbox events, usage meters — commits with it or not at all. It may
   * return work to run after the commit (publishing the inbox events).
   */
  onMessageStored?: MessageStoredHook;
  /**
   * Runs first in that transaction, before any row is touched: where a hook takes locks that other
   * writers take before their row locks (the inbox's event lock), so both lock in the same order
   * and never deadlock.
   */
  lockBeforeStore?: (tx: Tx, tenantId: string) => Promise<void>;
}

/** A new message as stored, with the transaction that stored it (see {@link PgConversationStoreOptions.onMessageStored}). */
export type MessageStoredHook = (tx: Tx, stored: { tenantId: string; message: MessageRecord }) => Promise<AfterCommit | void>;

/** Work to run once the transaction has committed. */
export type AfterCommit = () => Promise<void>;

const conversationColumns = `id, tenant_id, contact_id, channel, external_conversation_id, mode, needs_human,
  consecutive_fallbacks, summary, summary_message_count, message_count`;
const messageColumns = `id, tenant_id, conversation_id, role, content, external_id, in_reply_to, model, route, route_reason,
  key_source, tokens_in, tokens_out, cost_vnd, sources, delivery_status, delivery_error, created_at`;

type ContactInput = Parameters<ConversationStoreV1['upsertContact']>[0];
type ConversationInput = Parameters<ConversationStoreV1['upsertConversation']>[0];

const notFound = () => new NotFoundError('Conversation not found', 'Không tìm thấy cuộc trò chuyện');

/** A conversation row built in SQL as JSON: drivers return it parsed, or as text. */
const jsonRow = (value: ConversationRow | string): ConversationRow => (typeof value === 'string' ? (JSON.parse(value) as ConversationRow) : value);

/**
 * Creates the Postgres conversation store; cheap (no I/O), so one per connection per turn is fine.
 *
 * @example const store = createPgConversationStore(runtime.db, { connectionId }); await answerMessage({ ...config, store }, input);
 */
export function createPgConversationStore(db: Db, options: PgConversationStoreOptions = {}): ConversationStoreV1 {
  const connectionId = options.connectionId ?? null;
  /** Conversation rows as the last append left them, for the engine's read right after (one use). */
  const justWritten = new Map<string, ConversationRow>();
  if (connectionId !== null && !isUuid(connectionId)) throw new NotFoundError('Channel connection not found', 'Không tìm thấy kết nối kênh');

  const loadConversation = async (tx: Tx, conversationId: string): Promise<ConversationRow | undefined> => {
    if (!isUuid(conversationId)) return undefined;
    const { rows } = await tx.query<ConversationRow>(
      `SELECT ${conversationColumns} FROM conversations WHERE id = $1`,
      [conversationId],
    );
    return rows[0];
  };

  const upsertContactIn = async (tx: Tx, { tenantId, channel, externalUserId, name }: ContactInput): Promise<ContactRecord> => {
    const record = (contactId: string, contactName: string | null): ContactRecord => ({
      id: contactId, tenantId, channel, externalUserId, ...(contactName ? { name: contactName } : {}),
    });
    const find = async () =>
      (
        await tx.query<{ contact_id: string; name: string | null }>(
          `SELECT i.contact_id, c.name FROM contact_identities i JOIN contacts c ON c.id = i.contact_id
           WHERE i.connection_id IS NOT DISTINCT FROM $1 AND i.channel = $2 AND i.external_user_id = $3`,
          [connectionId, channel, externalUserId],
        )
      ).rows[0];
    // A returning customer (the common case): found and touched in one statement.
    const existing = (
      await tx.query<{ contact_id: string; name: string | null }>(
        `UPDATE contact_identities i SET last_inbound_at = now(), display_name = coalesce($4, i.display_name)
         FROM contacts c
         WHERE c.id = i.contact_id AND i.connection_id IS NOT DISTINCT FROM $1 AND i.channel = $2 AND i.external_user_id = $3
         RETURNING i.contact_id, c.name`,
        [connectionId, channel, externalUserId, name ?? null],
      )
    ).rows[0];
    if (existing) {
      if (name && name !== existing.name) {
        await tx.query('UPDATE contacts SET name = $2, updated_at = now() WHERE id = $1', [existing.contact_id, name]);
        return record(existing.contact_id, name);
      }
      return record(existing.contact_id, existing.name);
    }
    const { rows } = await tx.query<{ id: string }>('INSERT INTO contacts (tenant_id, name) VALUES ($1, $2) RETURNING id', [tenantId, name ?? null]);
    const contactId = rows[0]!.id;
    // A concurrent first message from the same customer may have won: keep its contact.
    const inserted = await tx.query(
      `INSERT INTO contact_identities (tenant_id, contact_id, connection_id, channel, external_user_id, display_name, last_inbound_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT DO NOTHING RETURNING id`,
      [tenantId, contactId, connectionId, channel, externalUserId, name ?? null],
    );
    if (inserted.rowCount > 0) return record(contactId, name ?? null);
    await tx.query('DELETE FROM contacts WHERE id = $1', [contactId]);
    const winner = await find();
    if (!winner) throw new Error('contact identity vanished during upsert');
    return record(winner.contact_id, winner.name);
  };

  const conversationConflict = connectionId
    ? '(tenant_id, connection_id, external_conversation_id) WHERE external_conversation_id IS NOT NULL'
    : '(tenant_id, channel, external_conversation_id) WHERE connection_id IS NULL AND external_conversation_id IS NOT NULL';

  /** The {@link conversationConflict} key as a lookup (`$1` connection, `$2` channel, `$5` tenant, `$6` external id). */
  const conversationKey = connectionId
    ? 'tenant_id = $5::uuid AND connection_id = $1 AND external_conversation_id = $6'
    : 'tenant_id = $5::uuid AND connection_id IS NULL AND channel = $2 AND external_conversation_id = $6';

  const upsertConversationIn = async (tx: Tx, { tenantId, channel, externalConversationId, contactId }: ConversationInput): Promise<ConversationRecord> => {
    // DO UPDATE (a no-op write) so RETURNING yields the existing row too.
    const { rows } = await tx.query<ConversationRow>(
      `INSERT INTO conversations (tenant_id, contact_id, connection_id, channel, external_conversation_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ${conversationConflict} DO UPDATE SET contact_id = coalesce(conversations.contact_id, EXCLUDED.contact_id)
       RETURNING ${conversationColumns}`,
      [tenantId, isUuid(contactId) ? contactId : null, connectionId, channel, externalConversationId],
    );
    return conversationRecord(rows[0]!);
  };

  return {
    specificationVersion: 'v1',

    async upsertContact(input) {
      return db.tenant(input.tenantId, (tx) => upsertContactIn(tx, input));
    },

    async upsertConversation(input) {
      return db.tenant(input.tenantId, (tx) => upsertConversationIn(tx, input));
    },

    // The engine's first step of every turn. A returning customer (the common case) is touched,
    // renamed when the channel sent a new name, and given its conversation in one statement —
    // on PGlite one round trip with BEGIN, the scope and COMMIT. Its conversation, when it has one
    // with a contact, is only read: an upsert's DO UPDATE would write a new version of the row on
    // every turn, a third of the dead conversation rows a turn leaves for vacuum (the statement
    // alone: ~340 → ~285 µs on PGlite; a whole cache-hit turn: within the A/B's noise, ×1.003).
    // A new customer (the statement found no identity and so wrote nothing) takes the full path in
    // one transaction.
    async upsertContactAndConversation({ externalConversationId, ...who }) {
      const { rows } = await db.statement<{ contact_id: string; name: string | null; conversation: ConversationRow | string }>(
        { kind: 'tenant', tenantId: who.tenantId },
        `WITH touched AS (
           UPDATE contact_identities i SET last_inbound_at = now(), display_name = coalesce($4, i.display_name)
             FROM contacts c
            WHERE c.id = i.contact_id AND i.connection_id IS NOT DISTINCT FROM $1 AND i.channel = $2 AND i.external_user_id = $3
           RETURNING i.contact_id, c.name
         ),
         renamed AS (
           UPDATE contacts SET name = $4, updated_at = now()
            WHERE id IN (SELECT contact_id FROM touched) AND $4::text <> '' AND name IS DISTINCT FROM $4
         ),
         found AS (
           SELECT ${conversationColumns} FROM conversations WHERE ${conversationKey} AND contact_id IS NOT NULL
         ),
         opened AS (
           INSERT INTO conversations (tenant_id, contact_id, connection_id, channel, external_conversation_id)
           SELECT $5::uuid, contact_id, $1, $2, $6 FROM touched WHERE NOT EXISTS (SELECT 1 FROM found)
           ON CONFLICT ${conversationConflict} DO UPDATE SET contact_id = coalesce(conversations.contact_id, EXCLUDED.contact_id)
           RETURNING ${conversationColumns}
         ),
         conversation AS (SELECT * FROM found UNION ALL SELECT * FROM opened)
         SELECT touched.contact_id, coalesce(nullif($4, ''), touched.name) AS name, to_jsonb(conversation) AS conversation
           FROM touched CROSS JOIN conversation`,
        [connectionId, who.channel, who.externalUserId, who.name ?? null, who.tenantId, externalConversationId],
      );
      const found = rows[0];
      if (found) {
        const contact: ContactRecord = {
          id: found.contact_id, tenantId: who.tenantId, channel: who.channel, externalUserId: who.externalUserId, ...(found.name ? { name: found.name } : {}),
        };
        return { contact, conversation: conversationRecord(jsonRow(found.conversation)) };
      }
      return db.tenant(who.tenantId, async (tx) => {
        const contact = await upsertContactIn(tx, who);
        const conversation = await upsertConversationIn(tx, { tenantId: who.tenantId, channel: who.channel, externalConversationId, contactId: contact.id });
        return { contact, conversation };
      });
    },

    async getConversation({ tenantId, conversationId }) {
      // The engine re-reads the conversation right after storing the customer's message: the row
      // that statement returned is that read (used once, then the database answers again).
      const written = justWritten.get(conversationId);
      justWritten.delete(conversationId);
      if (written && written.tenant_id === tenantId) return conversationRecord(written);
      const row = await db.tenant(tenantId, (tx) => loadConversation(tx, conversationId));
      return row ? conversationRecord(row) : undefined;
    },

    async updateConversation({ tenantId, conversationId, patch }) {
      justWritten.delete(conversationId);
      return db.tenant(tenantId, async (tx): Promise<ConversationRecord> => {
        if (!isUuid(conversationId)) throw notFound();
        const { sets, params } = patchSql(patch);
        const { rows } = await tx.query<ConversationRow>(
          `UPDATE conversations SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${conversationColumns}`,
          [conversationId, ...params],
        );
        if (!rows[0]) throw notFound();
        return conversationRecord(rows[0]);
      });
    },

    async appendMessage({ tenantId, conversationId, message }) {
      const then: { run?: AfterCommit } = {};
      const appended = await db.tenant(tenantId, async (tx) => {
        if (!isUuid(conversationId)) throw notFound();
        // One statement on the hot path: insert only into a conversation this tenant can see (a
        // foreign key check ignores RLS), and count the message on the conversation. It is handed
        // over with the lock (taken first all the same), so PGlite sends both in one round trip.
        const [, inserted] = await Promise.all([options.lockBeforeStore?.(tx, tenantId), tx.query<MessageRow & { conversation_after: ConversationRow | string | null }>(
          `WITH conversation AS (SELECT id FROM conversations WHERE id = $2),
           added AS (
             INSERT INTO messages (tenant_id, conversation_id, role, content, external_id, in_reply_to, model, route, route_reason,
               key_source, tokens_in, tokens_out, cost_vnd, sources, delivery_status, created_at)
             SELECT $1::uuid, conversation.id, $3::text, $4::text, $5::text, $6::uuid, $7::text, $8::text, $9::text, $10::text,
               $11::integer, $12::integer, $13::bigint, $14::jsonb, $15::text, clock_timestamp() FROM conversation
             ON CONFLICT (tenant_id, conversation_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
             RETURNING ${messageColumns}
           ),
           counted AS (
             UPDATE conversations SET message_count = message_count + 1, last_message_at = now(), updated_at = now(),
               last_customer_message_at = CASE WHEN $3 = 'customer' THEN now() ELSE last_customer_message_at END,
               unread_count = CASE WHEN $3 = 'customer' THEN unread_count + 1 ELSE unread_count END
             WHERE id IN (SELECT conversation_id FROM added)
             RETURNING ${conversationColumns}
           )
           SELECT added.*, (SELECT row_to_json(counted) FROM counted) AS conversation_after FROM added`,
          messageParams(tenantId, conversationId, message),
        )]);
        const added = inserted.rows[0];
        if (added) {
          const after = added.conversation_after === null ? null : jsonRow(added.conversation_after);
          // Only the latest append is kept: a long-lived store never accumulates rows.
          justWritten.clear();
          if (after) justWritten.set(conversationId, after);
          const record = messageRecord(added);
          then.run = (await options.onMessageStored?.(tx, { tenantId, message: record })) ?? undefined;
          return { message: record, created: true };
        }
        const { rows } = await tx.query<MessageRow>(
          `SELECT ${messageColumns} FROM messages WHERE conversation_id = $1 AND external_id = $2`,
          [conversationId, message.externalId ?? null],
        );
        if (rows[0]) return { message: messageRecord(rows[0]), created: false };
        throw notFound();
      });
      await then.run?.();
      return appended;
    },

    async listMessages({ tenantId, conversationId, limit, offset }) {
      return db.tenant(tenantId, async (tx): Promise<MessageRecord[]> => {
        if (!isUuid(conversationId)) throw notFound();
        // The last `limit` after skipping `offset` from the start, returned oldest first. Without an
        // offset (every turn's history read) the newest rows come straight off the index instead of
        // sorting the whole conversation.
        const { rows } = offset
          ? await tx.query<MessageRow>(
              `SELECT * FROM (
                 SELECT ${messageColumns} FROM messages WHERE conversation_id = $1
                 ORDER BY created_at, id OFFSET $2
               ) page ORDER BY created_at DESC, id DESC LIMIT $3`,
              [conversationId, offset, limit ?? null],
            )
          : await tx.query<MessageRow>(
              `SELECT ${messageColumns} FROM messages WHERE tenant_id = $1 AND conversation_id = $2
               ORDER BY created_at DESC, id DESC LIMIT $3`,
              [tenantId, conversationId, limit ?? null],
            );
        // No rows: an empty page, or a conversation this tenant cannot see (checked only then).
        if (rows.length === 0 && !(await loadConversation(tx, conversationId))) throw notFound();
        return rows.reverse().map(messageRecord);
      });
    },

    async findReply({ tenantId, conversationId, messageId }) {
      if (!isUuid(conversationId) || !isUuid(messageId)) return undefined;
      const { rows } = await db.tenant(tenantId, (tx) =>
        tx.query<MessageRow>(
          `SELECT ${messageColumns} FROM messages WHERE conversation_id = $1 AND in_reply_to = $2 AND role = 'bot'
           ORDER BY created_at LIMIT 1`,
          [conversationId, messageId],
        ),
      );
      return rows[0] ? messageRecord(rows[0]) : undefined;
    },

    async updateDelivery({ tenantId, messageId, status, externalId, error }) {
      const missing = () => new NotFoundError('Message not found', 'Không tìm thấy tin nhắn');
      if (!isUuid(messageId)) throw missing();
      const { rowCount } = await db.tenant(tenantId, (tx) =>
        tx.query(
          `UPDATE messages SET delivery_status = $2, external_id = coalesce($3, external_id), delivery_error = $4,
             delivery_attempts = delivery_attempts + 1
           WHERE id = $1`,
          [messageId, status, externalId ?? null, error ?? null],
        ),
      );
      if (rowCount === 0) throw missing();
    },
  };
}

function patchSql(patch: ConversationPatch): { sets: string[]; params: unknown[] } {
  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length + 1}`);
  };
  if (patch.mode !== undefined) {
    set('mode', patch.mode);
    sets.push(`human_since = CASE WHEN $${params.length + 1} = 'human' THEN coalesce(human_since, now()) ELSE NULL END`);
  }
  if (patch.needsHuman !== undefined) set('needs_human', patch.needsHuman);
  if (patch.consecutiveFallbacks !== undefined) set('consecutive_fallbacks', patch.consecutiveFallbacks);
  if (patch.summary !== undefined) set('summary', patch.summary);
  if (patch.summaryMessageCount !== undefined) set('summary_message_count', patch.summaryMessageCount);
  return { sets, params };
}

function messageParams(tenantId: string, conversationId: string, message: NewMessage): unknown[] {
  const sources: ReadonlyArray<AnswerSource> = message.sources ?? [];
  return [
    tenantId,
    conversationId,
    message.role,
    message.content,
    message.externalId ?? null,
    message.inReplyTo && isUuid(message.inReplyTo) ? message.inReplyTo : null,
    message.model ?? null,
    message.route ?? null,
    message.routeReason ?? null,
    message.keySource ?? null,
    message.tokensIn ?? null,
    message.tokensOut ?? null,
    message.costVnd ?? null,
    JSON.stringify(sources),
    message.deliveryStatus ?? null,
  ];
}
