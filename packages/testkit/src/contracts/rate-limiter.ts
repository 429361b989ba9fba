import type { RateLimiterV1, TokenBucketV1 } from '@agent-chatbot/core';
import { expect } from 'vitest';
import {
  expectAgentError,
  registerContract,
  sleep,
  type ContractCase,
  type ContractSuiteOptions,
  type ContractTracker,
} from './contract-suite';

/** Options for {@link rateLimiterContract}. */
export interface RateLimiterContractOptions extends ContractSuiteOptions {
  /** Makes a fresh limiter with no buckets (for a shared server: a unique key prefix per call). */
  readonly create: () => RateLimiterV1 | Promise<RateLimiterV1>;
  /** Releases the limiter after a test. */
  readonly cleanup?: (limiter: RateLimiterV1) => Promise<void> | void;
  /**
   * Moves the limiter's clock forward. Give it when `create` injects a fake clock; without it the
   * suite sleeps in real time (about 2.5 s in total: the buckets are slow enough for a loaded machine).
   */
  readonly advanceTime?: (ms: number) => Promise<void> | void;
}

/** What each rate-limiter case receives. */
export interface RateLimiterContractFixture {
  /** Creates a fresh limiter for one test. */
  make(): Promise<RateLimiterV1>;
  /** Lets `ms` pass on the limiter's clock. */
  wait(ms: number): Promise<void>;
  /** True when time is simulated: timings are then exact rather than approximate. */
  readonly exactTime: boolean;
}

// Refill so slow it never matters within a test.
const SLOW: Pick<TokenBucketV1, 'refillPerSecond'> = { refillPerSecond: 0.001 };

