import type { PubSubV1 } from '@agent-chatbot/core';
import type { Redis } from 'ioredis';
import { openDuplicate, openRedis, type RedisConnection, type RedisPluginOptions } from './connection';
import { toJson } from './json';

/** Options for {@link createRedisPubSub}. */
export interface RedisPubSubOptions extends RedisPluginOptions {
  /** Called when a listener throws or a foreign publisher sent non-JSON. Default: the logger, else `console.error`. */
  readonly onListenerError?: (error: unknown, channel: string) => void;
}

/** The Redis pub/sub: a {@link PubSubV1} plus its publishing client and ownership. */
export interface RedisPubSub extends PubSubV1 {
  /** The publishing client (the subscriber connection is private). */
  readonly client: Redis;
  /** Whether `close()` also disconnects the clients (true when this package created them). */
  readonly ownsClient: boolean;
  disconnect(): Promise<void>;
}

type Listener = (message: unknown) => void;

interface ChannelSubscription {
  readonly listeners: Set<Listener>;
  /** Resolves once Redis confirmed SUBSCRIBE; later subscribers to the channel wait for it too. */
  readonly active: Promise<unknown>;
}

/**
 * Creates a {@link PubSubV1} on Redis for realtime fan-out between api replicas. Publishing uses
 * the configured connection; subscribing uses a second, private connection (subscriber mode blocks
 * a connection), which ioredis re-subscribes after reconnects. One Redis subscription per channel
 * is shared by all local listeners; the last unsubscribe releases it. Passes the testkit's
 * `pubSubContract`, including delivery between two instances.
 *
 * @example
 * ```ts
 * const pubsub = createRedisPubSub({ url: process.env.REDIS_URL! }, { keyPrefix: 'chatbot:' });
 * const unsubscribe = await pubsub.subscribe(`conversation:${id}`, (event) => stream.write(event));
 * await pubsub.publish(`conversation:${id}`, { type: 'reply-delta', text: 'Dạ' }); // any replica
 * await unsubscribe();
 * await pubsub.disconnect();
 * ```
 */
export function createRedisPubSub(connection: RedisConnection, options: RedisPubSubOptions = {}): RedisPubSub {
  const publisher = openRedis(connection, options.logger);
  const prefix = options.keyPrefix ?? 'agent-chatbot:';
  const reportError =
    options.onListenerError ??
    ((error: unknown, channel: string) => {
      if (options.logger) options.logger.error({ channel, error: String(error) }, 'pubsub listener failed');
      else console.error(`pubsub listener failed on ${channel}`, error);
    });
  const channels = new Map<string, ChannelSubscription>();
  let subscriber: ReturnType<typeof openDuplicate> | undefined;

  // Created on the first subscribe only: publish-only instances need no second connection.
  function subscriberClient(): Redis {
    if (subscriber === undefined) {
      subscriber = openDuplicate(connection, options.logger);
      subscriber.client.on('message', (fullChannel: string, text: string) => {
        const subscription = channels.get(fullChannel);
        if (subscription === undefined) return;
        const channel = fullChannel.slice(prefix.length);
        for (const listener of [...subscription.listeners]) {
          try {
            // Parsed per listener so one listener mutating its message cannot affect another.
            listener(JSON.parse(text) as unknown);
          } catch (error) {
            reportError(error, channel);
          }
        }
      });
    }
    return subscriber.client;
  }

  return {
    specificationVersion: 'v1',
    client: publisher.client,
    ownsClient: publisher.ownsClient,

    async publish(channel, message) {
      await publisher.client.publish(prefix + channel, toJson(message, 'message'));
    },

    async subscribe(channel, listener) {
      const fullChannel = prefix + channel;
      let subscription = channels.get(fullChannel);
      if (subscription === undefined) {
        subscription = { listeners: new Set(), active: subscriberClient().subscribe(fullChannel) };
        channels.set(fullChannel, subscription);
      }
      // A distinct wrapper per call, so subscribing one function twice needs two unsubscribes.
      const registered: Listener = (message) => listener(message);
      subscription.listeners.add(registered);
      try {
        await subscription.active;
      } catch (error) {
        subscription.listeners.delete(registered);
        if (channels.get(fullChannel) === subscription && subscription.listeners.size === 0) channels.delete(fullChannel);
        throw error;
      }
      let subscribed = true;
      return async () => {
        if (!subscribed) return;
        subscribed = false;
        subscription.listeners.delete(registered);
        if (subscription.listeners.size === 0 && channels.get(fullChannel) === subscription) {
          channels.delete(fullChannel);
          // Commands on one connection run in order, so a later re-subscribe still wins.
          await subscriberClient().unsubscribe(fullChannel);
        }
      };
    },

    async disconnect() {
      channels.clear();
      await subscriber?.close();
      subscriber = undefined;
      await publisher.close();
    },
  };
}
