import { randomBytes } from 'node:crypto';
import { FailureQueue, parseJsonBody, startFakeHttpServer, type FakeResponse, type RecordedRequest } from './fake-http-server';

/** Failures the fake Graph API can return, in Graph's `{error:{message,type,code,error_subcode}}` format. */
export type FakeGraphFailure = 'token_expired' | 'window_closed' | 'rate_limit' | 'server_error' | 'user_unavailable' | 'temporary';

/** A Send API call the fake accepted. */
export interface FakeGraphSend {
  /** Page that sent it. */
  readonly pageId: string;
  /** Customer PSID. */
  readonly recipientId: string;
  /** `RESPONSE`, `UPDATE` or `MESSAGE_TAG`. */
  readonly messagingType: string | undefined;
  /** Message tag, e.g. `HUMAN_AGENT`. */
  readonly tag: string | undefined;
  /** The message object sent. */
  readonly message: Record<string, unknown>;
  /** Id the fake returned. */
  readonly messageId: string;
}

/** A running fake of `graph.facebook.com` (Send API, sender actions, page info). */
export interface FakeGraph {
  /** Use as `graphApiBase`. */
  readonly url: string;
  /** Every request received. */
  readonly requests: RecordedRequest[];
  /** Messages accepted, in order. */
  readonly sent: FakeGraphSend[];
  /** Sender actions received (`typing_on`…), with the PSID. */
  readonly actions: Array<{ recipientId: string; action: string }>;
  /** Fields the app subscribed the Page to (`POST /<page id>/subscribed_apps`). */
  readonly subscribedFields: string[];
  /** Profiles `GET /<version>/<PSID>?fields=first_name,last_name,profile_pic` answers (others: error 100). */
  setProfile(psid: string, profile: { firstName: string; lastName?: string; profilePic?: string }): void;
  /** How many profile lookups reached the fake. */
  profileLookups(): number;
  /** Records the customer's last message; the fake then enforces 24 h (7 days with HUMAN_AGENT). */
  setLastInteraction(psid: string, at: Date): void;
  /** Makes the current page token invalid (error 190). */
  revokeToken(): void;
  /** Makes the next `times` sends fail with `kind` (after `after` successes). */
  failNext(kind: FakeGraphFailure, times?: number, after?: number): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const graphError = (status: number, code: number, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): FakeResponse => ({
  status,
  json: { error: { message, type: code === 190 ? 'OAuthException' : 'OAuthException', code, fbtrace_id: `A${randomBytes(8).toString('hex')}`, ...extra } },
  ...(headers ? { headers } : {}),
});

const FAILURES: Record<FakeGraphFailure, () => FakeResponse> = {
  token_expired: () => graphError(400, 190, 'Error validating access token: Session has expired.', { error_subcode: 463 }),
  window_closed: () => graphError(400, 10, '(#10) This message is sent outside of allowed window.', { error_subcode: 2018278 }),
  rate_limit: () =>
    graphError(400, 613, '(#613) Calls to this api have exceeded the rate limit.', {}, {
      'x-business-use-case-usage': JSON.stringify({ '1234': [{ type: 'messenger', call_count: 100, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 2 }] }),
    }),
  server_error: () => graphError(500, 2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true }),
  user_unavailable: () => graphError(400, 551, "This person isn't available right now.", { error_subcode: 1545041 }),
  temporary: () => graphError(400, 1200, 'Temporary send message failure. Please try again later', { is_transient: true }),
};

const DAY = 86_400_000;

/**
 * Starts a fake Graph API: `POST /<version>/(me|<page id>)/messages` (Send API: `messaging_type`
 * required, text under 2,000 characters, the 24-hour / HUMAN_AGENT 7-day windows) and sender
 * actions; `GET /<version>/me` for page info; `GET /<version>/<PSID>?fields=…` for user profiles
 * set with `setProfile`. The page token travels as `access_token` query.
 */
