/**
 * Load generators over loopback HTTP: a closed loop (N workers, each sending the next request when
 * the previous answered) and an open loop (a fixed arrival rate, independent of answers — what a
 * provider's webhook traffic looks like). Both are bounded by a count or a duration.
 */

/** One request's outcome. */
export interface Sample {
  ms: number;
  ok: boolean;
  status: number;
}

/** What a load run measured. */
export interface LoadResult {
  samples: Sample[];
  seconds: number;
  errors: number;
  /** Completed requests per second. */
  rate: number;
}

/** Sends a request; `ok` is decided by `expect` (default: 2xx). */
export type Sender = (index: number) => Promise<Response>;

/** Receives each response body (e.g. to count which route answered). */
export type BodyInspector = (text: string) => void;

async function timed(send: Sender, index: number, expectStatus: (status: number) => boolean, onBody?: BodyInspector): Promise<Sample> {
  const started = performance.now();
  try {
    const res = await send(index);
    const text = await res.text();
    onBody?.(text);
    return { ms: performance.now() - started, ok: expectStatus(res.status), status: res.status };
  } catch {
    return { ms: performance.now() - started, ok: false, status: 0 };
  }
}

const isOk = (status: number): boolean => status >= 200 && status < 300;

function result(samples: Sample[], seconds: number): LoadResult {
  return { samples, seconds, errors: samples.filter((s) => !s.ok).length, rate: samples.length / seconds };
}

/** Closed loop: `concurrency` workers until `total` requests (or `maxSeconds`) are done. */
export async function closedLoop(
  send: Sender,
  options: { concurrency: number; total: number; maxSeconds?: number; expect?: (status: number) => boolean; onBody?: BodyInspector },
): Promise<LoadResult> {
  const samples: Sample[] = [];
  const deadline = performance.now() + (options.maxSeconds ?? 120) * 1000;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.total && performance.now() < deadline) {
      const index = next;
      next += 1;
      samples.push(await timed(send, index, options.expect ?? isOk, options.onBody));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result(samples, (performance.now() - started) / 1000);
}

/** Open loop: `rate` requests per second for `seconds`, each timed from its scheduled start. */
export async function openLoop(send: Sender, options: { rate: number; seconds: number; expect?: (status: number) => boolean }): Promise<LoadResult> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const interval = 1000 / options.rate;
  const started = performance.now();
  const pending: Promise<Sample>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(timed(send, i, options.expect ?? isOk));
  }
  const samples = await Promise.all(pending);
  return result(samples, (performance.now() - started) / 1000);
}
