import type { RealtimeEvent } from '../client/protocol';
import type { RealtimeHub } from './realtime-hub';

/** Formats one event as an SSE frame; only messages carry an `id:` so `Last-Event-ID` tracks them. */
export function sseFrame(event: RealtimeEvent): string {
  return `${event.type === 'message' ? `id: ${event.id}\n` : ''}data: ${JSON.stringify(event)}\n\n`;
}

/**
 * Opens an SSE response on a conversation: replays after `afterId`, then streams live, with a
 * heartbeat comment so proxies keep the connection. Rejects (before any byte is sent) when the
 * replay source fails, so the caller can answer a proper error.
 */
export async function openEventStream(options: {
  readonly request: Request;
  readonly hub: RealtimeHub;
  readonly conversationId: string;
  readonly afterId: string | undefined;
  readonly heartbeatMs: number;
}): Promise<Response> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  // Filled in once subscribed; `close` may run before (client gone during the replay).
  const held: { unsubscribe?: () => void; timer?: ReturnType<typeof setInterval> } = {};
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(held.timer);
    held.unsubscribe?.();
    try {
      controller.close();
    } catch {
      // Already closed by the consumer.
    }
  };
  const send = (text: string) => {
    if (closed) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      close();
    },
  });
  // The first bytes flush the headers and tell EventSource how soon to reconnect.
  send('retry: 2000\n\n');
  held.unsubscribe = await options.hub.subscribe(options.conversationId, options.afterId, (event) => send(sseFrame(event)));
  if (closed) held.unsubscribe();
  held.timer = setInterval(() => send(': ping\n\n'), options.heartbeatMs);
  held.timer.unref?.();
  if (options.request.signal.aborted) close();
  else options.request.signal.addEventListener('abort', close, { once: true });
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
