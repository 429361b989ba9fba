import { jsonCopy } from '../cache/json-copy';
import { ValidationError } from '../errors';
import type { PubSubV1 } from './v1';

/** A subscriber of {@link MemoryPubSubHub}: receives each message published on its channel. */
export type PubSubHubListener = (message: unknown) => void;

/**
 * A shared in-process "server" several {@link createMemoryPubSub} instances can connect to, the way
 * api replicas share one Redis. Instances created without a hub each get a private one.
 */
export interface MemoryPubSubHub {
  /** @internal Delivers `message` to every listener of `channel`, on every connected instance. */
  deliver(channel: string, message: unknown): void;
  /** Subscribes a listener of one connected instance to `channel` (used by the instances). */
  add(channel: string, listener: PubSubHubListener): void;
  /** Unsubscribes that listener (used by the instances). */
  remove(channel: string, listener: PubSubHubListener): void;
}

/** Creates a hub to connect several in-memory pub/sub instances (tests of multi-replica fan-out). */
export function createMemoryPubSubHub(): MemoryPubSubHub {
  const channels = new Map<string, Set<PubSubHubListener>>();
  return {
    deliver(channel, message) {
      const listeners = channels.get(channel);
      if (listeners === undefined) return;
      for (const listener of [...listeners]) {
        // Each listener gets its own copy, as each Redis subscriber parses its own.
        listener(jsonCopy(message));
      }
    },
    add(channel, listener) {
      let listeners = channels.get(channel);
      if (listeners === undefined) channels.set(channel, (listeners = new Set()));
      listeners.add(listener);
    },
    remove(channel, listener) {
      const listeners = channels.get(channel);
      if (listeners === undefined) return;
      listeners.delete(listener);
      if (listeners.size === 0) channels.delete(channel);
    },
  };
}

/** Options for {@link createMemoryPubSub}. */
export interface MemoryPubSubOptions {
  /** Connect this instance to others sharing the hub; a private hub by default. */
  readonly hub?: MemoryPubSubHub;
  /** Called when a listener throws; the error never reaches the publisher. Default: `console.error`. */
  readonly onListenerError?: (error: unknown, channel: string) => void;
}

/**
 * Creates a process-local {@link PubSubV1}. Delivery is asynchronous (never inside `publish`'s own
 * call stack, like a network round trip), in publish order, with a JSON copy per listener.
 *
 * @example
 * ```ts
 * const pubsub = createMemoryPubSub();
 * const unsubscribe = await pubsub.subscribe(`conversation:${id}`, (event) => socket.send(JSON.stringify(event)));
 * await pubsub.publish(`conversation:${id}`, { type: 'reply-delta', text: 'Xin chào' });
 * await unsubscribe();
 * ```
 */
export function createMemoryPubSub(options: MemoryPubSubOptions = {}): PubSubV1 {
  const hub = options.hub ?? createMemoryPubSubHub();
  const onListenerError =
    options.onListenerError ?? ((error: unknown, channel: string) => console.error(`pubsub listener failed on ${channel}`, error));
  const registered = new Set<{ channel: string; listener: PubSubHubListener }>();
  let disconnected = false;

  function assertOpen(): void {
    if (disconnected) {
      throw new ValidationError('The pub/sub instance is disconnected', 'Kết nối pub/sub đã bị đóng');
    }
  }

  return {
    specificationVersion: 'v1',

    async publish(channel, message) {
      assertOpen();
      const copy = jsonCopy(message, 'message');
      // setImmediate keeps publish order (FIFO) and runs after the publisher's current work.
      setImmediate(() => hub.deliver(channel, copy));
    },

    async subscribe(channel, listener) {
      assertOpen();
      const wrapped: PubSubHubListener = (message) => {
        try {
          listener(message);
        } catch (error) {
          onListenerError(error, channel);
        }
      };
      const registration = { channel, listener: wrapped };
      registered.add(registration);
      hub.add(channel, wrapped);
      return async () => {
        registered.delete(registration);
        hub.remove(channel, wrapped);
      };
    },

    async disconnect() {
      disconnected = true;
      for (const { channel, listener } of registered) hub.remove(channel, listener);
      registered.clear();
    },
  };
}
