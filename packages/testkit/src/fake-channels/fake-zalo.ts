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
  readonly messageId: string;
  readonly userId: string;
  readonly message: Record<string, unknown>;
  readonly accessToken: string;
}

/** Options of {@link createFakeZalo}. */
export interface FakeZaloOptions {
  appId: string;
  appSecret: string;
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
  readonly sent: FakeZaloSentMessage[];
  /** `oa_send_text` echo payloads Zalo would post for each accepted send. */
  readonly echoes: Record<string, unknown>[];
  readonly requests: RecordedRequest[];
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
  close(): Promise<void>;
}

const WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
const zaloError = (error: number, message: string): FakeResponse => ({ status: 200, json: { error, message } });
const randomId = (bytes = 10) => randomBytes(bytes).toString('hex');

/**
 * Starts a fake Zalo OA Open API v3 + OAuth v4 server: `POST /v3.0/oa/message/cs`,
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

  const send = (request: RecordedRequest): FakeResponse => {
    const denied = authorise(request);
    if (denied) return denied;
    const injected = sendFailures.take();
    if (injected) return failure(injected);
    const now = Date.now();
    while (sendTimes.length > 0 && (sendTimes[0] ?? 0) < now - 60_000) sendTimes.shift();
    if (options.rateLimitPerMinute !== undefined && sendTimes.length >= options.rateLimitPerMinute) return failure('rate_limit');
    const body = parseJsonBody(request);
    const recipient = body?.recipient as { user_id?: unknown } | undefined;
    const message = body?.message as Record<string, unknown> | undefined;
    if (typeof recipient?.user_id !== 'string' || !message) return zaloError(-201, 'recipient.user_id or message is invalid');
    if (typeof message.text === 'string' && message.text.normalize('NFC').length > 2000) return zaloError(-201, 'text is invalid');
    const last = interactions.get(recipient.user_id);
    if (last !== undefined && now - last > WINDOW_MS) return failure('window_closed');
    sendTimes.push(now);
    const messageId = randomId();
    sent.push({ messageId, userId: recipient.user_id, message, accessToken: request.headers['access_token'] ?? '' });
    echoes.push({
      app_id: options.appId,
      sender: { id: options.oaId, admin_id: 'api' },
      recipient: { id: recipient.user_id },
      event_name: 'oa_send_text',
      message: { msg_id: messageId, text: message.text ?? '' },
      timestamp: String(now),
    });
    return {
      status: 200,
      json: { error: 0, message: 'Success', data: { message_id: messageId, user_id: recipient.user_id, sent_time: String(now), quota: { quota_type: 'reply', remain: '8', total: '8' } } },
    };
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

  const server = await startFakeHttpServer((request) => {
    const route = `${request.method} ${request.path}`;
    if (route === 'POST /v4/oa/access_token') return oauth(request);
    if (route === 'POST /v3.0/oa/message/cs') return send(request);
    if (route === 'GET /v2.0/oa/getoa') {
      return authorise(request) ?? { status: 200, json: { error: 0, message: 'Success', data: { oa_id: options.oaId, name: 'Fake OA', is_verified: true } } };
    }
    if (route === 'GET /v3.0/oa/user/detail') {
      const denied = authorise(request);
      if (denied) return denied;
      const data = JSON.parse(request.query.get('data') ?? '{}') as { user_id?: string };
      return { status: 200, json: { error: 0, message: 'Success', data: { user_id: data.user_id, display_name: 'Khách hàng', user_is_follower: true } } };
    }
    return { status: 404, json: { error: -404, message: `fake zalo: no route ${route}` } };
  });

  return {
    url: server.url,
    sent,
    echoes,
    requests: server.requests,
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
