import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RealtimeEvent } from '../src/client/protocol';
import type { WebChannel } from '../src/server/web-channel';
import { toWidgetNodeHandler } from '../src/server/node-adapter';
import type { WidgetHandlers } from '../src/server/widget-handlers';

/** A token secret for tests (≥ 32 characters). */
export const TOKEN_SECRET = 'test-token-secret-0123456789abcdef';

/** Polls until `predicate` holds (2 s by default). */
export async function waitFor(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Reads an SSE response body into parsed events (with their SSE ids) until closed. */
export function readSse(response: Response): { events: RealtimeEvent[]; ids: string[]; close: () => Promise<void> } {
  const events: RealtimeEvent[] = [];
  const ids: string[] = [];
  if (!response.body) throw new Error('no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (id) ids.push(id);
          if (data) events.push(JSON.parse(data) as RealtimeEvent);
        }
      }
    } catch {
      // Cancelled.
    }
  })();
  return { events, ids, close: () => reader.cancel().catch(() => {}) };
}

/** A fake answerer: streams "Dạ, … ạ" word by word through the channel, like the runtime's worker. */
export function fakeAnswerer(getChannel: () => WebChannel, delayMs = 15) {
  return async (event: { conversationId: string; message?: { text?: string } }) => {
    const channel = getChannel();
    await channel.startTyping?.(event.conversationId);
    const stream = channel.streamReply(event.conversationId);
    const words = `Dạ, shop đã nhận câu hỏi "${event.message?.text ?? ''}" ạ. Áo thun còn hàng, giá 150.000đ.`.split(' ');
    for (const [index, word] of words.entries()) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await stream.write(index === 0 ? word : ` ${word}`);
    }
    await stream.finish({ quickReplies: ['Đặt hàng', 'Phí ship?'] });
  };
}

/** A Node server on 127.0.0.1 serving the widget handlers plus extra test pages. */
export async function startTestServer(
  handlers: WidgetHandlers,
  pages: (path: string) => string | undefined = () => undefined,
  host = '127.0.0.1',
): Promise<{ url: string; port: number; server: Server; close: () => Promise<void> }> {
  const widget = toWidgetNodeHandler(handlers);
  const server = createServer((request, response) => {
    const page = pages((request.url ?? '/').split('?')[0] ?? '/');
    if (page !== undefined) {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(page);
      return;
    }
    void widget(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `TEST_REDIS_URL` or the local default. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis cannot be used (printed when tests skip), or `undefined` when it answers PING. */
export async function redisUnavailableReason(): Promise<string | undefined> {
  const url = new URL(TEST_REDIS_URL);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(1000, () => done(`Redis at ${TEST_REDIS_URL} timed out; skipping Redis tests`));
    socket.on('error', (error) => done(`Redis at ${TEST_REDIS_URL} unavailable (${error.message}); skipping Redis tests`));
    socket.on('connect', () => socket.write(url.password ? `AUTH ${decodeURIComponent(url.password)}\r\nPING\r\n` : 'PING\r\n'));
    socket.on('data', (data) => done(data.toString().includes('+PONG') ? undefined : `Redis at ${TEST_REDIS_URL} did not answer PING; skipping Redis tests`));
  });
}
