import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake provider server received, kept for assertions. */
export interface RecordedRequest {
  /** HTTP method. */
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Query parameters. */
  readonly query: URLSearchParams;
  /** Request headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** Raw request body. */
  readonly body: string;
}

/** What a fake route handler answers: status, JSON (or text) body and extra headers. */
export interface FakeResponse {
  /** Response status. */
  readonly status: number;
  /** JSON body to send. */
  readonly json?: unknown;
  /** Text body to send. */
  readonly text?: string;
  /** Binary body (media downloads); sent with `headers['content-type']`. */
  readonly bytes?: Uint8Array;
  /** Response headers. */
  readonly headers?: Record<string, string>;
}

/** A running fake server on 127.0.0.1 with a random port. */
export interface FakeHttpServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  readonly url: string;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** Stops the server. */
  close(): Promise<void>;
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function write(response: ServerResponse, answer: FakeResponse): void {
  if (answer.bytes) {
    response.writeHead(answer.status, { 'content-type': 'application/octet-stream', ...answer.headers });
    response.end(answer.bytes);
    return;
  }
  const body = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? '');
  response.writeHead(answer.status, {
    'content-type': answer.json !== undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    ...answer.headers,
  });
  response.end(body);
}

/**
 * Starts a real HTTP server on 127.0.0.1:0 that records each request and answers with `handle`.
 * Used by every fake provider so the channel packages exercise real sockets, headers and bodies.
 */
export async function startFakeHttpServer(
  /** `raw` is the exact body bytes (multipart uploads); `request.body` is the same as UTF-8 text. */
  handle: (request: RecordedRequest, raw: Uint8Array) => FakeResponse | Promise<FakeResponse>,
): Promise<FakeHttpServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: flattenHeaders(incoming),
        body: raw.toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve()
        .then(() => handle(recorded, new Uint8Array(raw)))
        .then(
          (answer) => write(response, answer),
          (error: unknown) => write(response, { status: 500, text: `fake server error: ${String(error)}` }),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Parses a JSON request body, or returns `undefined` when it is not JSON. */
export function parseJsonBody(request: RecordedRequest): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(request.body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A queue of failures to inject: `failNext('rate_limit', 2)` makes the next two matching calls
 * fail in the provider's own format.
 */
export class FailureQueue<K extends string> {
  private readonly queue: Array<K | null> = [];
  /** Queues `times` failures of `kind`, after letting `after` calls succeed. */
  push(kind: K, times = 1, after = 0): void {
    for (let i = 0; i < after; i += 1) this.queue.push(null);
    for (let i = 0; i < times; i += 1) this.queue.push(kind);
  }
  /** Takes the next queued failure, if any (`undefined`: answer normally). */
  take(): K | undefined {
    return this.queue.shift() ?? undefined;
  }
  /** Drops every queued failure. */
  clear(): void {
    this.queue.length = 0;
  }
}
