/**
 * An in-memory stand-in for the runtime API in component tests: requests are matched by method and
 * path, answered by the test's handlers, and recorded so tests can assert what was sent.
 */

/** A recorded request. */
export interface RecordedCall {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

/** What a handler answers. */
export interface FakeReply {
  status: number;
  body?: unknown;
  /** A non-JSON body (CSV, an event stream) sent as is, with {@link FakeReply.contentType}. */
  raw?: string | ReadableStream<Uint8Array>;
  contentType?: string;
  /** Extra response headers (e.g. Content-Disposition). */
  headers?: Record<string, string>;
}

/** A handler for `METHOD /path` (path params as `{id}` segments match anything). */
export type FakeHandler = (call: RecordedCall) => FakeReply | Promise<FakeReply>;

/** The bilingual error body the runtime answers with. */
export function errorReply(status: number, code: string, message: string, messageVi: string): FakeReply {
  return { status, body: { error: { code, message, message_vi: messageVi } } };
}

/** JSON bodies parsed; anything else (multipart, text) kept as text. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function matches(pattern: string, path: string): boolean {
  const a = pattern.split('/');
  const b = path.split('/');
  return a.length === b.length && a.every((part, i) => (part.startsWith('{') && part.endsWith('}')) || part === b[i]);
}

/**
 * Creates a fake API.
 *
 * @example const api = createFakeApi({ 'GET /v1/tenant': () => ({ status: 200, body: tenant }) });
 */
export function createFakeApi(handlers: Record<string, FakeHandler>) {
  const calls: RecordedCall[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const text = await request.text();
    const call: RecordedCall = {
      method: request.method,
      path: url.pathname + url.search,
      headers: request.headers,
      body: text ? parseBody(text) : undefined,
    };
    calls.push(call);
    const key = Object.keys(handlers).find((k) => {
      const [method, pattern] = k.split(' ');
      return method === request.method && pattern !== undefined && matches(pattern, url.pathname);
    });
    const reply = key ? await handlers[key]!(call) : errorReply(404, 'not_found', 'Not found', 'Không tìm thấy');
    if (reply.raw !== undefined) {
      return new Response(reply.raw, { status: reply.status, headers: { 'content-type': reply.contentType ?? 'text/plain', ...reply.headers } });
    }
    return reply.body === undefined
      ? new Response(null, { status: reply.status })
      : new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, calls };
}
