import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run with EVALSHA, falling back to EVAL once when the server has not cached it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/** Prepares a script (hashing only; nothing is sent until it runs). */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Runs `script` atomically on the server. Uses EVALSHA rather than ioredis `defineCommand` so a
 * caller-supplied client is not modified.
 */
export async function runLuaScript(client: Redis, script: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
      return client.eval(script.source, keys.length, ...keys, ...args);
    }
    throw error;
  }
}
