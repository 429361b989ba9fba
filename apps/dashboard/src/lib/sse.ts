/**
 * Reads a `text/event-stream` response body (the test chat's answer, the knowledge progress
 * stream). `EventSource` cannot send the Authorization header, so streams are fetched with the
 * session's token and parsed here.
 */

/** One server-sent event. */
export interface SseEvent {
  /** `event:` field (`message` when absent). */
  event: string;
  /** `data:` lines joined with newlines. */
  data: string;
}

/**
 * Calls `onEvent` for every event of `response`'s body until it ends (or `signal` aborts).
 *
 * @example await readSse(response, ({ event, data }) => console.log(event, JSON.parse(data)));
 */
export async function readSse(response: Response, onEvent: (event: SseEvent) => void, signal?: AbortSignal): Promise<void> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const abort = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', abort, { once: true });
  const flush = (block: string) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) onEvent({ event, data: data.join('\n') });
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: RegExpExecArray | null;
      while ((end = /\r?\n\r?\n/.exec(buffer))) {
        flush(buffer.slice(0, end.index));
        buffer = buffer.slice(end.index + end[0].length);
      }
    }
    if (buffer.trim()) flush(buffer);
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
