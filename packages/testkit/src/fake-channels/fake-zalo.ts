import { randomBytes } from 'node:crypto';
import { FailureQueue, parseJsonBody, startFakeHttpServer, type FakeResponse, type RecordedRequest } from './fake-http-server';

/** Failures the fake Zalo OA API can return, each in Zalo's own format (HTTP 200 + `error`). */
export type FakeZaloFailure =
  | 'token_invalid'
  | 'token_expired'
  | 'window_closed'
  | 'rate_limit'
  | 'server_error'
  | 'user_blocked'
  | 'refresh_failed';

/** A consultation message the fake accepted. */
export interface FakeZaloSentMessage {
  /** Id the fake returned. */
  readonly messageId: string;
  /** The user's UID, or the `anonymous_id` of an anonymous chat. */
  readonly userId: string;
  /** Set for sends to an anonymous chat (`POST /v2.0/oa/message`). */
  readonly anonymousConversationId?: string;
  /** The message object sent. */
  readonly message: Record<string, unknown>;
  /** Access token the request carried. */
  readonly accessToken: string;
}

/** A file the fake accepted on `POST /v2.0/oa/upload/image|file`. */
export interface FakeZaloUpload {
  /** Image or file upload. */
  readonly kind: 'image' | 'file';
  /** `attachment_id` (images) or `token` (files) it answered. */
  readonly id: string;
  /** Uploaded file name. */
  readonly name: string;
  /** Uploaded MIME type. */
  readonly mimeType: string;
  /** Uploaded size in bytes. */
  readonly size: number;
}

/** Options of {@link createFakeZalo}. */
export interface FakeZaloOptions {
  /** Zalo app id the fake accepts. */
  appId: string;
  /** App secret (OAuth and webhook signatures). */
  appSecret: string;
  /** Official Account id. */
  oaId: string;
  /** The access token valid at start (default: random). */
  accessToken?: string;
  /** The refresh token valid at start (default: random). */
  refreshToken?: string;
  /** `expires_in` the OAuth endpoint returns, in seconds (Zalo: "90000"). */
  accessTokenTtlSeconds?: number;
  /** App-level limit; above it sends get `-32` (Zalo: 4,000/min). */
  rateLimitPerMinute?: number;
}

