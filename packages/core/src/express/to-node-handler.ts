import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A fetch-style handler: a web `Request` in, a `Response` out (bot webhooks, {@link createBotFetchHandler}). */
export type FetchHandler = (request: Request) => Promise<Response> | Response;

/** A Node / Express request handler; `next` is called for 404s when `passThroughNotFound` is set. */
export type NodeHandler = (
  request: IncomingMessage & { body?: unknown; originalUrl?: string },
  response: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

function requestBody(request: IncomingMessage & { body?: unknown }): Uint8Array | string | ReadableStream<Uint8Array> | undefined {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const parsed = request.body;
  // A body parser already consumed the stream (express.json, express.raw, express.text).
  if (Buffer.isBuffer(parsed)) return new Uint8Array(parsed);
  if (typeof parsed === 'string') return parsed;
  if (parsed !== undefined && parsed !== null && typeof parsed === 'object' && request.readableEnded) return JSON.stringify(parsed);
  return Readable.toWeb(request) as unknown as ReadableStream<Uint8Array>;
}

/** Builds a web `Request` from a Node request (path relative to where the handler is mounted). */
export function toWebRequest(request: IncomingMessage & { body?: unknown }, abortSignal?: AbortSignal): Request {
  const protocol = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const url = new URL(request.url ?? '/', `${protocol}://${request.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const body = requestBody(request);
  if (body !== undefined && typeof body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Request(url, { method: request.method, headers, body, signal: abortSignal, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
}

/** Writes a web `Response` to a Node response, streaming the body (SSE included). */
export async function writeWebResponse(response: Response, target: ServerResponse): Promise<void> {
  target.statusCode = response.status;
  response.headers.forEach((value, name) => target.setHeader(name, value));
  if (!response.body) {
    target.end();
    return;
  }
  target.flushHeaders?.();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      target.write(value);
    }
  } finally {
    reader.releaseLock();
    target.end();
  }
}

/**
 * Adapts a fetch-style handler to Node's `http` and Express. Body parsers before it are fine
 * (a parsed JSON body is re-serialised; `express.raw` keeps the exact bytes signatures need).
 *
 * @example
 * ```ts
 * app.post('/webhooks/zalo', express.raw({ type: '*\/*' }), toNodeHandler(bot.webhooks.zalo));
 * http.createServer(toNodeHandler(createBotFetchHandler(bot))).listen(3000);
 * ```
 */
export function toNodeHandler(handler: FetchHandler, options: { passThroughNotFound?: boolean } = {}): NodeHandler {
  return async (request, response, next) => {
    const controller = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) controller.abort();
    });
    try {
      const webResponse = await handler(toWebRequest(request, controller.signal));
      if (webResponse.status === 404 && options.passThroughNotFound && next && webResponse.headers.get('x-agent-chatbot-route') === 'none') {
        next();
        return;
      }
      await writeWebResponse(webResponse, response);
    } catch (error) {
      if (next) next(error);
      else {
        response.statusCode = 500;
        response.end();
      }
    }
  };
}
