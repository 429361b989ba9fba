/**
 * Listening: the connection timeouts every runtime HTTP server uses (`agent-chatbot serve` makes its
 * own server and applies them), `afterFirstResponse` (when `serve` starts its workers), and
 * `startHttpServer`, which starts the app on a port and stops it gracefully (finish in-flight
 * requests, drop idle keep-alive connections), for embedding and tests.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type CreateAppOptions } from './app';
import type { AppRuntime } from './context';

/** A listening HTTP server. */
export interface HttpServer {
  readonly server: Server;
  /** `http://host:port` actually bound (port 0 resolves to the real one). */
  readonly url: string;
  /** Stops accepting, waits for in-flight requests (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Keep-alive and header timeouts of every runtime HTTP server (`agent-chatbot serve`, tests): an idle
 * connection is kept 65 s, longer than common proxy and client idle timeouts (60 s for nginx, ALB,
 * Cloudflare; 4 s for undici), so the other side closes first. With Node's default of 5 s the server
 * closed connections a proxy or client was about to reuse, and that request failed with a reset
 * (seen as ECONNRESET in the benchmarks, as 502s behind a proxy).
 */
export function applyConnectionTimeouts(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

/**
 * Resolves `done` once the first response `server` sends has finished (or its connection closed),
 * or after `maxDelayMs`, whichever comes first; `cancel()` resolves it at once. `agent-chatbot serve`
 * starts its job workers and schedules then: that start costs ~0.15–0.45 s of CPU, which would
 * otherwise delay the first answer after a (re)start.
 *
 * @example
 * const gate = afterFirstResponse(server, 1000);
 * await gate.done; // the first request was answered, or a second went by
 */
export function afterFirstResponse(server: Server, maxDelayMs: number): { done: Promise<void>; cancel(): void } {
  let cancel!: () => void;
  const done = new Promise<void>((resolve) => {
    const onRequest = (_request: IncomingMessage, response: ServerResponse) => {
      // 'close' fires after 'finish' and also when the client goes away mid-response.
      response.once('close', finish);
    };
    const timer = setTimeout(finish, maxDelayMs);
    function finish() {
      clearTimeout(timer);
      server.off('request', onRequest);
      resolve();
    }
    server.on('request', onRequest);
    cancel = finish;
  });
  return { done, cancel };
}

/**
 * Creates the app for `runtime` and listens on `port`/`host`.
 *
 * @example
 * const http = await startHttpServer(runtime, { port: runtime.config.port, host: runtime.config.host });
 * runtime.logger.info({ url: http.url }, 'listening');
 */
export async function startHttpServer(
  runtime: AppRuntime,
  options: { port: number; host: string; app?: CreateAppOptions },
): Promise<HttpServer> {
  const app = createApp(runtime, options.app);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, options.host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  applyConnectionTimeouts(server);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close((error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
