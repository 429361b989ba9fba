import type { CacheV1, ChannelV1Host, InboundEventV1, LoggerV1 } from '@agent-chatbot/core';

/** A log line captured by {@link createRecordingHost}. */
export interface RecordedLog {
  /** Log level. */
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** Logger scope. */
  readonly scope: string | undefined;
  /** Structured fields. */
  readonly object: Record<string, unknown>;
  /** Log message. */
  readonly message: string | undefined;
}

/** A {@link ChannelV1Host} that keeps what it receives, for channel tests. */
export interface RecordingHost extends ChannelV1Host {
  /** Every event received, in order (duplicates included: dedup is the runtime's job). */
  readonly events: InboundEventV1[];
  /** Each `receive()` call's batch. */
  readonly batches: ReadonlyArray<InboundEventV1>[];
  /** Everything the channel logged. */
  readonly logs: RecordedLog[];
  /** The cache the host hands the channel. */
  readonly cache: CacheV1;
  /** Makes the next `times` `receive()` calls reject, as a database outage would. */
  failNextReceive(times?: number): void;
}

/** A small in-memory {@link CacheV1} with TTLs (enough for channel tests; core has the real one). */
export function createTestCache(now: () => number = Date.now): CacheV1 {
  const entries = new Map<string, { value: unknown; expiresAt: number | undefined }>();
  const read = (key: string) => {
    const entry = entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const expiry = (ttlMs?: number) => (ttlMs === undefined ? undefined : now() + ttlMs);
  return {
    specificationVersion: 'v1',
    async get<T>(key: string) {
      return read(key)?.value as T | undefined;
    },
    async set(key, value, options) {
      entries.set(key, { value: structuredClone(value), expiresAt: expiry(options?.ttlMs) });
    },
    async delete(key) {
      entries.delete(key);
    },
    async setIfNotExists(key, value, options) {
      if (read(key)) return false;
      entries.set(key, { value: structuredClone(value), expiresAt: expiry(options?.ttlMs) });
      return true;
    },
    async increment(key, options) {
      const current = read(key);
      const next = (typeof current?.value === 'number' ? current.value : 0) + (options?.by ?? 1);
      entries.set(key, { value: next, expiresAt: current?.expiresAt ?? expiry(options?.ttlMs) });
      return next;
    },
    async deleteByPrefix(prefix) {
      let deleted = 0;
      for (const key of [...entries.keys()]) {
        if (key.startsWith(prefix)) {
          entries.delete(key);
          deleted += 1;
        }
      }
      return deleted;
    },
  };
}

/**
 * Creates a host that records received events and log lines. `receive()` resolves immediately
 * unless {@link RecordingHost.failNextReceive} was called, which lets tests check that a channel
 * answers non-2xx (so the provider retries) when events could not be stored.
 */
export function createRecordingHost(options: { cache?: CacheV1 } = {}): RecordingHost {
  const events: InboundEventV1[] = [];
  const batches: ReadonlyArray<InboundEventV1>[] = [];
  const logs: RecordedLog[] = [];
  const cache = options.cache ?? createTestCache();
  let failures = 0;
  const logger = (scope: string | undefined): LoggerV1 => {
    const at =
      (level: RecordedLog['level']) =>
      (object: Record<string, unknown>, message?: string): void => {
        logs.push({ level, scope, object, message });
      };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  };
  return {
    events,
    batches,
    logs,
    cache,
    failNextReceive(times = 1) {
      failures += times;
    },
    async receive(batch) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('recording host: receive failed on purpose');
      }
      batches.push(batch);
      events.push(...batch);
    },
    getCache: () => cache,
    getLogger: (scope) => logger(scope),
  };
}