/** A running fake of `openapi.zalo.me` and `oauth.zaloapp.com` on one 127.0.0.1 port. */
export interface FakeZalo {
  /** Use as both `apiBase` and `oauthBase`. */
  readonly url: string;
  /** Messages accepted, in order. */
  readonly sent: FakeZaloSentMessage[];
  /** `oa_send_text` echo payloads Zalo would post for each accepted send. */
  readonly echoes: Record<string, unknown>[];
  /** Every request received. */
  readonly requests: RecordedRequest[];
  /** Files uploaded with `POST /v2.0/oa/upload/image|file`. */
  readonly uploads: FakeZaloUpload[];
  /** Serves `bytes` at `<url>/media/<name>` (a stand-in for storage the channel downloads from). */
  serveMedia(name: string, bytes: Uint8Array, contentType: string): string;
  /** Makes every id uploaded so far expire: sends using them get `-100`. */
  expireUploads(): void;
  /** Profiles `GET /v3.0/oa/user/detail` answers (default: "Khách hàng", no avatar). */
  setProfile(userId: string, profile: { displayName: string; avatar?: string }): void;
  /** How many requests reached a route, e.g. `'GET /v3.0/oa/user/detail'`. */
  count(route: string): number;
  /** How many refresh calls succeeded. */
  refreshCount(): number;
  /** The tokens currently valid on the fake. */
  currentTokens(): { accessToken: string; refreshToken: string };
  /** Invalidates the current access token (sends then get `-220`; none is valid until a refresh). */
  expireAccessToken(): void;
  /** Records the user's last interaction; sends after 7 days get `-230`. */
  setLastInteraction(userId: string, at: Date): void;
  /** Fails the next `times` calls the given way, after `after` calls succeed. */
  failNext(kind: FakeZaloFailure, times?: number, after?: number): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
const zaloError = (error: number, message: string): FakeResponse => ({ status: 200, json: { error, message } });
const randomId = (bytes = 10) => randomBytes(bytes).toString('hex');

/**
 * Starts a fake Zalo OA Open API v3 + OAuth v4 server: `POST /v3.0/oa/message/cs`,
 * `POST /v2.0/oa/message` (anonymous chats only; users get `-240`), `POST /v2.0/oa/upload/image`
 * and `/upload/file` (multipart `file` → `attachment_id` / `token`, `-100` once expired),
 * `GET /v2.0/oa/getoa`, `GET /v3.0/oa/user/detail`, `POST /v4/oa/access_token` with single-use,
 * rotating refresh tokens (reuse is rejected), all answering HTTP 200 with `{error, message}`.
 */
export async function createFakeZalo(options: FakeZaloOptions): Promise<FakeZalo> {
  let accessToken = options.accessToken ?? `at_${randomId()}`;
  let refreshToken = options.refreshToken ?? `rt_${randomId()}`;
  let refreshes = 0;
  const expired = new Set<string>();
  const interactions = new Map<string, number>();
  const sendFailures = new FailureQueue<FakeZaloFailure>();
  const refreshFailures = new FailureQueue<'refresh_failed'>();
  const sent: FakeZaloSentMessage[] = [];
  const echoes: Record<string, unknown>[] = [];
  const sendTimes: number[] = [];
  const uploads: FakeZaloUpload[] = [];
  const expiredUploads = new Set<string>();
  const media = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const profiles = new Map<string, { displayName: string; avatar?: string }>();

  const authorise = (request: RecordedRequest): FakeResponse | undefined => {
    const token = request.headers['access_token'];
    if (!token || (token !== accessToken && !expired.has(token))) return zaloError(-216, 'Access token is invalid');
    if (expired.has(token)) return zaloError(-220, 'Access token has expired or has been removed');
    return undefined;
  };

  const failure = (kind: FakeZaloFailure): FakeResponse => {
    switch (kind) {
      case 'token_invalid':
        return zaloError(-216, 'Access token is invalid');
      case 'token_expired':
        return zaloError(-220, 'Access token has expired or has been removed');
      case 'window_closed':
        return zaloError(-230, 'User has not interacted with the OA in the past 7 days');
      case 'rate_limit':
        return { status: 200, json: { error: -32, message: 'Your application reached limit call api' }, headers: { 'x-ratelimit-limit': '4000', 'x-ratelimit-remain': '0' } };
      case 'user_blocked':
        return zaloError(-217, 'User has blocked invitation from OA');
      case 'refresh_failed':
        return { status: 200, json: { error: -14014, error_name: 'Invalid refresh token', error_description: 'Refresh token is invalid' } };
      case 'server_error':
        return { status: 502, text: '<html><body>502 Bad Gateway</body></html>' };
    }
  };

  /** Ids of uploads a message refers to (media template `attachment_id`, file `token`). */
  const referencedUploads = (message: Record<string, unknown>): string[] => {
    const attachment = message.attachment as { type?: string; payload?: { token?: unknown; elements?: Array<{ attachment_id?: unknown }> } } | undefined;
    const ids: string[] = [];
    if (typeof attachment?.payload?.token === 'string') ids.push(attachment.payload.token);
    for (const element of attachment?.payload?.elements ?? []) if (typeof element.attachment_id === 'string') ids.push(element.attachment_id);
    return ids;
  };

  /** `POST /v3.0/oa/message/cs` (users) and `POST /v2.0/oa/message` (anonymous chats only). */
  const send = (request: RecordedRequest, anonymousEndpoint: boolean): FakeResponse => {
    const denied = authorise(request);
    if (denied) return denied;
    const injected = sendFailures.take();
    if (injected) return failure(injected);
    const now = Date.now();
    while (sendTimes.length > 0 && (sendTimes[0] ?? 0) < now - 60_000) sendTimes.shift();
    if (options.rateLimitPerMinute !== undefined && sendTimes.length >= options.rateLimitPerMinute) return failure('rate_limit');
    const body = parseJsonBody(request);
    const recipient = body?.recipient as { user_id?: unknown; anonymous_id?: unknown; conversation_id?: unknown } | undefined;
    const message = body?.message as Record<string, unknown> | undefined;
    const anonymous = typeof recipient?.anonymous_id === 'string' && typeof recipient.conversation_id === 'string';
    if (anonymousEndpoint && !anonymous) {
      return zaloError(-240, 'MessageV2 API has been shut down, please switch to MessageV3');
    }
    const userId = anonymous ? String(recipient?.anonymous_id) : recipient?.user_id;
    if (typeof userId !== 'string' || !message) return zaloError(-201, 'recipient.user_id or message is invalid');
    if (typeof message.text === 'string' && message.text.normalize('NFC').length > 2000) return zaloError(-201, 'text is invalid');
    for (const id of referencedUploads(message)) {
      if (expiredUploads.has(id)) return zaloError(-100, 'attachment_id is expired');
      if (!uploads.some((u) => u.id === id)) return zaloError(-201, 'attachment_id is invalid');
    }
    const last = interactions.get(userId);
    if (last !== undefined && now - last > WINDOW_MS) return failure('window_closed');
    sendTimes.push(now);
    const messageId = randomId();
    sent.push({
      messageId,
      userId,
      ...(anonymous ? { anonymousConversationId: String(recipient?.conversation_id) } : {}),
      message,
      accessToken: request.headers['access_token'] ?? '',
    });
    echoes.push({
      app_id: options.appId,
      sender: { id: options.oaId, admin_id: 'api' },
      recipient: { id: userId },
      event_name: anonymous ? 'oa_send_anonymous_text' : 'oa_send_text',
      message: { msg_id: messageId, text: message.text ?? '', ...(anonymous ? { conversation_id: String(recipient?.conversation_id) } : {}) },
      timestamp: String(now),
    });
    return {
      status: 200,
      json: { error: 0, message: 'Success', data: { message_id: messageId, user_id: userId, sent_time: String(now), quota: { quota_type: 'reply', remain: '8', total: '8' } } },
    };
  };

  /** `POST /v2.0/oa/upload/image|file`: multipart field `file` → `attachment_id` / `token`. */
  const upload = async (request: RecordedRequest, raw: Uint8Array, kind: 'image' | 'file'): Promise<FakeResponse> => {
    const denied = authorise(request);
    if (denied) return denied;
    const injected = sendFailures.take();
    if (injected) return failure(injected);
    let file: File | null;
    try {
      const form = await new Response(raw, { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
      const value = form.get('file');
      file = typeof value === 'string' ? null : value;
    } catch {
      file = null;
    }
    if (!file) return zaloError(-201, 'file is invalid');
    const limit = kind === 'image' ? 1024 * 1024 : 5 * 1024 * 1024;
    if (file.size > limit) return zaloError(-201, 'file size exceeds the limit');
    const id = kind === 'image' ? `att_${randomId()}` : `tok_${randomId()}`;
    uploads.push({ kind, id, name: file.name, mimeType: file.type, size: file.size });
    return { status: 200, json: { error: 0, message: 'Success', data: kind === 'image' ? { attachment_id: id } : { token: id } } };
  };

  const oauth = (request: RecordedRequest): FakeResponse => {
    if (request.headers['secret_key'] !== options.appSecret) {
      return { status: 200, json: { error: -14002, error_name: 'Invalid app secret', error_description: 'secret_key is invalid' } };
    }
    const form = new URLSearchParams(request.body);
    if (form.get('app_id') !== options.appId) return { status: 200, json: { error: -14001, error_description: 'app_id is invalid' } };
    if (form.get('grant_type') !== 'refresh_token') return { status: 200, json: { error: -14004, error_description: 'grant_type is not supported by this fake' } };
    if (refreshFailures.take()) return failure('refresh_failed');
    if (form.get('refresh_token') !== refreshToken) {
      return { status: 200, json: { error: -14014, error_name: 'Invalid refresh token', error_description: 'Refresh token is invalid or already used' } };
    }
    expired.add(accessToken);
    accessToken = `at_${randomId()}`;
    refreshToken = `rt_${randomId()}`;
    refreshes += 1;
    return { status: 200, json: { access_token: accessToken, refresh_token: refreshToken, expires_in: String(options.accessTokenTtlSeconds ?? 90000) } };
  };

  const counts = new Map<string, number>();
  const server = await startFakeHttpServer((request, raw) => {
    const route = `${request.method} ${request.path}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
    if (route === 'POST /v4/oa/access_token') return oauth(request);
    if (route === 'POST /v3.0/oa/message/cs') return send(request, false);
    if (route === 'POST /v2.0/oa/message') return send(request, true);
    if (route === 'POST /v2.0/oa/upload/image') return upload(request, raw, 'image');
    if (route === 'POST /v2.0/oa/upload/file') return upload(request, raw, 'file');
    if (request.method === 'GET' && request.path.startsWith('/media/')) {
      const found = media.get(decodeURIComponent(request.path.slice('/media/'.length)));
      return found ? { status: 200, bytes: found.bytes, headers: { 'content-type': found.contentType } } : { status: 404, text: 'not found' };
    }
    if (route === 'GET /v2.0/oa/getoa') {
      return authorise(request) ?? { status: 200, json: { error: 0, message: 'Success', data: { oa_id: options.oaId, name: 'Fake OA', is_verified: true } } };
    }
    if (route === 'GET /v3.0/oa/user/detail') {
      const denied = authorise(request);
      if (denied) return denied;
      const data = JSON.parse(request.query.get('data') ?? '{}') as { user_id?: string };
      const profile = profiles.get(data.user_id ?? '') ?? { displayName: 'Khách hàng' };
      return {
        status: 200,
        json: { error: 0, message: 'Success', data: { user_id: data.user_id, display_name: profile.displayName, ...(profile.avatar ? { avatar: profile.avatar } : {}), user_is_follower: true } },
      };
    }
    return { status: 404, json: { error: -404, message: `fake zalo: no route ${route}` } };
  });

  return {
    url: server.url,
    sent,
    echoes,
    requests: server.requests,
    uploads,
    serveMedia: (name, bytes, contentType) => {
      media.set(name, { bytes, contentType });
      return `${server.url}/media/${encodeURIComponent(name)}`;
    },
    expireUploads: () => {
      for (const u of uploads) expiredUploads.add(u.id);
    },
    setProfile: (userId, profile) => profiles.set(userId, profile),
    count: (route) => counts.get(route) ?? 0,
    refreshCount: () => refreshes,
    currentTokens: () => ({ accessToken, refreshToken }),
    expireAccessToken: () => {
      // No access token is valid until the next refresh.
      expired.add(accessToken);
      accessToken = '';
    },
    setLastInteraction: (userId, at) => interactions.set(userId, at.getTime()),
    failNext: (kind, times, after) => (kind === 'refresh_failed' ? refreshFailures.push(kind, times, after) : sendFailures.push(kind, times, after)),
    close: () => server.close(),
  };
}
