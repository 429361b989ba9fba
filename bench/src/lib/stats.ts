/**
 * Small statistics for benchmarks: percentiles over sorted samples, medians of repeated runs, and
 * the ratio to a baseline measured in the same run (what makes figures comparable across machines).
 */

/** Percentile `p` (0–100) of `samples` (nearest-rank; the array is copied and sorted). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Rounds to two decimals (JSON stays readable). */
export function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : value;
}

/** Latency summary in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Summarises latencies (ms). */
export function summarize(samples: readonly number[]): LatencySummary {
  return {
    count: samples.length,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(samples.length ? Math.max(...samples) : Number.NaN),
  };
}

/** `value / baseline` to three significant digits; NaN for a zero baseline. */
export function ratio(value: number, baseline: number): number {
  return baseline > 0 ? Number((value / baseline).toPrecision(3)) : Number.NaN;
}

/**
 * A fixed CPU yardstick: JSON round trips and string folding of a fixed Vietnamese payload, timed
 * `runs` times; the median in ms. Benchmarks without a natural "bare endpoint" (retrieval,
 * ingestion, engine) report their figures as multiples of it.
 */
export function cpuYardstickMs(runs = 7): number {
  const payload = {
    items: Array.from({ length: 200 }, (_, i) => ({ id: i, text: `Áo thun cotton size M màu đỏ giá ${i * 1000}đ, giao hàng toàn quốc` })),
  };
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    for (let i = 0; i < 50; i += 1) {
      const text = JSON.stringify(payload);
      const parsed = JSON.parse(text) as typeof payload;
      parsed.items.map((item) => item.text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()).join(' ');
    }
    times.push(performance.now() - started);
  }
  return round(median(times));
}
