import type { PubSubV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import type { RealtimeEvent, RealtimeMessageEvent } from '../client/protocol';
import { randomId } from './visitor-token';

/** An event before the hub assigned its id. */
export type RealtimeEventInput = RealtimeEvent extends infer E ? (E extends RealtimeEvent ? Omit<E, 'id'> : never) : never;

/** Loads stored messages after `afterId` (or the latest ones when `undefined`), oldest first. */
export type RealtimeHistory = (conversationId: string, afterId: string | undefined) => Promise<ReadonlyArray<RealtimeMessageEvent>>;

/** Options of {@link createRealtimeHub}. */
export interface RealtimeHubOptions {
  /** Shared by all api replicas (Redis in production, `createMemoryPubSub` embedded). */
  readonly pubsub: PubSubV1;
  /** The pub/sub channel every replica listens on. Default `'web-channel:events'`. */
  readonly channel?: string;
  /** Messages kept per conversation for reconnects. Default 100. */
  readonly bufferSize?: number;
  /** Conversations kept in memory (least recently active dropped first). Default 2000. */
  readonly maxConversations?: number;
  /**
   * The runtime's messages table: used when a reconnect's `afterId` is no longer (or never was)
   * in this replica's buffer, and for the first page of a resumed session.
   */
  readonly history?: RealtimeHistory;
}

/** Replays and then streams one conversation's events. */
export type RealtimeListener = (event: RealtimeEvent) => void;

/**
 * Fan-out of widget/dashboard events across api replicas over {@link PubSubV1}, with a bounded
 * per-conversation replay buffer so a reconnecting client (`Last-Event-ID`) misses nothing.
 */
export interface RealtimeHub {
  /** Assigns an id and publishes to every replica (this one included). Resolves with the event. */
  publish<E extends RealtimeEventInput>(event: E): Promise<E & { id: string }>;
  /**
   * Replays messages after `afterId` (all buffered ones when absent), then streams live events.
   * Resolves once the subscription is active; the returned function unsubscribes.
   */
  subscribe(conversationId: string, afterId: string | undefined, listener: RealtimeListener): Promise<() => void>;
  /**
   * Live events of every conversation (no replay): the dashboard inbox filters by tenant. Any
   * channel's conversation ids may flow through the hub, not only `web:` ones.
   */
  subscribeAll(listener: RealtimeListener): Promise<() => void>;
  /** Recent messages of a conversation: `history` when configured, else this replica's buffer. */
  recent(conversationId: string, limit?: number): Promise<ReadonlyArray<RealtimeMessageEvent>>;
  /** Stops listening to the pub/sub (does not disconnect it: the caller owns it). */
  close(): Promise<void>;
}

const envelopeSchema = z.object({
  type: z.enum(['message', 'delta', 'typing']),
  id: z.string().min(1),
  conversationId: z.string().min(1),
}).loose();

/**
 * Creates a {@link RealtimeHub}. Every replica subscribes to one pub/sub channel and buffers the
 * last messages of active conversations, so a client may reconnect to any replica.
 *
 * @example
 * ```ts
 * const hub = createRealtimeHub({ pubsub: createRedisPubSub({ url: process.env.REDIS_URL! }), history });
 * const stop = await hub.subscribe('web:pk_1:c_9', lastEventId, (event) => sse.write(event));
 * await hub.publish({ type: 'message', conversationId: 'web:pk_1:c_9', role: 'agent', text: 'Dạ em đây ạ', createdAt: new Date().toISOString() });
 * ```
 */
export function createRealtimeHub(options: RealtimeHubOptions): RealtimeHub {
  const channel = options.channel ?? 'web-channel:events';
  const bufferSize = options.bufferSize ?? 100;
  const maxConversations = options.maxConversations ?? 2000;
  const buffers = new Map<string, RealtimeMessageEvent[]>();
  const listeners = new Map<string, Set<RealtimeListener>>();
  const everything = new Set<RealtimeListener>();
  let sequence = 0;
  const instance = randomId(4);
  let started: Promise<() => Promise<void>> | undefined;

  function remember(event: RealtimeMessageEvent): void {
    let buffer = buffers.get(event.conversationId);
    if (buffer) buffers.delete(event.conversationId);
    else buffer = [];
    // Re-inserting keeps Map order = recency, so the first key is the least recently active.
    buffers.set(event.conversationId, buffer);
    if (!buffer.some((known) => known.id === event.id)) buffer.push(event);
    if (buffer.length > bufferSize) buffer.splice(0, buffer.length - bufferSize);
    while (buffers.size > maxConversations) {
      const oldest = buffers.keys().next().value;
      if (oldest === undefined) break;
      buffers.delete(oldest);
    }
  }

  function onPubSub(message: unknown): void {
    const parsed = envelopeSchema.safeParse(message);
    if (!parsed.success) return;
    const event = parsed.data as unknown as RealtimeEvent;
    if (event.type === 'message') remember(event);
    for (const listener of [...(listeners.get(event.conversationId) ?? []), ...everything]) {
      try {
        listener(event);
      } catch {
        // One broken stream must not starve the others.
      }
    }
  }

  const start = () => (started ??= options.pubsub.subscribe(channel, onPubSub));

  async function replay(conversationId: string, afterId: string | undefined): Promise<ReadonlyArray<RealtimeMessageEvent>> {
    const buffer = buffers.get(conversationId) ?? [];
    if (afterId !== undefined) {
      const index = buffer.findIndex((event) => event.id === afterId);
      if (index >= 0) return buffer.slice(index + 1);
    }
    if (options.history) return options.history(conversationId, afterId);
    // Unknown position: send what we have; clients drop ids they already showed.
    return buffer;
  }

  return {
    async publish(event) {
      await start();
      const id = `${Date.now().toString(36)}-${instance}-${(sequence++).toString(36)}`;
      const full = { ...event, id };
      await options.pubsub.publish(channel, full);
      return full;
    },

    async subscribe(conversationId, afterId, listener) {
      await start();
      const pending: RealtimeEvent[] = [];
      let live = false;
      const local: RealtimeListener = (event) => (live ? listener(event) : pending.push(event));
      let set = listeners.get(conversationId);
      if (!set) listeners.set(conversationId, (set = new Set()));
      set.add(local);
      const delivered = new Set<string>();
      try {
        for (const event of await replay(conversationId, afterId)) {
          delivered.add(event.id);
          listener(event);
        }
      } catch (error) {
        set.delete(local);
        throw error;
      }
      // Events that arrived while replaying follow it, without duplicates.
      for (const event of pending) if (!delivered.has(event.id)) listener(event);
      live = true;
      return () => {
        set.delete(local);
        if (set.size === 0 && listeners.get(conversationId) === set) listeners.delete(conversationId);
      };
    },

    async subscribeAll(listener) {
      await start();
      everything.add(listener);
      return () => everything.delete(listener);
    },

    async recent(conversationId, limit = 50) {
      const messages = options.history ? await options.history(conversationId, undefined) : (buffers.get(conversationId) ?? []);
      return messages.slice(-limit);
    },

    async close() {
      if (!started) return;
      const unsubscribe = await started;
      started = undefined;
      await unsubscribe();
    },
  };
}