const cases: ReadonlyArray<ContractCase<RateLimiterContractFixture>> = [
  {
    title: 'allows up to capacity, counting remaining down, then denies',
    async run({ make }) {
      const limiter = await make();
      const bucket = { capacity: 3, ...SLOW };
      const remaining: number[] = [];
      for (let call = 0; call < 3; call++) {
        const result = await limiter.consume('customer:1', bucket);
        expect(result.allowed).toBe(true);
        expect(result.retryAfterMs).toBe(0);
        remaining.push(result.remaining);
      }
      expect(remaining).toEqual([2, 1, 0]);
      const denied = await limiter.consume('customer:1', bucket);
      expect(denied.allowed).toBe(false);
      expect(denied.remaining).toBe(0);
    },
  },
  {
    title: 'retryAfterMs is the time until enough tokens refill',
    async run({ make, exactTime }) {
      const limiter = await make();
      // Slow refills, so the real-clock bounds leave seconds for the calls in between.
      const bucket = { capacity: 3, refillPerSecond: 0.1 };
      for (let call = 0; call < 3; call++) await limiter.consume('k', bucket);
      const denied = await limiter.consume('k', bucket);
      expect(denied.allowed).toBe(false);
      if (exactTime) expect(denied.retryAfterMs).toBe(10_000);
      expect(denied.retryAfterMs).toBeGreaterThan(8_000);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(10_000);
      const costly = await limiter.consume('k', { capacity: 3, refillPerSecond: 0.4 }, { cost: 2 });
      expect(costly.allowed).toBe(false);
      if (exactTime) expect(costly.retryAfterMs).toBe(5_000);
      expect(costly.retryAfterMs).toBeGreaterThan(3_000);
      expect(costly.retryAfterMs).toBeLessThanOrEqual(5_000);
    },
  },
  {
    title: 'tokens refill over time and a denied caller succeeds after retryAfterMs',
    async run({ make, wait }) {
      const limiter = await make();
      // One token per 250 ms: the three calls need not be quicker than that on a loaded machine.
      const bucket = { capacity: 2, refillPerSecond: 4 };
      await limiter.consume('k', bucket);
      await limiter.consume('k', bucket);
      const denied = await limiter.consume('k', bucket);
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(250);
      await wait(denied.retryAfterMs + 10);
      expect((await limiter.consume('k', bucket)).allowed).toBe(true);
    },
  },
  {
    title: 'refill never exceeds capacity',
    async run({ make, wait }) {
      const limiter = await make();
      // One token per 200 ms, so the three calls after the wait have that long between them.
      const bucket = { capacity: 2, refillPerSecond: 5 };
      await limiter.consume('k', bucket);
      await limiter.consume('k', bucket);
      await wait(2_000); // worth 10 tokens, but the bucket holds 2
      expect((await limiter.consume('k', bucket)).allowed).toBe(true);
      expect((await limiter.consume('k', bucket)).allowed).toBe(true);
      expect((await limiter.consume('k', bucket)).allowed).toBe(false);
    },
  },
  {
    title: 'cost takes several tokens and a denied call takes none',
    async run({ make }) {
      const limiter = await make();
      const bucket = { capacity: 3, ...SLOW };
      expect(await limiter.consume('k', bucket, { cost: 2 })).toMatchObject({ allowed: true, remaining: 1 });
      expect(await limiter.consume('k', bucket, { cost: 2 })).toMatchObject({ allowed: false, remaining: 1 });
      expect(await limiter.consume('k', bucket, { cost: 1 })).toMatchObject({ allowed: true, remaining: 0 });
    },
  },
  {
    title: 'consume is atomic under concurrency (never more than capacity)',
    async run({ make }) {
      const limiter = await make();
      const bucket = { capacity: 10, ...SLOW };
      const results = await Promise.all(Array.from({ length: 30 }, () => limiter.consume('hot', bucket)));
      expect(results.filter((result) => result.allowed)).toHaveLength(10);
      expect(results.filter((result) => !result.allowed).every((result) => result.retryAfterMs > 0)).toBe(true);
    },
  },
  {
    title: 'keys are independent buckets',
    async run({ make }) {
      const limiter = await make();
      const bucket = { capacity: 1, ...SLOW };
      expect((await limiter.consume('tenant:a', bucket)).allowed).toBe(true);
      expect((await limiter.consume('tenant:a', bucket)).allowed).toBe(false);
      expect((await limiter.consume('tenant:b', bucket)).allowed).toBe(true);
    },
  },
  {
    title: 'reset gives the key a full bucket again',
    async run({ make }) {
      const limiter = await make();
      const bucket = { capacity: 2, ...SLOW };
      await limiter.consume('login:a@b.vn', bucket);
      await limiter.consume('login:a@b.vn', bucket);
      expect((await limiter.consume('login:a@b.vn', bucket)).allowed).toBe(false);
      await limiter.reset('login:a@b.vn');
      await limiter.reset('never-used');
      expect(await limiter.consume('login:a@b.vn', bucket)).toMatchObject({ allowed: true, remaining: 1 });
    },
  },
  {
    title: 'refillPerSecond 0 is a fixed quota until reset',
    async run({ make, wait }) {
      const limiter = await make();
      const quota = { capacity: 2, refillPerSecond: 0 };
      expect((await limiter.consume('trial', quota)).allowed).toBe(true);
      expect((await limiter.consume('trial', quota)).allowed).toBe(true);
      await wait(100);
      const denied = await limiter.consume('trial', quota);
      expect(denied.allowed).toBe(false);
      // Finite, so it survives JSON and Retry-After arithmetic, and at least a day.
      expect(Number.isFinite(denied.retryAfterMs)).toBe(true);
      expect(denied.retryAfterMs).toBeGreaterThan(86_400_000);
      await limiter.reset('trial');
      expect((await limiter.consume('trial', quota)).allowed).toBe(true);
    },
  },
  {
    title: 'impossible requests reject with a 4xx error',
    async run({ make }) {
      const limiter = await make();
      await expectAgentError(limiter.consume('k', { capacity: 2, refillPerSecond: 1 }, { cost: 3 }), { status: '4xx' });
      await expectAgentError(limiter.consume('k', { capacity: 0, refillPerSecond: 1 }), { status: '4xx' });
      await expectAgentError(limiter.consume('k', { capacity: 2, refillPerSecond: -1 }), { status: '4xx' });
      await expectAgentError(limiter.consume('k', { capacity: 2, refillPerSecond: 1 }, { cost: -1 }), { status: '4xx' });
    },
  },
];

/** The rate-limiter contract's cases, for self-tests. */
export const rateLimiterContractCases = cases;

/** Builds the fixture a rate-limiter case receives from suite options. */
export function rateLimiterContractFixture(options: Pick<RateLimiterContractOptions, 'create' | 'cleanup' | 'advanceTime'>) {
  return (tracker: ContractTracker): RateLimiterContractFixture => ({
    async make() {
      const limiter = await options.create();
      return tracker.track(limiter, options.cleanup ?? ((instance) => instance.disconnect?.()));
    },
    async wait(ms) {
      if (options.advanceTime) await options.advanceTime(ms);
      else await sleep(ms);
    },
    exactTime: options.advanceTime !== undefined,
  });
}

/**
 * Registers the {@link RateLimiterV1} contract: capacity, refill math, `retryAfterMs`, costs,
 * atomicity under concurrency, key independence, reset and input validation.
 *
 * @example
 * ```ts
 * let now = 0;
 * rateLimiterContract({
 *   name: 'memory',
 *   create: () => createMemoryRateLimiter({ now: () => now }),
 *   advanceTime: (ms) => { now += ms; },
 * });
 * ```
 */
export function rateLimiterContract(options: RateLimiterContractOptions): void {
  registerContract({
    suite: 'RateLimiterV1',
    name: options.name,
    cases,
    skip: options.skip,
    fixture: rateLimiterContractFixture(options),
  });
}
