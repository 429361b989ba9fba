/**
 * The inbound half of the one inbound path: a channel's normalised events are recorded once
 * (unique on source + provider event id) and `conversation.handle` is enqueued in the same
 * transaction only for rows that were new, so redeliveries never produce a second answer.
 */
import type { ChannelV1Host, InboundEventV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import type { Db } from '../db/types';
import type { JobQueue } from '../jobs/index';
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

/**
 * Records events for one connection in one transaction and enqueues their handling. Returns how
 * many were new. Throws when the store fails, so the channel answers 5xx and the provider retries.
 */
export async function recordInboundEvents(
  db: Db,
  jobs: JobQueue,
  connection: { tenantId: string; id: string; type: string },
  events: ReadonlyArray<InboundEventV1>,
): Promise<number> {
  if (events.length === 0) return 0;
  const source = eventSource(connection.type, connection.id);
  return db.tenant(connection.tenantId, async (tx) => {
    let created = 0;
    for (const event of events) {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO external_events (tenant_id, source, external_id, connection_id, payload)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, external_id) DO NOTHING RETURNING id`,
        [connection.tenantId, source, event.eventId, connection.id, JSON.stringify(toStoredPayload(event))],
      );
      const row = rows[0];
      if (!row) continue;
      created += 1;
      await jobs.enqueue<ConversationHandlePayload>(tx, CONVERSATION_HANDLE_JOB, { eventId: row.id });
    }
    // Health only needs "recently": touching the row on every webhook would serialise concurrent
    // webhooks of one connection on its row lock.
    await tx.query(
      `UPDATE channel_connections SET last_event_at = now() WHERE id = $1 AND (last_event_at IS NULL OR last_event_at < now() - interval '10 seconds')`,
      [connection.id],
    );
    return created;
  });
}

/** The {@link ChannelV1Host} a connection's channel is initialised with. */
export function createConnectionHost(runtime: Pick<Runtime, 'db' | 'jobs' | 'cache' | 'logger'>, connection: { tenantId: string; id: string; type: string }): ChannelV1Host {
  const logger = runtime.logger.child({ channel: connection.type, connectionId: connection.id, tenantId: connection.tenantId });
  return {
    receive: async (events) => {
      await recordInboundEvents(runtime.db, runtime.jobs, connection, events);
    },
    getCache: () => runtime.cache,
    getLogger: (scope) => (scope ? logger.child({ scope }) : logger),
  };
}
