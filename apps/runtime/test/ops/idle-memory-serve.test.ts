/**
 * The idle memory release is wired into a real `serve` (PGlite, in this process): after a burst
 * of allocation the server's quiet event loop gets a memory-reducing collection and (on glibc) a
 * malloc trim, counted on `/metrics`; with `CHATBOT_IDLE_GC=off` neither happens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { startServer } from '../../src/cli/serve';
import { memoryReducingCollector } from '../../src/ops/idle-memory';
import { resetMetrics } from '../../src/ops/metrics';
import { allocationBurst, mallocBurst } from '../helpers/heap';

const dir = mkdtempSync(join(tmpdir(), 'acb-idle-gc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function env(name: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    CHATBOT_DATA_DIR: join(dir, name),
    DATABASE_URL: '',
    REDIS_URL: '',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    CHATBOT_JWT_SECRET: 'idle-gc-secret-0123456789-0123456789-0123456789',
    CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    ...extra,
  };
}

/** The V8 releases and malloc trims counted on the server's `/metrics`. */
async function releases(url: string): Promise<{ collections: number; trims: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { collections: read('idle_memory_releases_total'), trims: read('idle_malloc_trims_total') };
}

describe('idle memory release in serve', () => {
  it('a quiet server gives the heap back after a burst, and not when turned off', async () => {
    resetMetrics();
    // A burst as requests leave it: freed malloc blocks between live ones (made before the start,
    // whose own collections would free them anyway), then a grown young generation (right after
    // the start, before its first quiet second). The first release then has both to give back.
    expect(mallocBurst(memoryReducingCollector()!)).toHaveLength(512);
    const on = await startServer(loadConfig(env('on')), { print: () => undefined });
    try {
      expect(allocationBurst()).toHaveLength(100_000);
      // Up to 15 s: the first quiet second after start-up.
      let count = { collections: 0, trims: 0 };
      for (let i = 0; i < 60 && (count.collections === 0 || count.trims === 0); i += 1) {
        await sleep(250);
        count = await releases(on.url);
      }
      expect(count.collections).toBeGreaterThanOrEqual(1);
      // glibc's malloc_trim (through koffi) on Linux; elsewhere there is nothing to trim.
      if (process.platform === 'linux') expect(count.trims).toBeGreaterThanOrEqual(1);
    } finally {
      await on.stop();
    }

    resetMetrics();
    expect(mallocBurst(memoryReducingCollector()!)).toHaveLength(512);
    const off = await startServer(loadConfig(env('off', { CHATBOT_IDLE_GC: 'off' })), { print: () => undefined });
    try {
      expect(allocationBurst()).toHaveLength(100_000);
      await sleep(3000);
      expect(await releases(off.url)).toEqual({ collections: 0, trims: 0 });
    } finally {
      await off.stop();
    }
  }, 60_000);
});
