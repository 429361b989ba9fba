import { createServer, request as httpRequest } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** A forwarding HTTP proxy on 127.0.0.1 that counts what passed through it. */
export interface FakeHttpProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Targets proxied so far (`host:port` for CONNECT tunnels, absolute URLs otherwise). */
  readonly targets: string[];
  /** Stops the proxy. */
  close(): Promise<void>;
}

/**
 * Starts a minimal HTTP proxy (CONNECT tunnels and absolute-form requests), so tests can check
 * that a channel's optional per-provider proxy (undici `ProxyAgent`) is really used.
 */
export async function createFakeHttpProxy(): Promise<FakeHttpProxy> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((incoming, response) => {
    targets.push(incoming.url ?? '');
    const target = new URL(incoming.url ?? '');
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: incoming.method, headers: incoming.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.writeHead(502).end());
    incoming.pipe(upstream);
  });
  server.on('connect', (incoming, client: Socket, head: Buffer) => {
    targets.push(incoming.url ?? '');
    const [host, port] = (incoming.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [upstream, client]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
