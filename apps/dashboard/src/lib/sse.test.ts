import { describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from './sse';
import { dispositionFilename } from './download';

/** A response whose body arrives in the given pieces (split anywhere, even inside a character). */
function chunked(pieces: Uint8Array[]): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
}

describe('readSse', () => {
  it('parses events split across chunks, CRLF lines, comments and multi-line data', async () => {
    const bytes = new TextEncoder().encode(
      ': keep-alive\r\n\r\nevent: delta\r\ndata: {"text":"Dạ, "}\r\n\r\nevent: delta\ndata: {"text":"shop mở cửa"}\n\ndata: dòng 1\ndata: dòng 2\n\nevent: final\ndata: {"answer":"xong"}',
    );
    // Split inside the multi-byte "ạ" and between the two CRLFs.
    const cuts = [5, 40, 41, 42, 60, 100];
    const pieces = cuts.map((cut, i) => bytes.slice(i === 0 ? 0 : cuts[i - 1], cut)).concat([bytes.slice(cuts.at(-1))]);
    const events: SseEvent[] = [];
    await readSse(chunked(pieces), (event) => events.push(event));
    expect(events).toEqual([
      { event: 'delta', data: '{"text":"Dạ, "}' },
      { event: 'delta', data: '{"text":"shop mở cửa"}' },
      { event: 'message', data: 'dòng 1\ndòng 2' },
      { event: 'final', data: '{"answer":"xong"}' },
    ]);
  });

  it('stops quietly when aborted', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('event: a\ndata: 1\n\n'));
      },
    });
    const abort = new AbortController();
    const events: SseEvent[] = [];
    const done = readSse(new Response(stream), (event) => {
      events.push(event);
      abort.abort();
    }, abort.signal);
    await expect(done).resolves.toBeUndefined();
    expect(events).toEqual([{ event: 'a', data: '1' }]);
  });
});

describe('dispositionFilename', () => {
  it('prefers the UTF-8 name, falls back to the plain one, then to the default', () => {
    expect(dispositionFilename(`attachment; filename="hoi-thoai.csv"; filename*=UTF-8''h%E1%BB%99i-tho%E1%BA%A1i.csv`, 'x.csv')).toBe('hội-thoại.csv');
    expect(dispositionFilename('attachment; filename="khach-hang-2026-11-26.csv"', 'x.csv')).toBe('khach-hang-2026-11-26.csv');
    expect(dispositionFilename(`attachment; filename*=UTF-8''%E0%A4%A`, 'x.csv')).toBe('x.csv');
    expect(dispositionFilename(null, 'x.csv')).toBe('x.csv');
  });
});
