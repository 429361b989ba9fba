import { describe, expect, it } from 'vitest';
import { rateLimiterContract } from '../../../testkit/src/index';
import { createMemoryRateLimiter } from './memory-rate-limiter';
import { takeTokens } from './token-bucket';

let fakeNow = 1_700_000_000_000;
rateLimiterContract({
  name: 'memory (fake clock)',
  create: () => createMemoryRateLimiter({ now: () => fakeNow }),
  advanceTime: (ms) => {
    fakeNow += ms;
  },
});
rateLimiterContract({ name: 'memory (real clock)', create: () => createMemoryRateLimiter() });

describe('token bucket math', () => {
  const bucket = { capacity: 10, refillPerSecond: 2 };

  it('refills continuously: 250 ms at 2/s is half a token', () => {
    const { state } = takeTokens({ tokens: 0, updatedAt: 0 }, bucket, 1, 250);
    expect(state.tokens).toBeCloseTo(0.5);
    const { result } = takeTokens(state, bucket, 1, 250);
    expect(result).toEqual({ allowed: false, remaining: 0, retryAfterMs: 250 });
  });

  it('ignores a clock that goes backwards instead of minting tokens', () => {
    const { result } = takeTokens({ tokens: 0, updatedAt: 1_000 }, bucket, 1, 0);
    expect(result.allowed).toBe(false);
    expect(result.retryAfterMs).toBe(500);
  });

  it('forgets full buckets but keeps partial ones', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ now: () => now });
    await limiter.consume('k', bucket, { cost: 10 });
    now += 2_000; // 4 tokens back
    expect(await limiter.consume('k', bucket, { cost: 5 })).toMatchObject({ allowed: false, remaining: 4, retryAfterMs: 500 });
    now += 60_000;
    expect(await limiter.consume('k', bucket, { cost: 10 })).toMatchObject({ allowed: true, remaining: 0 });
  });
});