export async function createFakeGraph(options: { pageId: string; pageAccessToken: string; pageName?: string }): Promise<FakeGraph> {
  const failures = new FailureQueue<FakeGraphFailure>();
  const sent: FakeGraphSend[] = [];
  const actions: FakeGraph['actions'] = [];
  const interactions = new Map<string, number>();
  const subscribedFields: string[] = [];
  let token = options.pageAccessToken;
  const profiles = new Map<string, { firstName: string; lastName?: string; profilePic?: string }>();
  let lookups = 0;

  const handle = (request: RecordedRequest): FakeResponse => {
    const accessToken = request.query.get('access_token') ?? request.headers.authorization?.replace(/^Bearer /, '');
    if (accessToken !== token) return FAILURES.token_expired();
    if (request.method === 'GET' && /^\/v\d+\.\d+\/me$/.test(request.path)) return { status: 200, json: { id: options.pageId, name: options.pageName ?? 'Fake Page' } };
    if (request.method === 'POST' && new RegExp(`^/v\\d+\\.\\d+/${options.pageId}/subscribed_apps$`).test(request.path)) {
      subscribedFields.splice(0, subscribedFields.length, ...(request.query.get('subscribed_fields') ?? '').split(',').filter(Boolean));
      return subscribedFields.length > 0 ? { status: 200, json: { success: true } } : graphError(400, 100, '(#100) subscribed_fields is required');
    }
    const profileMatch = request.method === 'GET' ? /^\/v\d+\.\d+\/([^/]+)$/.exec(request.path) : null;
    if (profileMatch) {
      lookups += 1;
      const profile = profiles.get(decodeURIComponent(profileMatch[1] ?? ''));
      if (!profile) return graphError(400, 100, '(#100) No profile available for this user', { error_subcode: 2018218 });
      const fields = (request.query.get('fields') ?? '').split(',');
      return {
        status: 200,
        json: {
          id: profileMatch[1],
          ...(fields.includes('first_name') ? { first_name: profile.firstName } : {}),
          ...(fields.includes('last_name') && profile.lastName ? { last_name: profile.lastName } : {}),
          ...(fields.includes('profile_pic') && profile.profilePic ? { profile_pic: profile.profilePic } : {}),
        },
      };
    }
    const match = /^\/v\d+\.\d+\/([^/]+)\/messages$/.exec(request.path);
    if (request.method !== 'POST' || !match) return graphError(400, 100, `(#100) Unknown path components: ${request.path}`);
    if (match[1] !== 'me' && match[1] !== options.pageId) return graphError(400, 100, '(#100) Page id does not match the token');
    const body = parseJsonBody(request);
    const recipientId = (body?.recipient as { id?: unknown } | undefined)?.id;
    if (typeof recipientId !== 'string') return graphError(400, 100, '(#100) param recipient must be non-empty.');
    if (typeof body?.sender_action === 'string') {
      if (body.message !== undefined) return graphError(400, 100, '(#100) sender_action cannot be sent with message');
      actions.push({ recipientId, action: body.sender_action });
      return { status: 200, json: { recipient_id: recipientId } };
    }
    const injected = failures.take();
    if (injected) return FAILURES[injected]();
    const message = body?.message as Record<string, unknown> | undefined;
    const messagingType = typeof body?.messaging_type === 'string' ? body.messaging_type : undefined;
    const tag = typeof body?.tag === 'string' ? body.tag : undefined;
    if (!message) return graphError(400, 100, '(#100) param message must be non-empty.');
    if (!messagingType) return graphError(400, 100, '(#100) param messaging_type is required.');
    if (messagingType === 'MESSAGE_TAG' && !tag) return graphError(400, 100, '(#100) tag is required for MESSAGE_TAG');
    if (typeof message.text === 'string' && [...message.text].length >= 2000) return graphError(400, 100, '(#100) Length of param message[text] must be less than or equal to 2000');
    const last = interactions.get(recipientId);
    const window = messagingType === 'MESSAGE_TAG' && tag === 'HUMAN_AGENT' ? 7 * DAY : DAY;
    if (last !== undefined && Date.now() - last > window) return FAILURES.window_closed();
    const messageId = `m_${randomBytes(12).toString('base64url')}`;
    sent.push({ pageId: options.pageId, recipientId, messagingType, tag, message, messageId });
    return { status: 200, json: { recipient_id: recipientId, message_id: messageId } };
  };

  const server = await startFakeHttpServer(handle);
  return {
    url: server.url,
    requests: server.requests,
    sent,
    actions,
    subscribedFields,
    setProfile: (psid, profile) => profiles.set(psid, profile),
    profileLookups: () => lookups,
    setLastInteraction: (psid, at) => interactions.set(psid, at.getTime()),
    revokeToken: () => {
      token = `revoked-${randomBytes(4).toString('hex')}`;
    },
    failNext: (kind, times, after) => failures.push(kind, times, after),
    close: () => server.close(),
  };
}
