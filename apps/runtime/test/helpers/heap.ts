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
