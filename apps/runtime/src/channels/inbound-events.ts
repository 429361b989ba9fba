/**
 * The inbound half of the one inbound path: a channel's normalised events are recorded once
 * (unique on source + provider event id) and `conversation.handle` is enqueued in the same
 * transaction only for rows that were new, so redeliveries never produce a second answer.
 */
import type { ChannelV1Host, InboundEventV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import type { Db } from '../db/types';
import type { JobQueue } from '../jobs/index';
import { captureJobTrace } from '../ops/job-instrumentation';
import type { TraceCarrier } from '../ops/tracing';
import type { Runtime } from '../runtime';

/** The job that answers one recorded inbound event. */
export const CONVERSATION_HANDLE_JOB = 'conversation.handle';

/** Payload of {@link CONVERSATION_HANDLE_JOB}: the `external_events` row id. */
export interface ConversationHandlePayload {
  eventId: string;
}

/** `external_events.source` of a channel connection. */
export const eventSource = (type: string, connectionId: string): string => `${type}:${connectionId}`;

const attachmentSchema = z
  .object({
    type: z.enum(['image', 'file', 'audio', 'video', 'sticker', 'location']),
    url: z.string().optional(),
    name: z.string().optional(),
    mimeType: z.string().optional(),
    size: z.number().optional(),
    latitude: z.number().optional(),
    longitude: z.number().optional(),
  })
  .loose();

/** The normalised event as stored in `external_events.payload.event` (dates as ISO strings). */
export const storedEventSchema = z.object({
  type: z.enum(['message', 'postback', 'follow', 'unfollow']),
  eventId: z.string().min(1),
  conversationId: z.string().min(1),
  sender: z.object({ id: z.string().min(1), name: z.string().optional() }),
  accountId: z.string().optional(),
  timestamp: z.string(),
  message: z
    .object({
      text: z.string().optional(),
      attachments: z.array(attachmentSchema).optional(),
      replyToken: z.object({ value: z.string(), expiresAt: z.string() }).optional(),
    })
    .optional(),
});

/** A parsed {@link storedEventSchema}. */
export type StoredEvent = z.infer<typeof storedEventSchema>;

/** Serialises a normalised event for storage (the provider payload is kept beside it, for audit). */
export function toStoredPayload(event: InboundEventV1): { event: StoredEvent; raw: unknown } {
  const { raw, timestamp, message, ...rest } = event;
  const stored: StoredEvent = {
    ...rest,
    sender: { ...event.sender },
    timestamp: new Date(timestamp).toISOString(),
    ...(message
      ? {
          message: {
            ...(message.text !== undefined ? { text: message.text } : {}),
            ...(message.attachments ? { attachments: message.attachments.map((a) => ({ ...a })) } : {}),
            ...(message.replyToken ? { replyToken: { value: message.replyToken.value, expiresAt: new Date(message.replyToken.expiresAt).toISOString() } } : {}),
          },
        }
      : {}),
  };
  return { event: stored, raw: raw ?? null };
}

/** A connection as the inbound path needs it. */
export interface InboundConnection {
  tenantId: string;
  id: string;
  type: string;
}

/**
 * Records events for one or more connections of one tenant in one transaction and enqueues their
 * handling in it: one multi-row INSERT … ON CONFLICT DO NOTHING (provider retries become no-ops),
 * one multi-row job INSERT for the new rows, and a throttled health touch. Returns how many events
 * were new. Throws when the store fails, so the channel answers 5xx and the provider retries.
 */
export async function recordInboundBatch(
  db: Db,
  jobs: JobQueue,
  tenantId: string,
  items: ReadonlyArray<{ connection: InboundConnection; events: ReadonlyArray<InboundEventV1>; trace?: TraceCarrier }>,
  /** Connections whose `last_event_at` to touch (default: all in `items`). */
  touch?: ReadonlyArray<string>,
): Promise<number> {
  const rows: Array<{ source: string; external_id: string; connection_id: string; payload: unknown; trace?: TraceCarrier }> = [];
  const seen = new Set<string>();
  for (const { connection, events, trace } of items) {
    const source = eventSource(connection.type, connection.id);
    for (const event of events) {
      const key = `${source}\u0000${event.eventId}`;
      if (seen.has(key)) continue; // the same event twice in one batch: the provider retried fast
      seen.add(key);
      rows.push({ source, external_id: event.eventId, connection_id: connection.id, payload: toStoredPayload(event), ...(trace ? { trace } : {}) });
    }
  }
  if (rows.length === 0) return 0;
  const connectionIds = touch ?? [...new Set(items.map((item) => item.connection.id))];
  return db.tenant(
    tenantId,
    async (tx) => {
      const inserted = await tx.query<{ id: string; source: string; external_id: string }>(
        `INSERT INTO external_events (tenant_id, source, external_id, connection_id, payload)
         SELECT $1, r.source, r.external_id, r.connection_id, r.payload
         FROM jsonb_to_recordset($2::jsonb) AS r(source text, external_id text, connection_id uuid, payload jsonb)
         ON CONFLICT (source, external_id) DO NOTHING RETURNING id, source, external_id`,
        [tenantId, JSON.stringify(rows.map(({ trace: _trace, ...row }) => row))],
      );
      if (inserted.rows.length > 0) {
        const traceOf = new Map(rows.map((row) => [`${row.source}\u0000${row.external_id}`, row.trace]));
        await jobs.enqueueMany<ConversationHandlePayload>(
          tx,
          CONVERSATION_HANDLE_JOB,
          inserted.rows.map((row) => {
            const trace = traceOf.get(`${row.source}\u0000${row.external_id}`);
            return { payload: { eventId: row.id }, ...(trace ? { trace } : {}) };
          }),
        );
      }
      // Health only needs "recently": touching the row on every webhook would serialise concurrent
      // webhooks of one connection on its row lock.
      if (connectionIds.length > 0) {
        await tx.query(
          `UPDATE channel_connections SET last_event_at = now() WHERE id = ANY($1::uuid[]) AND (last_event_at IS NULL OR last_event_at < now() - interval '10 seconds')`,
          [connectionIds],
        );
      }
      return inserted.rows.length;
    },
    { priority: 'high' },
  );
}

/** Records events for one connection (see {@link recordInboundBatch}). Returns how many were new. */
export async function recordInboundEvents(db: Db, jobs: JobQueue, connection: InboundConnection, events: ReadonlyArray<InboundEventV1>): Promise<number> {
  if (events.length === 0) return 0;
  return recordInboundBatch(db, jobs, connection.tenantId, [{ connection, events }]);
}

/** Records inbound events with group commit; see {@link createInboundRecorder}. */
export interface InboundRecorder {
  /** Resolves once the events are committed (with their jobs); rejects when they could not be. */
  record(connection: InboundConnection, events: ReadonlyArray<InboundEventV1>): Promise<void>;
}

/** Most events one group commit carries. */
const MAX_BATCH = 200;
/**
 * Group commits of one tenant in flight at once. One: fewer, larger batches cost less CPU per
 * webhook, and two in flight showed no gain on the shared 2-core bench machine (where the load
 * of other work dominated every run).
 */
const MAX_IN_FLIGHT = 1;
/** How often one process refreshes a connection's `last_event_at` (health: "recently"). */
const TOUCH_EVERY_MS = 10_000;

/**
 * Group commit for the webhook path: while a tenant's transaction is in flight, the next
 * webhooks of that tenant wait and are then written together in one transaction (one INSERT for
 * the events, one for their jobs). Nothing is acknowledged before its own rows committed, so the
 * guarantee is the same as one transaction per webhook; under load there are just far fewer
 * transactions. When a batch fails, each webhook in it is retried alone, so one bad event cannot
 * fail its neighbours.
 */
export function createInboundRecorder(runtime: Pick<Runtime, 'db' | 'jobs'>): InboundRecorder {
  interface Pending {
    connection: InboundConnection;
    events: ReadonlyArray<InboundEventV1>;
    trace?: TraceCarrier;
    resolve: () => void;
    reject: (error: unknown) => void;
  }
  const queues = new Map<string, Pending[]>();
  /** Flush loops running per tenant (at most {@link MAX_IN_FLIGHT}). */
  const flushing = new Map<string, number>();
  // When this process last touched a connection's `last_event_at`: most acknowledgements then skip
  // that statement (the SQL keeps its own 10 s guard for other processes).
  const touched = new Map<string, number>();
  const toTouch = (batch: readonly Pending[]) => {
    const now = Date.now();
    const ids = [...new Set(batch.map((item) => item.connection.id))].filter((id) => (touched.get(id) ?? 0) < now - TOUCH_EVERY_MS);
    if (touched.size > 10_000) touched.clear();
    return ids;
  };
  const markTouched = (ids: readonly string[]) => {
    const now = Date.now();
    for (const id of ids) touched.set(id, now);
  };

  const flush = async (tenantId: string): Promise<void> => {
    flushing.set(tenantId, (flushing.get(tenantId) ?? 0) + 1);
    try {
      for (;;) {
        const queue = queues.get(tenantId);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, MAX_BATCH);
        try {
          const touch = toTouch(batch);
          await recordInboundBatch(runtime.db, runtime.jobs, tenantId, batch, touch);
          markTouched(touch);
          for (const item of batch) item.resolve();
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          for (const item of batch) {
            await recordInboundBatch(runtime.db, runtime.jobs, tenantId, [item]).then(item.resolve, item.reject);
          }
        }
      }
    } finally {
      const left = (flushing.get(tenantId) ?? 1) - 1;
      if (left > 0) flushing.set(tenantId, left);
      else flushing.delete(tenantId);
      if (queues.get(tenantId)?.length === 0) queues.delete(tenantId);
    }
  };

  return {
    record(connection, events) {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const trace = captureJobTrace();
        const queue = queues.get(connection.tenantId) ?? [];
        queues.set(connection.tenantId, queue);
        queue.push({ connection, events, resolve, reject, ...(trace ? { trace } : {}) });
        if ((flushing.get(connection.tenantId) ?? 0) < MAX_IN_FLIGHT) void flush(connection.tenantId);
      });
    },
  };
}

/** The {@link ChannelV1Host} a connection's channel is initialised with. */
export function createConnectionHost(
  runtime: Pick<Runtime, 'db' | 'jobs' | 'cache' | 'logger'>,
  connection: InboundConnection,
  recorder: InboundRecorder = createInboundRecorder(runtime),
): ChannelV1Host {
  const logger = runtime.logger.child({ channel: connection.type, connectionId: connection.id, tenantId: connection.tenantId });
  return {
    receive: (events) => recorder.record(connection, events),
    getCache: () => runtime.cache,
    getLogger: (scope) => (scope ? logger.child({ scope }) : logger),
  };
}
