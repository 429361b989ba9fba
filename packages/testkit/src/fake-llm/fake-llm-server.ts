import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultResponder } from './fake-llm-text';
import type {
  FakeFailure,
  FakeLlmRequestRecord,
  FakeLlmServer,
  FakeLlmServerOptions,
  FakePromptMessage,
  FakeResponder,
} from './fake-llm-types';

/** Mutable settings a running fake reads on every request. */
export interface FakeLlmState {
  responder: FakeResponder;
  latencyMs: number;
  chunkDelayMs: number;
  embeddingDimensions: number;
  embedder: ((text: string, dimensions: number) => number[]) | undefined;
  models: readonly string[];
  reportUsage: boolean;
}

/** What a route handler gets for one request. */
export interface FakeRouteContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly body: Record<string, unknown>;
  readonly record: FakeLlmRequestRecord;
  readonly state: FakeLlmState;
  /** Set when a `disconnect` or `stream-error` failure applies to this streamed answer: interrupt it after the first chunk. */
  readonly interruption: Extract<FakeFailure, { type: 'disconnect' | 'stream-error' }> | undefined;
}

/** What a route extracts from a valid request body (or an error message for a 400). */
export interface FakeParsedRequest {
  readonly messages?: readonly FakePromptMessage[];
  readonly inputs?: readonly string[];
  readonly stream?: boolean;
}

/** One endpoint of a fake provider. */
export interface FakeRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly kind: FakeLlmRequestRecord['kind'];
  /** Validates the body; returns a message string to answer 400. */
  parse?(body: Record<string, unknown>): FakeParsedRequest | string;
  handle(context: FakeRouteContext): Promise<void>;
}

/** The wire-format specifics of one provider. */
export interface FakeDialect {
  readonly provider: FakeLlmServer['provider'];
  /** Appended to the server URL to form {@link FakeLlmServer.baseURL}. */
  readonly baseURLSuffix: string;
  /** Whether `apiKey` must be checked (Ollama only checks when one was configured). */
  readonly requiresKey: boolean;
  /** Whether the request headers carry the accepted key. */
  checkAuth(headers: Readonly<Record<string, string>>, apiKey: string): boolean;
  /** The provider's JSON error body for `status`. */
  errorBody(status: number, message: string): unknown;
  readonly routes: readonly FakeRoute[];
}

/** Resolves after `ms` milliseconds (immediately for 0). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Sends a JSON answer unless the client already went away. */
export function sendJson(response: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed || response.headersSent) return;
  const text = JSON.stringify(json);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Writes one chunk of a streamed answer, waiting `delayMs` first; false when the client is gone. */
export async function writeChunk(response: ServerResponse, chunk: string, delayMs: number): Promise<boolean> {
  await sleep(delayMs);
  if (response.destroyed) return false;
  response.write(chunk);
  return true;
}

/**
 * Interrupts a started stream as `context.interruption` asks: `disconnect` cuts the connection,
 * `stream-error` ends the answer with the provider's in-stream error (`formatError(message)`).
 */
export async function interruptStream(context: FakeRouteContext, formatError: (message: string) => string): Promise<void> {
  if (context.interruption?.type === 'stream-error') {
    context.record.outcome = 'failed';
    context.response.end(formatError(context.interruption.message ?? 'Injected stream error'));
    return;
  }
  context.record.outcome = 'disconnected';
  await cutConnection(context.response);
}

/**
 * Cuts the connection mid-stream the way a crashing upstream does: first lets the bytes already
 * written reach the client (so it sees a started stream), then destroys the socket.
 */
