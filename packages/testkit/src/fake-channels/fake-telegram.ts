import { FailureQueue, parseJsonBody, startFakeHttpServer, type FakeResponse, type RecordedRequest } from './fake-http-server';

/** Failures the fake Bot API can return, in Telegram's `{ok:false, error_code, description}` format. */
export type FakeTelegramFailure = 'rate_limit' | 'server_error' | 'blocked' | 'chat_not_found' | 'token_invalid';

/** A Bot API call the fake accepted. */
export interface FakeTelegramCall {
  /** Bot API method called, e.g. `sendMessage`. */
  readonly method: string;
  /** Parameters sent. */
  readonly body: Record<string, unknown>;
  /** Id of the message the fake created, if any. */
  readonly messageId: number | undefined;
}

/** A running fake of `api.telegram.org`. */
export interface FakeTelegram {
  /** Use as `apiBase`. */
  readonly url: string;
  /** Every request received. */
  readonly requests: RecordedRequest[];
  /** Accepted `sendMessage`/`sendPhoto`/`sendDocument` calls. */
  readonly sent: FakeTelegramCall[];
  /** Accepted calls of any method. */
  readonly calls: FakeTelegramCall[];
  /** The last `setWebhook` registration. */
  webhook(): { url: string; secretToken: string | undefined } | undefined;
  /** `retry_after` seconds used for `rate_limit` (default 3). */
  failNext(kind: FakeTelegramFailure, times?: number, after?: number): void;
  /** Answers the next send with 429 and this `retry_after`. */
  setRetryAfter(seconds: number): void;
  /** Makes a file downloadable through `getFile` + `/file/bot<token>/<path>`. */
  addFile(fileId: string, bytes: Uint8Array, mimeType?: string): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const tgError = (status: number, description: string, parameters?: Record<string, unknown>): FakeResponse => ({
  status,
  json: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

/**
 * Starts a fake Telegram Bot API: `/bot<token>/getMe`, `setWebhook` (validates `secret_token`),
 * `deleteWebhook`, `getWebhookInfo`, `sendMessage` (rejects texts over 4,096 characters),
 * `sendPhoto`, `sendDocument`, `sendChatAction`, `answerCallbackQuery`.
 */
export async function createFakeTelegram(options: { botToken: string; username?: string }): Promise<FakeTelegram> {
  const failures = new FailureQueue<FakeTelegramFailure>();
  const sent: FakeTelegramCall[] = [];
  const calls: FakeTelegramCall[] = [];
  let registered: { url: string; secretToken: string | undefined } | undefined;
  let retryAfter = 3;
  let nextMessageId = 100;
  const botId = Number(options.botToken.split(':')[0]);

  const files = new Map<string, { bytes: Uint8Array; mimeType: string; path: string }>();

  const handle = (request: RecordedRequest): FakeResponse => {
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(request.path);
    if (download) {
      const file = [...files.values()].find((f) => f.path === download[2]);
      if (download[1] !== options.botToken || !file) return { status: 404, json: { ok: false, error_code: 404, description: 'Not Found' } };
      return { status: 200, bytes: file.bytes, headers: { 'content-type': file.mimeType } };
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.path);
    if (!match) return { status: 404, json: { ok: false, error_code: 404, description: 'Not Found' } };
    if (match[1] !== options.botToken) return tgError(401, 'Unauthorized');
    const method = match[2] ?? '';
    const body = parseJsonBody(request) ?? Object.fromEntries(new URLSearchParams(request.body));
    const isSend = ['sendMessage', 'sendPhoto', 'sendDocument'].includes(method);
    if (isSend) {
      const injected = failures.take();
      if (injected === 'rate_limit') return tgError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      if (injected === 'server_error') return { status: 502, text: '<html><center><h1>502 Bad Gateway</h1></center></html>' };
      if (injected === 'blocked') return tgError(403, 'Forbidden: bot was blocked by the user');
      if (injected === 'chat_not_found') return tgError(400, 'Bad Request: chat not found');
      if (injected === 'token_invalid') return tgError(401, 'Unauthorized');
    }
    switch (method) {
      case 'getMe':
        return { status: 200, json: { ok: true, result: { id: botId, is_bot: true, first_name: 'Fake Bot', username: options.username ?? 'fake_bot' } } };
      case 'setWebhook': {
        const secret = body.secret_token;
        if (typeof body.url !== 'string' || !body.url) return tgError(400, 'Bad Request: bad webhook: URL is empty');
        if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
          return tgError(400, 'Bad Request: secret token contains unallowed characters');
        }
        registered = { url: body.url, secretToken: secret };
        calls.push({ method, body, messageId: undefined });
        return { status: 200, json: { ok: true, result: true, description: 'Webhook was set' } };
      }
      case 'deleteWebhook':
        registered = undefined;
        return { status: 200, json: { ok: true, result: true } };
      case 'getWebhookInfo':
        return { status: 200, json: { ok: true, result: { url: registered?.url ?? '', pending_update_count: 0 } } };
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument': {
        if (body.chat_id === undefined) return tgError(400, 'Bad Request: chat_id is empty');
        if (method === 'sendMessage') {
          const text = typeof body.text === 'string' ? body.text : '';
          if (!text) return tgError(400, 'Bad Request: message text is empty');
          if ([...text].length > 4096) return tgError(400, 'Bad Request: message is too long');
        }
        nextMessageId += 1;
        const call = { method, body, messageId: nextMessageId };
        sent.push(call);
        calls.push(call);
        return { status: 200, json: { ok: true, result: { message_id: nextMessageId, chat: { id: Number(body.chat_id), type: 'private' }, date: Math.floor(Date.now() / 1000), text: body.text } } };
      }
      case 'getFile': {
        const file = files.get(String(body.file_id));
        if (!file) return tgError(400, 'Bad Request: invalid file_id');
        return { status: 200, json: { ok: true, result: { file_id: body.file_id, file_unique_id: `u${String(body.file_id)}`, file_size: file.bytes.length, file_path: file.path } } };
      }
      case 'sendChatAction':
      case 'answerCallbackQuery':
        calls.push({ method, body, messageId: undefined });
        return { status: 200, json: { ok: true, result: true } };
      default:
        return tgError(404, 'Not Found: method not found');
    }
  };

  const server = await startFakeHttpServer(handle);
  return {
    url: server.url,
    requests: server.requests,
    sent,
    calls,
    webhook: () => registered,
    failNext: (kind, times, after) => failures.push(kind, times, after),
    setRetryAfter: (seconds) => {
      retryAfter = seconds;
    },
    addFile: (fileId, bytes, mimeType = 'application/octet-stream') => files.set(fileId, { bytes, mimeType, path: `documents/file_${files.size}` }),
    close: () => server.close(),
  };
}
