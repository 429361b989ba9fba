import { randomBytes, randomUUID } from 'node:crypto';
import { FailureQueue, parseJsonBody, startFakeHttpServer, type FakeResponse, type RecordedRequest } from './fake-http-server';

/**
 * Failures the fake LINE API can return (`{message, details}`); `accepted_then_error` stores the
 * push (and its retry key) but answers 500, like a timeout after LINE accepted the request.
 */
export type FakeLineFailure = 'rate_limit' | 'server_error' | 'invalid' | 'monthly_quota' | 'token_invalid' | 'accepted_then_error';

/** A reply or push the fake accepted. */
export interface FakeLineSend {
  /** Reply (with a reply token) or push. */
  readonly kind: 'reply' | 'push';
  /** Push recipient. */
  readonly to: string | undefined;
  /** Reply token used. */
  readonly replyToken: string | undefined;
  /** `X-Line-Retry-Key` sent with a push. */
  readonly retryKey: string | undefined;
  /** Message objects sent. */
  readonly messages: Array<Record<string, unknown>>;
}

/** A running fake of `api.line.me`. */
export interface FakeLine {
  /** Use as `apiBase`. */
  readonly url: string;
  /** Every request received. */
  readonly requests: RecordedRequest[];
  /** Messages accepted, in order. */
  readonly sent: FakeLineSend[];
  /** Chats that got the loading animation. */
  readonly loading: string[];
  /** Issues a reply token the fake accepts once, within `ttlMs` (default 60 s). */
  issueReplyToken(ttlMs?: number): string;
  /** Makes the next `times` sends fail with `kind` (after `after` successes). */
  failNext(kind: FakeLineFailure, times?: number, after?: number): void;
  /** Profiles `GET /v2/bot/profile/<userId>` answers (others: 404, as for users who did not add the bot). */
  setProfile(userId: string, profile: { displayName: string; pictureUrl?: string }): void;
  /** How many profile lookups reached the fake. */
  profileLookups(): number;
  /** Serves `GET /v2/bot/message/<id>/content` (this server is also the `api-data` host). */
  addContent(messageId: string, bytes: Uint8Array, mimeType: string): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const lineError = (status: number, message: string, extra: { details?: unknown[]; headers?: Record<string, string> } = {}): FakeResponse => ({
  status,
  json: { message, ...(extra.details ? { details: extra.details } : {}) },
  headers: { 'x-line-request-id': randomUUID(), ...extra.headers },
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Starts a fake LINE Messaging API: `POST /v2/bot/message/reply` (single-use, expiring reply
 * tokens), `POST /v2/bot/message/push` (`X-Line-Retry-Key`: a reused accepted key gets 409 with
 * `x-line-accepted-request-id`), `GET /v2/bot/info`, `GET /v2/bot/profile/<userId>`,
 * `POST /v2/bot/chat/loading/start`.
 */
export async function createFakeLine(options: { channelAccessToken: string; botUserId?: string }): Promise<FakeLine> {
  const failures = new FailureQueue<FakeLineFailure>();
  const sent: FakeLineSend[] = [];
  const loading: string[] = [];
  const replyTokens = new Map<string, number>();
  const acceptedKeys = new Map<string, string>();
  const contents = new Map<string, { bytes: Uint8Array; mimeType: string }>();
  const profiles = new Map<string, { displayName: string; pictureUrl?: string }>();
  let lookups = 0;

  const validMessages = (body: Record<string, unknown> | undefined): FakeResponse | Array<Record<string, unknown>> => {
    const messages = body?.messages;
    if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) return lineError(400, 'The request body has 1 error(s)', { details: [{ message: 'Size must be between 1 and 5', property: 'messages' }] });
    for (const [i, m] of (messages as Array<Record<string, unknown>>).entries()) {
      if (m.type === 'text' && (typeof m.text !== 'string' || !m.text || [...m.text].length > 5000)) {
        return lineError(400, 'The request body has 1 error(s)', { details: [{ message: 'Length must be between 1 and 5000', property: `messages[${i}].text` }] });
      }
    }
    return messages as Array<Record<string, unknown>>;
  };
  const accepted = (count: number): FakeResponse => {
    const requestId = randomUUID();
    return { status: 200, json: { sentMessages: Array.from({ length: count }, () => ({ id: String(BigInt(`0x${randomBytes(7).toString('hex')}`)), quoteToken: randomBytes(8).toString('base64url') })) }, headers: { 'x-line-request-id': requestId } };
  };
  const injectedFailure = (kind: Exclude<FakeLineFailure, 'accepted_then_error'>): FakeResponse => {
    if (kind === 'rate_limit') return lineError(429, 'The API rate limit has been exceeded. Try again later.', { headers: { 'retry-after': '2' } });
    if (kind === 'monthly_quota') return lineError(429, 'You have reached your monthly limit.');
    if (kind === 'token_invalid') return lineError(401, 'Authentication failed. Confirm that the access token in the authorization header is valid.');
    if (kind === 'invalid') return lineError(400, 'The request body has 1 error(s)', { details: [{ message: 'May not be empty', property: 'messages[0].text' }] });
    return lineError(500, 'Internal server error');
  };

  const handle = (request: RecordedRequest): FakeResponse => {
    if (request.headers.authorization !== `Bearer ${options.channelAccessToken}`) {
      return lineError(401, 'Authentication failed. Confirm that the access token in the authorization header is valid.');
    }
    const route = `${request.method} ${request.path}`;
    const body = parseJsonBody(request);
    const content = /^GET \/v2\/bot\/message\/(\d+)\/content$/.exec(route);
    if (content) {
      const item = contents.get(content[1] ?? '');
      return item ? { status: 200, bytes: item.bytes, headers: { 'content-type': item.mimeType } } : lineError(404, 'Not found');
    }
    const profileRoute = /^GET \/v2\/bot\/profile\/([^/]+)$/.exec(route);
    if (profileRoute) {
      lookups += 1;
      const profile = profiles.get(decodeURIComponent(profileRoute[1] ?? ''));
      return profile ? { status: 200, json: { userId: profileRoute[1], displayName: profile.displayName, ...(profile.pictureUrl ? { pictureUrl: profile.pictureUrl } : {}), language: 'vi' } } : lineError(404, 'Not found');
    }
    if (route === 'GET /v2/bot/info') return { status: 200, json: { userId: options.botUserId ?? `U${'0'.repeat(32)}`, basicId: '@123abcde', displayName: 'Fake LINE Shop', chatMode: 'bot', markAsReadMode: 'auto' } };
    if (route === 'POST /v2/bot/chat/loading/start') {
      loading.push(String(body?.chatId));
      return { status: 202, json: {} };
    }
    if (route !== 'POST /v2/bot/message/reply' && route !== 'POST /v2/bot/message/push') return lineError(404, 'Not found');
    const isPush = route.endsWith('push');
    const retryKey = request.headers['x-line-retry-key'];
    if (isPush && retryKey !== undefined && !UUID.test(retryKey)) return lineError(400, 'The retry key must be a UUID');
    if (isPush && retryKey && acceptedKeys.has(retryKey)) {
      return lineError(409, 'The retry key is already accepted', { headers: { 'x-line-accepted-request-id': acceptedKeys.get(retryKey)! } });
    }
    const injected = failures.take();
    if (injected && injected !== 'accepted_then_error') return injectedFailure(injected);
    const messages = validMessages(body);
    if (!Array.isArray(messages)) return messages;
    if (!isPush) {
      const token = typeof body?.replyToken === 'string' ? body.replyToken : '';
      const expiresAt = replyTokens.get(token);
      if (expiresAt === undefined || expiresAt < Date.now()) return lineError(400, 'Invalid reply token');
      replyTokens.delete(token);
    } else if (typeof body?.to !== 'string' || !/^[UCR][0-9a-f]{32}$/.test(body.to)) {
      return lineError(400, 'The request body has 1 error(s)', { details: [{ message: 'Invalid to', property: 'to' }] });
    }
    sent.push({ kind: isPush ? 'push' : 'reply', to: isPush ? String(body?.to) : undefined, replyToken: isPush ? undefined : String(body?.replyToken), retryKey, messages });
    const answer = accepted(messages.length);
    if (isPush && retryKey) acceptedKeys.set(retryKey, answer.headers?.['x-line-request-id'] ?? '');
    return injected === 'accepted_then_error' ? lineError(500, 'Internal server error') : answer;
  };

  const server = await startFakeHttpServer(handle);
  return {
    url: server.url,
    requests: server.requests,
    sent,
    loading,
    issueReplyToken: (ttlMs = 60_000) => {
      const token = randomBytes(16).toString('hex');
      replyTokens.set(token, Date.now() + ttlMs);
      return token;
    },
    failNext: (kind, times, after) => failures.push(kind, times, after),
    addContent: (messageId, bytes, mimeType) => contents.set(messageId, { bytes, mimeType }),
    setProfile: (userId, profile) => profiles.set(userId, profile),
    profileLookups: () => lookups,
    close: () => server.close(),
  };
}