export function cutConnection(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    response.write('', () => {
      setTimeout(() => {
        response.socket?.destroy();
        resolve();
      }, 20);
    });
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Starts a fake provider server for `dialect` on 127.0.0.1 with a random port. */
export async function startFakeLlmServer(dialect: FakeDialect, options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  const apiKey = options.apiKey ?? 'test-key';
  const initialState = (): FakeLlmState => ({
    responder: options.responder ?? defaultResponder,
    latencyMs: options.latencyMs ?? 0,
    chunkDelayMs: options.chunkDelayMs ?? 0,
    embeddingDimensions: options.embeddingDimensions ?? 8,
    embedder: options.embedder,
    models: options.models ?? ['fake-model', 'fake-embedding'],
    reportUsage: options.reportUsage ?? true,
  });
  let state = initialState();
  const requests: FakeLlmRequestRecord[] = [];
  const failures: Array<{ failure: FakeFailure; remaining: number }> = [];

  const takeFailure = (): FakeFailure | undefined => {
    const next = failures[0];
    if (!next) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) failures.shift();
    return next.failure;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.on('error', () => undefined);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const headers = flattenHeaders(request);
    const raw = await readBody(request);
    let body: unknown;
    let jsonError = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        jsonError = true;
      }
    }
    const route = dialect.routes.find((candidate) => candidate.path === url.pathname && candidate.method === request.method);
    const record: FakeLlmRequestRecord = {
      method: request.method ?? 'GET',
      path: url.pathname,
      headers,
      body,
      kind: route?.kind ?? 'other',
      outcome: 'ok',
    };
    requests.push(record);
    const fail = (status: number, outcome: FakeLlmRequestRecord['outcome'], message: string, extra: Record<string, string> = {}) => {
      record.outcome = outcome;
      record.status = status;
      sendJson(response, status, dialect.errorBody(status, message), extra);
    };
    if (!route) return fail(404, 'not-found', `Unknown endpoint ${request.method ?? ''} ${url.pathname}`);
    const bodyRecord = isRecord(body) ? body : {};
    if (request.method === 'POST' && (jsonError || !isRecord(body))) return fail(400, 'bad-request', 'Request body must be a JSON object');
    const parsed = route.parse ? route.parse(bodyRecord) : {};
    if (typeof parsed === 'string') return fail(400, 'bad-request', parsed);
    Object.assign(record, parsed);
    if ((dialect.requiresKey || options.apiKey !== undefined) && !dialect.checkAuth(headers, apiKey)) {
      return fail(401, 'unauthorized', 'Invalid API key');
    }
    await sleep(state.latencyMs);
    const failure = takeFailure();
    if (failure?.type === 'status') {
      const retryHeaders: Record<string, string> =
        failure.retryAfterMs === undefined
          ? {}
          : { 'retry-after-ms': String(failure.retryAfterMs), 'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)) };
      return fail(failure.status, 'failed', failure.message ?? `Injected failure ${failure.status}`, retryHeaders);
    }
    if (failure?.type === 'hang') {
      record.outcome = 'hung';
      return;
    }
    const interruption = failure?.type === 'disconnect' || failure?.type === 'stream-error' ? failure : undefined;
    if (interruption?.type === 'disconnect' && !record.stream) {
      record.outcome = 'disconnected';
      response.socket?.destroy();
      return;
    }
    if (interruption?.type === 'stream-error' && !record.stream) {
      return fail(500, 'failed', interruption.message ?? 'Injected stream error');
    }
    try {
      await route.handle({ request, response, body: bodyRecord, record, state, interruption });
      // A handler that returned without ending the answer saw the client go away mid-stream.
      if (!response.writableEnded && record.outcome === 'ok') record.outcome = 'client-closed';
    } catch (error) {
      fail(500, 'failed', error instanceof Error ? error.message : 'Fake server error');
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    provider: dialect.provider,
    url,
    baseURL: `${url}${dialect.baseURLSuffix}`,
    apiKey,
    requests,
    setResponder: (responder) => {
      state.responder = responder;
    },
    setLatency: (latencyMs) => {
      state.latencyMs = latencyMs;
    },
    setChunkDelay: (chunkDelayMs) => {
      state.chunkDelayMs = chunkDelayMs;
    },
    setReportUsage: (reportUsage) => {
      state.reportUsage = reportUsage;
    },
    failNext: (failure, times = 1) => {
      failures.push({ failure, remaining: times });
    },
    reset: () => {
      requests.length = 0;
      failures.length = 0;
      state = initialState();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
