import { Redis } from 'ioredis';

/** The Redis the tests use: `TEST_REDIS_URL`, default the local one. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Checks whether the test Redis answers a PING within a second. Returns the reason it is unusable
 * (printed by the tests when they skip), or `undefined` when it is up.
 */
export async function redisUnavailableReason(url = TEST_REDIS_URL): Promise<string | undefined> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let connectionError: Error | undefined;
  probe.on('error', (error: Error) => (connectionError ??= error));
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (error) {
    const cause = connectionError ?? error;
    return `Redis at ${url} does not answer (${cause instanceof Error ? cause.message : String(cause)}); skipping Redis tests`;
  } finally {
    probe.disconnect();
  }
}

/** A key prefix no other test run shares, so parallel runs on one Redis never collide. */
export function uniqueTestPrefix(): string {
  return `agent-chatbot-test:${globalThis.crypto.randomUUID()}:`;
}

/** Deletes every key under `prefix` (test cleanup for plugins without a prefix delete). */
export async function deleteKeysUnder(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[\\*?[\]]/g, '\\$&')}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}
