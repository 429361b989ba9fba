// A fake TeamChat API on 127.0.0.1 speaking its wire format (HTTP 200 + ok:false for API errors).
import { startFakeHttpServer, type FakeHttpServer, type FakeResponse } from '@agent-chatbot/testkit/fake-channels';

/** The ways the next `chat.postMessage` can fail. */
export type TeamChatFailure = 'rate_limit' | 'server_error' | 'permanent' | 'invalid_auth';

/** A running fake with its accepted token, sent messages and failure injection. */
export interface FakeTeamChat {
  readonly server: FakeHttpServer;
  readonly url: string;
  readonly botToken: string;
  /** Bodies of accepted `chat.postMessage` calls. */
  readonly sent: Array<{ channel: string; text: string; thread_ts?: string }>;
  failNext(kind: TeamChatFailure): void;
  close(): Promise<void>;
}

/** Starts the fake TeamChat API. */
export async function startFakeTeamChat(botToken = 'xoxb-test-token'): Promise<FakeTeamChat> {
  const sent: FakeTeamChat['sent'] = [];
  const failures: TeamChatFailure[] = [];
  let counter = 0;
  const server = await startFakeHttpServer((request): FakeResponse => {
    if (request.method !== 'POST' || request.path !== '/chat.postMessage') return { status: 404, json: { ok: false, error: 'unknown_method' } };
    if (request.headers.authorization !== `Bearer ${botToken}`) return { status: 200, json: { ok: false, error: 'invalid_auth' } };
    const failure = failures.shift();
    if (failure === 'rate_limit') return { status: 429, headers: { 'retry-after': '3' }, json: { ok: false, error: 'ratelimited' } };
    if (failure === 'server_error') return { status: 503, text: 'upstream unavailable' };
    if (failure === 'permanent') return { status: 200, json: { ok: false, error: 'channel_not_found' } };
    if (failure === 'invalid_auth') return { status: 200, json: { ok: false, error: 'invalid_auth' } };
    const body = JSON.parse(request.body) as { channel: string; text: string; thread_ts?: string };
    sent.push(body);
    counter += 1;
    return { status: 200, json: { ok: true, channel: body.channel, ts: `1700000000.${String(counter).padStart(6, '0')}` } };
  });
  return { server, url: server.url, botToken, sent, failNext: (kind) => failures.push(kind), close: () => server.close() };
}
