/** Where a driver delivers webhooks: a URL (real HTTP) or a handler such as `channel.handleWebhook`. */
export type WebhookTarget = string | ((request: Request) => Promise<Response>);

/** One delivery attempt as the provider saw it. */
export interface WebhookAttempt {
  /** 0 for the first attempt, then 1, 2… */
  readonly attempt: number;
  /** Status answered, or undefined when the request failed. */
  readonly status: number | undefined;
  /** Network error, when there was one. */
  readonly error?: string;
  /** Response body. */
  readonly body?: string;
}

/** The outcome of {@link deliverWithRetries}. */
export interface WebhookDelivery {
  /** Whether some attempt got a 2xx. */
  readonly delivered: boolean;
  /** Every attempt, as the provider would retry. */
  readonly attempts: WebhookAttempt[];
}

/**
 * Sends `build(attempt)` to the target and, like the providers, retries on a non-2xx answer,
 * a timeout or a connection error after each delay in `retryDelaysMs` (compressed schedules in
 * tests, e.g. Zalo's 30 s / 5 min / 15 min / 30 min / 1 h becomes 3/5/15/30/60 ms).
 */
export async function deliverWithRetries(options: {
  target: WebhookTarget;
  build: (attempt: number) => Request;
  retryDelaysMs: ReadonlyArray<number>;
  /** The provider gives up waiting after this long (Zalo and LINE: 2 s). */
  timeoutMs?: number;
}): Promise<WebhookDelivery> {
  const attempts: WebhookAttempt[] = [];
  for (let attempt = 0; attempt <= options.retryDelaysMs.length; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, options.retryDelaysMs[attempt - 1]));
    const request = options.build(attempt);
    try {
      const response = await send(options.target, request, options.timeoutMs ?? 2_000);
      const body = await response.text();
      attempts.push({ attempt, status: response.status, body });
      if (response.status >= 200 && response.status < 300) return { delivered: true, attempts };
    } catch (error) {
      attempts.push({ attempt, status: undefined, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { delivered: false, attempts };
}

async function send(target: WebhookTarget, request: Request, timeoutMs: number): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (typeof target === 'string') {
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    return fetch(target + new URL(request.url).search, { method: request.method, headers: request.headers, body, signal: timeout });
  }
  return Promise.race([
    target(request),
    new Promise<never>((_, reject) => timeout.addEventListener('abort', () => reject(new Error('webhook timed out')))),
  ]);
}

/** Builds a POST `Request` with the given raw body and headers (URL is a placeholder for handlers). */
export function buildWebhookRequest(rawBody: string, headers: Record<string, string>, url = 'http://127.0.0.1/webhook'): Request {
  return new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: rawBody });
}
