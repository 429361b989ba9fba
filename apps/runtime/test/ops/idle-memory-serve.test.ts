/**
 * The idle memory release is wired into a real `serve` (PGlite, in this process): after a burst
 * of allocation the server's quiet event loop gets a memory-reducing collection, counted on
 * `/metrics`; with `CHATBOT_IDLE_GC=off` none happens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { startServer } from '../../src/cli/serve';
import { resetMetrics } from '../../src/ops/metrics';
import { allocationBurst } from '../helpers/heap';

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

async function releases(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^idle_memory_releases_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

describe('idle memory release in serve', () => {
  it('a quiet server gives the heap back after a burst, and not when turned off', async () => {
    resetMetrics();
    const on = await startServer(loadConfig(env('on')), { print: () => undefined });
    try {
      expect(allocationBurst()).toHaveLength(100_000);
      // Up to 15 s: the first quiet second after start-up and the burst.
      let count = 0;
      for (let i = 0; i < 60 && count === 0; i += 1) {
        await sleep(250);
        count = await releases(on.url);
      }
      expect(count).toBeGreaterThanOrEqual(1);
    } finally {
      await on.stop();
    }

    resetMetrics();
    const off = await startServer(loadConfig(env('off', { CHATBOT_IDLE_GC: 'off' })), { print: () => undefined });
    try {
      expect(allocationBurst()).toHaveLength(100_000);
      await sleep(3000);
      expect(await releases(off.url)).toBe(0);
    } finally {
      await off.stop();
    }
  }, 60_000);
});
