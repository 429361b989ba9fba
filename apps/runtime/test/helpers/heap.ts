import { readFileSync } from 'node:fs';

/**
 * Allocates the way a burst of requests does: 2,000,000 objects of which the last 100,000 stay
 * alive a while (a ring), so V8 grows its young generation. Returns the ring, still referenced by
 * the caller while it measures.
 */
export function allocationBurst(): Array<{ n: number; s: string }> {
  const ring = new Array<{ n: number; s: string }>(100_000);
  for (let i = 0; i < 2_000_000; i += 1) ring[i % ring.length] = { n: i, s: `tin nhắn ${i}` };
  return ring;
}

/**
 * Leaves glibc malloc's free lists holding ~25–35 MiB between live blocks, as a burst of requests
 * does: `mib` MiB of 32 KiB Buffers (below the 128 KiB mmap threshold, so malloc'd) of which every
 * eighth is kept and returned; the rest die young (scavenges reuse part of their memory as the
 * loop goes) and `collect` (a full collection) frees what is left. Returns the kept ones.
 */
export function mallocBurst(collect: () => void, mib = 128): Buffer[] {
  const kept: Buffer[] = [];
  for (let i = 0; i < mib * 32; i += 1) {
    const buffer = Buffer.allocUnsafeSlow(32 * 1024).fill(7);
    if (i % 8 === 0) kept.push(buffer);
  }
  collect();
  return kept;
}

/** This process's anonymous resident memory in bytes (`RssAnon` of /proc/self/status). */
export function rssAnonBytes(): number {
  return Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN) * 1024;
}
