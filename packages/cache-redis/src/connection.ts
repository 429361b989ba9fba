import { ValidationError, type LoggerV1 } from '@agent-chatbot/core';
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

/**
 * Where a Redis-backed plugin gets its connection: a URL (the plugin creates the client, owns it and
 * closes it on `disconnect()`), or an existing ioredis client (shared; the plugin never closes it).
 */
export type RedisConnection =
  | { readonly url: string; readonly redisOptions?: RedisOptions }
  | { readonly client: Redis };

/** Options every Redis plugin accepts. */
export interface RedisPluginOptions {
  /** Prepended to every key or channel, e.g. `'prod:'`; keeps apps sharing one Redis apart. */
  readonly keyPrefix?: string;
  /** Receives connection errors of clients the plugin created (commands still reject on their own). */
  readonly logger?: LoggerV1;
}

const urlSchema = z
  .string()
  .trim()
  .refine((value) => /^rediss?:\/\//.test(value), 'must start with redis:// or rediss://');

/** A client plus whether this plugin created it (and so must close it). */
export interface OpenedRedis {
  readonly client: Redis;
  readonly ownsClient: boolean;
  /** Closes the client if this plugin owns it; otherwise leaves it alone. */
  close(): Promise<void>;
}

/** Validates a URL and creates a lazily connecting client (no I/O until the first command). */
function createClient(url: string, redisOptions: RedisOptions | undefined, logger: LoggerV1 | undefined): Redis {
  const parsed = urlSchema.safeParse(url);
  if (!parsed.success) {
    throw new ValidationError(
      `Invalid Redis URL: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      'URL Redis không hợp lệ: phải bắt đầu bằng redis:// hoặc rediss://',
      { details: { issues: parsed.error.issues } },
    );
  }
  const client = new Redis(parsed.data, { lazyConnect: true, ...redisOptions });
  attachErrorLogger(client, logger);
  return client;
}

/** ioredis prints "Unhandled error event" without a listener; route errors to the host's logger. */
function attachErrorLogger(client: Redis, logger: LoggerV1 | undefined): void {
  client.on('error', (error: Error) => logger?.warn({ error: error.message }, 'redis connection error'));
}

/** Opens the connection a plugin was configured with, tracking ownership. */
export function openRedis(connection: RedisConnection, logger?: LoggerV1): OpenedRedis {
  if ('client' in connection) {
    return { client: connection.client, ownsClient: false, close: async () => {} };
  }
  const client = createClient(connection.url, connection.redisOptions, logger);
  return { client, ownsClient: true, close: () => quit(client) };
}

/**
 * A second connection with the same settings: subscriber mode blocks a connection for anything
 * else, so pub/sub always needs its own. The plugin always owns this one.
 */
export function openDuplicate(connection: RedisConnection, logger?: LoggerV1): OpenedRedis {
  const client =
    'client' in connection
      ? connection.client.duplicate({ lazyConnect: true })
      : createClient(connection.url, connection.redisOptions, logger);
  if ('client' in connection) attachErrorLogger(client, logger);
  return { client, ownsClient: true, close: () => quit(client) };
}

/**
 * QUITs politely when connected (pending replies still arrive), otherwise drops the socket and any
 * pending reconnects. Resolves once the connection has really ended, so no handle outlives it.
 */
async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  if (client.status === 'ready') {
    try {
      await client.quit();
    } catch {
      client.disconnect();
    }
  } else {
    client.disconnect();
  }
  // TypeScript narrowed `status` above, but quit()/disconnect() change it.
  if ((client.status as string) === 'end') return;
  // A dead peer may never acknowledge the close; do not let disconnect() hang on it.
  const timer = setTimeout(() => client.disconnect(), 1_000);
  await ended;
  clearTimeout(timer);
}
