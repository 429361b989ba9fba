import type { Dispatcher, fetch as UndiciFetch } from 'undici';
import { ProviderError, ValidationError } from '../errors';
import type { FetchFunction } from '../shared/v1';

/** How a plugin reaches its provider: a `fetch`, optionally through an HTTP proxy. */
export interface HttpClientOptions {
  /** Custom fetch (tests, instrumentation). Ignored for proxying: give `proxy` instead. */
  fetch?: FetchFunction;
  /**
   * `http://user:pass@proxy.example:3128`: every call to this provider goes through it (Zalo's API
   * expects Vietnamese source addresses, so operators abroad need one). Needs the `undici` package,
   * imported on the first proxied call.
   */
  proxy?: string;
  /** Per-call timeout (default 10 s). */
  timeoutMs?: number;
}

/** A fetch bound to one provider's proxy and timeout. */
export type HttpClient = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Builds a provider's outbound HTTP function: the injected or global `fetch`, or undici's fetch
 * with a `ProxyAgent` when a proxy is set. Every call gets a timeout (unless the caller passes its
 * own signal), so a hung provider cannot block a delivery job. `close()` releases the proxy's
 * connections. The channel packages use it; a third-party channel may.
 *
 * @example
 * const http = createHttpClient({ proxy: process.env.ZALO_PROXY, timeoutMs: 5_000 });
 * const response = await http.request('https://openapi.zalo.me/v3.0/oa/message/cs', { method: 'POST', body });
 */
export function createHttpClient(options: HttpClientOptions): { request: HttpClient; close: () => Promise<void> } {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const proxy = options.proxy;
  if (proxy !== undefined) checkProxyUrl(proxy);
  let proxied: Promise<{ fetch: typeof UndiciFetch; agent: Dispatcher }> | undefined;
  const viaProxy = (url: string) =>
    (proxied ??= import('undici').then(({ ProxyAgent, fetch }) => ({ fetch, agent: new ProxyAgent(url) })));
  const request: HttpClient = async (url, init) => {
    const signal = init.signal ?? AbortSignal.timeout(timeoutMs);
    if (proxy === undefined) return (options.fetch ?? globalThis.fetch)(url, { ...init, signal });
    const { fetch, agent } = await viaProxy(proxy);
    // undici's RequestInit is structurally the WHATWG one plus `dispatcher`.
    return fetch(url, { ...(init as Parameters<typeof UndiciFetch>[1]), signal, dispatcher: agent }) as unknown as Promise<Response>;
  };
  let closed = false;
  const close = async () => {
    // Idempotent: a channel may be disconnected by both its owner and a test teardown.
    if (closed || !proxied) return;
    closed = true;
    await (await proxied).agent.close();
  };
  return { request, close };
}

/** A proxy setting is checked when the client is made, not on its first call. */
function checkProxyUrl(proxy: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(proxy).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new ValidationError(
      'The proxy must be an http:// or https:// URL',
      'Proxy phải là một URL http:// hoặc https://',
    );
  }
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
 * caller can stream it to storage. Throws a {@link ProviderError} (retryable for 429/5xx) otherwise.
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
