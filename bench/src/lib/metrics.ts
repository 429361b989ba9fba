/**
 * Readings from the runtime's own `/metrics` (prom-client's default metrics).
 */
import { round } from './stats';

/**
 * The runtime's event-loop delay since the previous scrape (ms): prom-client resets its histogram
 * on each scrape, so the scrape before a run starts the window and the one after reads it.
 */
export async function runtimeLag(url: string): Promise<{ p50: number; p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => round(Number(new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? Number.NaN) * 1000);
  return { p50: read('nodejs_eventloop_lag_p50_seconds'), p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
}
