import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../api/client';
import { createSessionStore } from '../api/session-store';
import { adminSession } from '../test/render-app';
import { uploadFile } from './upload';

/** XMLHttpRequest stand-in answering from a queue of replies. */
class QueuedXhr {
  static replies: Array<{ status: number; body: unknown }> = [];
  static sent: QueuedXhr[] = [];
  readonly upload = new EventTarget();
  private readonly events = new EventTarget();
  readonly headers: Record<string, string> = {};
  status = 0;
  responseText = '';
  open() {}
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  addEventListener(type: string, listener: EventListener) {
    this.events.addEventListener(type, listener);
  }
  abort() {}
  send() {
    QueuedXhr.sent.push(this);
    const reply = QueuedXhr.replies.shift()!;
    queueMicrotask(() => {
      this.upload.dispatchEvent(Object.assign(new Event('progress'), { lengthComputable: true, loaded: 3, total: 4 }));
      this.status = reply.status;
      this.responseText = JSON.stringify(reply.body);
      this.events.dispatchEvent(new Event('load'));
    });
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  QueuedXhr.sent = [];
});

describe('uploadFile', () => {
  it('reports progress, and after a 401 refreshes the session once and retries with the new token', async () => {
    vi.stubGlobal('XMLHttpRequest', QueuedXhr);
    const session = createSessionStore(null);
    session.getState().setSession(adminSession);
    const fetch = vi.fn(async (request: Request) => {
      expect(new URL(request.url).pathname).toBe('/v1/auth/refresh');
      return new Response(JSON.stringify({ access_token: 'access-2', refresh_token: 'refresh-2', token_type: 'Bearer', expires_in: 900 }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
    const client = createApiClient({ baseUrl: 'http://dashboard.test', session, fetch });
    QueuedXhr.replies = [
      { status: 401, body: { error: { code: 'token_expired', message: 'Expired', message_vi: 'Hết hạn' } } },
      { status: 201, body: { items: [] } },
    ];
    const progress: number[] = [];
    const result = await uploadFile({ client, session, path: '/v1/tenant/documents', file: new File(['abcd'], 'a.txt'), onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ ok: true, status: 201, body: { items: [] } });
    expect(QueuedXhr.sent.map((x) => x.headers['Authorization'])).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(progress).toEqual([75, 75]);
  });

  it("returns the API's bilingual error", async () => {
    vi.stubGlobal('XMLHttpRequest', QueuedXhr);
    const session = createSessionStore(null);
    session.getState().setSession(adminSession);
    const client = createApiClient({ baseUrl: 'http://dashboard.test', session, fetch: vi.fn() });
    QueuedXhr.replies = [{ status: 413, body: { error: { code: 'file_too_large', message: 'Too large', message_vi: 'Tệp quá lớn' } } }];
    const result = await uploadFile({ client, session, path: '/v1/tenant/documents', file: new File(['x'], 'big.pdf') });
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.status, result.error.code, result.error.messageVi]).toEqual([413, 'file_too_large', 'Tệp quá lớn']);
  });
});
