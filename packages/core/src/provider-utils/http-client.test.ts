import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, ValidationError } from '../errors';
import { createHttpClient, downloadMedia, readJson } from './http-client';

let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
    if (req.url === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    if (req.url === '/html') return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>');
    if (req.url === '/gone') return void res.writeHead(404).end('no such file');
    res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([137, 80, 78, 71]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createHttpClient', () => {
  it('calls the provider with the global fetch and reads JSON, or undefined for a gateway page', async () => {
    const { request, close } = createHttpClient({});
    expect(await readJson(await request(`${base}/json`, { method: 'GET' }))).toEqual({ ok: true });
    expect(await readJson(await request(`${base}/html`, { method: 'GET' }))).toBeUndefined();
    await close();
    await close();
  });

  it('gives every call a timeout unless the caller brings a signal', async () => {
    const { request } = createHttpClient({ timeoutMs: 100 });
    const started = performance.now();
    await expect(request(`${base}/slow`, { method: 'GET' })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(1_500);
    const own = new AbortController();
    const pending = request(`${base}/slow`, { method: 'GET', signal: own.signal });
    own.abort();
    await expect(pending).rejects.toThrow();
  });

  it('uses an injected fetch (tests, instrumentation)', async () => {
    const calls: string[] = [];
    const { request } = createHttpClient({ fetch: async (url, init) => (calls.push(String(url)), fetch(url, init)) });
    expect((await request(`${base}/json`, { method: 'GET' })).status).toBe(200);
    expect(calls).toEqual([`${base}/json`]);
  });

  it('refuses a proxy that is not an http(s) URL when the client is made, in Vietnamese and English', () => {
    for (const proxy of ['socks5://127.0.0.1:1080', 'proxy.example:3128', '']) {
      try {
        createHttpClient({ proxy });
        expect.unreachable(`accepted ${proxy}`);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).messageVi).toContain('Proxy');
      }
    }
  });
});

describe('downloadMedia', () => {
  it('returns the response with its body unread, or a ProviderError with the upstream status', async () => {
    const { request } = createHttpClient({});
    const response = await downloadMedia(request, 'zalo', `${base}/image.png`);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([137, 80, 78, 71]);
    const failure = await downloadMedia(request, 'zalo', `${base}/gone`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ provider: 'zalo', upstreamStatus: 404 });
  });
});
