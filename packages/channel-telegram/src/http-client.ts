import { ProviderError, type FetchFunction } from '@agent-chatbot/core';
import { ProxyAgent, fetch as undiciFetch } from 'undici';

/** How a channel reaches its provider: a `fetch`, optionally through an HTTP proxy. */
export interface HttpClientOptions {
  /** Custom fetch (tests, instrumentation). Ignored for proxying: give `proxy` instead. */
  fetch?: FetchFunction;
  /** `http://user:pass@proxy.example:3128`: every call to this provider goes through it. */
  proxy?: string;
  /** Per-call timeout (default 10 s). */
  timeoutMs?: number;
}

/** A fetch bound to one provider's proxy and timeout. */
export type HttpClient = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Builds the outbound HTTP function: undici's fetch (with a `ProxyAgent` dispatcher when a proxy
 * is set, because Zalo's API expects Vietnamese source addresses and operators abroad need one),
 * or the injected fetch. Every call gets a timeout so a hung provider cannot block a delivery job.
 */
export function createHttpClient(options: HttpClientOptions): { request: HttpClient; close: () => Promise<void> } {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dispatcher = options.proxy ? new ProxyAgent(options.proxy) : undefined;
  const request: HttpClient = (url, init) => {
    const signal = init.signal ?? AbortSignal.timeout(timeoutMs);
    if (options.fetch && !dispatcher) return options.fetch(url, { ...init, signal });
    // undici's RequestInit is structurally the WHATWG one plus `dispatcher`.
    return undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), signal, dispatcher }) as unknown as Promise<Response>;
  };
  let closed = false;
  const close = async () => {
    // Idempotent: a channel may be disconnected by both its owner and a test teardown.
    if (closed || !dispatcher) return;
    closed = true;
    await dispatcher.close();
  };
  return { request, close };
}

/** Reads a response body as JSON, or `undefined` when it is not JSON (gateway HTML pages). */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Downloads a customer's media file and returns the provider's response (body unread), so the
 * runtime can stream it to storage. Throws a {@link ProviderError} (retryable for 429/5xx) otherwise.
 */
export async function downloadMedia(http: HttpClient, provider: string, url: string, headers: Record<string, string> = {}): Promise<Response> {
  const response = await http(url, { method: 'GET', headers });
  if (response.ok) return response;
  await response.body?.cancel();
  throw new ProviderError({
    provider,
    upstreamStatus: response.status,
    message: `Could not download the attachment (HTTP ${response.status})`,
    messageVi: `Không tải được tệp đính kèm (HTTP ${response.status})`,
  });
}
