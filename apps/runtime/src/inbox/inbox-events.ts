/**
 * Inbox events: every change an agent must see live (a new message, a mode change, an
 * assignment, a note, a read). Each is written to `inbox_events` inside the transaction of the
 * change and published on the runtime's pub/sub after that transaction commits, so every api
 * replica's SSE streams learn of it (Redis pub/sub when configured) and read it — and anything a
 * reconnecting stream missed (`Last-Event-ID`) — from the table.
 */
import type { PubSubV1 } from '@agent-chatbot/core';
import type { Db, Tx } from '../db/types';

/** Kinds of inbox event. */
export const INBOX_EVENT_TYPES = [
  'message.created',
  'conversation.mode',
  'conversation.assigned',
  'conversation.read',
  'note.created',
  'handoff.requested',
] as const;

/** One of {@link INBOX_EVENT_TYPES}. */
export type InboxEventType = (typeof INBOX_EVENT_TYPES)[number];

/** An inbox event as streamed to the dashboard. */
export interface InboxEvent {
  /** Monotonic id (the SSE `id:`); resume with `Last-Event-ID`. */
  id: string;
  type: InboxEventType;
  conversation_id: string | null;
  payload: Record<string, unknown>;
  created_at: string;
}

/** The pub/sub channel of one tenant's inbox. */
export const inboxChannel = (tenantId: string) => `inbox:${tenantId}`;

interface EventRow {
  id: string | number;
  type: InboxEventType;
  conversation_id: string | null;
  payload: Record<string, unknown> | string;
  created_at: Date | string;
}

/** Converts a stored row to the streamed shape. */
export function toInboxEvent(row: EventRow): InboxEvent {
  return {
    id: String(row.id),
    type: row.type,
    conversation_id: row.conversation_id,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Collects the events of one transaction, to publish after it commits. */
export class InboxEventBatch {
  readonly events: InboxEvent[] = [];

  constructor(private readonly tenantId: string) {}

  /** Stores one event in `tx` (the caller's tenant transaction) and remembers it for publishing. */
  async add(tx: Tx, type: InboxEventType, conversationId: string | null, payload: Record<string, unknown> = {}): Promise<InboxEvent> {
    const { rows } = await tx.query<EventRow>(
      `INSERT INTO inbox_events (tenant_id, conversation_id, type, payload) VALUES ($1, $2, $3, $4)
       RETURNING id, type, conversation_id, payload, created_at`,
      [this.tenantId, conversationId, type, JSON.stringify(payload)],
    );
    const event = toInboxEvent(rows[0]!);
    this.events.push(event);
    return event;
  }

  /** Publishes the collected events (after commit). Publishing failures are logged, never thrown: the table still has them. */
  async publish(pubsub: PubSubV1, onError: (error: unknown) => void): Promise<void> {
    for (const event of this.events) await pubsub.publish(inboxChannel(this.tenantId), event).catch(onError);
  }
}

/** What {@link withInboxEvents} needs from the runtime. */
export interface InboxEventRuntime {
  readonly db: Db;
  readonly pubsub: PubSubV1;
  readonly logger: { warn(obj: Record<string, unknown>, msg?: string): void };
}

/**
 * Runs `fn` in one tenant transaction with an event batch, then publishes the batch once the
 * transaction has committed.
 *
 * @example await withInboxEvents(runtime, tenantId, (tx, events) => events.add(tx, 'note.created', id, { … }));
 */
export async function withInboxEvents<T>(runtime: InboxEventRuntime, tenantId: string, fn: (tx: Tx, events: InboxEventBatch) => Promise<T>): Promise<T> {
  let publish: (() => Promise<void>) | undefined;
  const result = await runtime.db.tenant(tenantId, async (tx) => {
    await lockInboxEvents(tx, tenantId);
    const opened = inboxEventBatch(runtime, tenantId);
    publish = opened.publish;
    return fn(tx, opened.events);
  });
  await publish?.();
  return result;
}

/**
 * An event batch for a transaction someone else opened (a message being stored), and `publish`
 * to call once it committed. The caller must already hold the tenant's event lock
 * ({@link lockInboxEvents}, taken before any row lock).
 */
export function inboxEventBatch(runtime: InboxEventRuntime, tenantId: string): { events: InboxEventBatch; publish: () => Promise<void> } {
  const events = new InboxEventBatch(tenantId);
  return { events, publish: () => events.publish(runtime.pubsub, (error) => runtime.logger.warn({ err: error, tenantId }, 'inbox event publish failed')) };
}

/**
 * Serialises the transactions that write a tenant's inbox events (a transaction-scoped advisory
 * lock, taken first so every writer locks in the same order): ids are then committed in id order,
 * which lets a stream read "everything after the last id I sent" without gaps.
 */
export async function lockInboxEvents(tx: Tx, tenantId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`inbox-events:${tenantId}`]);
}

/** The newest event id of a tenant ('0' when none). */
export async function latestInboxEventId(db: Db, tenantId: string): Promise<string> {
  return db.tenant(tenantId, async (tx) => {
    const { rows } = await tx.query<{ id: string | number | null }>('SELECT max(id) AS id FROM inbox_events');
    return String(rows[0]?.id ?? 0);
  });
}

/** Events of a tenant after `afterId` (oldest first, at most `limit`): the replay after a reconnect. */
export async function inboxEventsAfter(db: Db, tenantId: string, afterId: string, limit = 500): Promise<InboxEvent[]> {
  const rows = await db.tenant(tenantId, async (tx) =>
    (
      await tx.query<EventRow>(
        'SELECT id, type, conversation_id, payload, created_at FROM inbox_events WHERE id > $1::bigint ORDER BY id LIMIT $2',
        [afterId, limit],
      )
    ).rows,
  );
  return rows.map(toInboxEvent);
}
