import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { afterFirstResponse } from '../../src/http/server';

/** A server whose requests wait until `release()` is called, so a test decides when they finish. */
async function heldServer(): Promise<{ server: Server; url: string; release(): void }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((_request, response) => {
    response.write('đang xử lý / working\n');
    void released.then(() => response.end('xong / done\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, release };
}

const settled = (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  return () => done;
};
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('afterFirstResponse', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('waits for the first response to finish, not for the request to arrive', async () => {
    const held = await heldServer();
    server = held.server;
    const gate = afterFirstResponse(held.server, 60_000);
    const isDone = settled(gate.done);
    const response = await fetch(held.url);
    await tick(50);
    expect(isDone()).toBe(false);
    held.release();
    expect(await response.text()).toBe('đang xử lý / working\nxong / done\n');
    await gate.done;
    expect(held.server.listenerCount('request')).toBe(1);
  });

  it('opens when the client goes away mid-response', async () => {
    const held = await heldServer();
    server = held.server;
    const gate = afterFirstResponse(held.server, 60_000);
    const abort = new AbortController();
    const response = await fetch(held.url, { signal: abort.signal });
    expect(response.status).toBe(200);
    abort.abort();
    await gate.done;
  });

  it('opens after the delay with no request, and at once on cancel', async () => {
    const held = await heldServer();
    server = held.server;
    const started = performance.now();
    await afterFirstResponse(held.server, 30).done;
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    const gate = afterFirstResponse(held.server, 60_000);
    const isDone = settled(gate.done);
    await tick(20);
    expect(isDone()).toBe(false);
    gate.cancel();
    await gate.done;
    expect(held.server.listenerCount('request')).toBe(1);
  });
});
