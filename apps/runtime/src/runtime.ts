import type { CacheV1, PubSubV1, RateLimiterV1 } from '@agent-chatbot/core';
import { createMemoryCache, createMemoryPubSub, createMemoryRateLimiter } from '@agent-chatbot/core';
import type { Logger } from 'pino';
import type { RuntimeConfig } from './config';
import { createDb, migrate, type RuntimeDb } from './db/index';
import { createJobQueue, type JobQueue } from './jobs/index';
import { createLogger } from './secrets/logger';
import { createSecretBox, type SecretBox } from './secrets/secret-box';
import { createTenantSecretStore, type TenantSecretStore } from './secrets/tenant-secret-store';

/** Everything a runtime process shares: one per process (API server, worker or CLI command). */
export interface Runtime {
  readonly config: RuntimeConfig;
  readonly db: RuntimeDb;
  /** Declare handlers with `jobs.register` before `jobs.start()`. */
  readonly jobs: JobQueue;
  readonly cache: CacheV1;
  readonly rateLimiter: RateLimiterV1;
  readonly pubsub: PubSubV1;
  /** Write-only tenant secrets (masked when read back). */
  readonly secrets: TenantSecretStore;
  /** The keyring's AES-256-GCM box (channel credentials, rotation). */
  readonly secretBox: SecretBox;
  readonly logger: Logger;
  /** Stops the jobs, then closes Redis and the database. Safe to call twice. */
  close(): Promise<void>;
}

/** Options for {@link createRuntime}. */
export interface CreateRuntimeOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  logger?: Logger;
  /** Use this database instead of opening the configured one (tests); it is closed with the runtime. */
  db?: RuntimeDb;
}

/**
 * Opens the runtime the configuration describes: Postgres or PGlite (migrated), Redis or in-memory
 * cache/limiter/pub-sub, the pg-boss job queue (not started), the secret box over the keyring and
 * a redacting pino logger.
 *
 * @example const runtime = await createRuntime(loadConfig()); … await runtime.close();
 */
export async function createRuntime(config: RuntimeConfig, options: CreateRuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  if (config.secretsSource === 'generated') {
    logger.warn(
      { file: config.secretsFile },
      'Đã tạo khoá bí mật và JWT secret mới, lưu tại tệp này (chmod 600) — hãy sao lưu / Generated a JWT secret and keyring, stored in this file (0600): back it up',
    );
  } else if (config.secretsSource === 'file') {
    logger.info({ file: config.secretsFile }, 'Dùng khoá bí mật từ tệp / Using the JWT secret and keyring from this file');
  }

  const db = options.db ?? (await createDb(config));
  if (db.kind === 'pglite' && db.origin.from === 'template') {
    logger.info(
      { dir: db.dir, ms: db.origin.ms, background: db.origin.background ?? false },
      'Tạo thư mục dữ liệu PGlite từ mẫu dựng sẵn / PGlite data folder created from the built template',
    );
  } else if (db.kind === 'pglite' && db.origin.from === 'initdb') {
    logger.info(
      { dir: db.dir, ms: db.origin.ms, templateSkipped: db.origin.templateSkipped },
      'Khởi tạo thư mục dữ liệu PGlite bằng initdb / PGlite data folder initialised by initdb',
    );
  }
  try {
    if (options.migrate ?? true) {
      const result = await migrate(db);
      if (result.applied.length) logger.info({ applied: result.applied }, 'Đã áp dụng migration / Migrations applied');
      if (result.changed.length) logger.warn({ changed: result.changed }, 'Migration đã sửa sau khi áp dụng / Migration files changed after being applied');
    }
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }

  const secretBox = createSecretBox(config.secretKeys);
  const jobs = createJobQueue(db, { logger });
  let shared: Awaited<ReturnType<typeof openRedis>> | undefined;
  try {
    shared = config.redisUrl ? await openRedis(config.redisUrl, logger) : undefined;
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }

  let closed = false;
  return {
    config,
    db,
    jobs,
    cache: shared?.cache ?? createMemoryCache(),
    rateLimiter: shared?.rateLimiter ?? createMemoryRateLimiter(),
    pubsub: shared?.pubsub ?? createMemoryPubSub(),
    secrets: createTenantSecretStore(secretBox),
    secretBox,
    logger,
    async close() {
      if (closed) return;
      closed = true;
      await jobs.stop().catch((error: unknown) => logger.error({ err: error }, 'jobs.stop failed'));
      await shared?.close().catch((error: unknown) => logger.error({ err: error }, 'redis close failed'));
      await db.close();
      logger.flush();
    },
  };
}

/**
 * Redis-backed cache, limiter and pub/sub. ioredis and the Redis package are imported only here:
 * the embedded default (no `REDIS_URL`) never loads them.
 */
async function openRedis(url: string, logger: Logger) {
  const [{ Redis }, { createRedisCache, createRedisPubSub, createRedisRateLimiter }] = await Promise.all([
    import('ioredis'),
    import('@agent-chatbot/cache-redis'),
  ]);
  // One connection for cache and limiter (pub/sub opens its own subscriber connection).
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  client.on('error', (error: Error) => logger.warn({ error: error.message }, 'redis connection error'));
  // Separate prefixes: clearing the cache must never touch rate-limit buckets.
  const cache = createRedisCache({ client }, { keyPrefix: 'acb:cache:' });
  const rateLimiter = createRedisRateLimiter({ client }, { keyPrefix: 'acb:rl:' });
  const pubsub = createRedisPubSub({ client }, { keyPrefix: 'acb:ps:' });
  return {
    cache,
    rateLimiter,
    pubsub,
    async close() {
      await pubsub.disconnect();
      await cache.disconnect();
      await rateLimiter.disconnect();
      client.disconnect();
    },
  };
}
