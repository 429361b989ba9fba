import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDueWakeups, MAX_WAKEUPS_PER_RETRY, retryWindowMs, WAKE_SLACK_MS } from './due-wakeups';

describe('retryWindowMs (pg-boss’s retry delay)', () => {
  it('is exactly retryDelay without backoff', () => {
    expect(retryWindowMs({ retryCount: 3, retryDelay: 5, retryBackoff: false })).toEqual({ earliest: 5000, latest: 5000 });
  });

  it('doubles with each retry, between 1× and 2× (jitter), at least 1 s, capped by retryDelayMax', () => {
    expect(retryWindowMs({ retryCount: 0, retryDelay: 1, retryBackoff: true })).toEqual({ earliest: 1000, latest: 2000 });
    expect(retryWindowMs({ retryCount: 2, retryDelay: 1, retryBackoff: true })).toEqual({ earliest: 4000, latest: 8000 });
    expect(retryWindowMs({ retryCount: 0, retryDelay: 0, retryBackoff: true })).toEqual({ earliest: 1000, latest: 2000 });
    expect(retryWindowMs({ retryCount: 2, retryDelay: 1, retryBackoff: true, retryDelayMax: 5 })).toEqual({ earliest: 4000, latest: 5000 });
    expect(retryWindowMs({ retryCount: 40, retryDelay: 1, retryBackoff: true, retryDelayMax: null }).latest).toBe(2 ** 16 * 1000);
  });
});

describe('createDueWakeups', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  const make = () => {
    const wakes: Array<{ queue: string; at: number }> = [];
    const wakeups = createDueWakeups((queue) => wakes.push({ queue, at: Date.now() }), () => 1000);
    return { wakes, wakeups };
  };

  it('wakes the queue once at the due time (plus a little slack for the database clock)', () => {
    const { wakes, wakeups } = make();
    wakeups.at('q', 1500);
    vi.advanceTimersByTime(1500 + WAKE_SLACK_MS - 1);
    expect(wakes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(wakes).toEqual([{ queue: 'q', at: 1500 + WAKE_SLACK_MS }]);
    vi.advanceTimersByTime(60_000);
    expect(wakes).toHaveLength(1);
  });

  it('spreads a retry window over at most MAX_WAKEUPS_PER_RETRY + 1 wakes, none before 250 ms', () => {
    const { wakes, wakeups } = make();
    wakeups.retry('q', { retryCount: 2, retryDelay: 1, retryBackoff: true });
    vi.advanceTimersByTime(60_000);
    expect(wakes[0]!.at).toBe(4000 + WAKE_SLACK_MS);
    expect(wakes.at(-1)!.at).toBe(8000 + WAKE_SLACK_MS);
    // One a second (the polling interval) across [4 s, 8 s].
    expect(wakes.map((w) => w.at - WAKE_SLACK_MS)).toEqual([4000, 5000, 6000, 7000, 8000]);

    const wide = make();
    wide.wakeups.retry('q', { retryCount: 8, retryDelay: 1, retryBackoff: true });
    vi.advanceTimersByTime(1_000_000);
    expect(wide.wakes).toHaveLength(MAX_WAKEUPS_PER_RETRY + 1);
    expect(wide.wakes.at(-1)!.at - wide.wakes[0]!.at).toBe(256_000);

    const soon = make();
    const from = Date.now();
    soon.wakeups.retry('q', { retryCount: 0, retryDelay: 0, retryBackoff: false });
    vi.advanceTimersByTime(1000);
    expect(soon.wakes.map((w) => w.at - from)).toEqual([250 + WAKE_SLACK_MS]);
  });

  it('leaves a due time beyond what a timer holds to the scan (no wake at once)', () => {
    const { wakes, wakeups } = make();
    wakeups.at('q', Date.now() + 30 * 24 * 3600 * 1000);
    vi.advanceTimersByTime(60_000);
    expect(wakes).toEqual([]);
  });

  it('does nothing once cleared', () => {
    const { wakes, wakeups } = make();
    wakeups.at('q', 1000);
    wakeups.retry('q', { retryCount: 0, retryDelay: 1, retryBackoff: true });
    wakeups.clear();
    vi.advanceTimersByTime(60_000);
    expect(wakes).toEqual([]);
  });
});
