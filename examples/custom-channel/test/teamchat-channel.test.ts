import { createBot, type ChannelV1 } from '@agent-chatbot/core';
import { MockLanguageModelV1, MockRetrieverV1 } from '@agent-chatbot/core/test';
import { channelContract } from '@agent-chatbot/testkit';
import { createRecordingHost } from '@agent-chatbot/testkit/fake-channels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamChatChannel, SIGNATURE_HEADER, signTeamChatRequest, TIMESTAMP_HEADER } from '../src';
import { startFakeTeamChat, type FakeTeamChat } from './fake-teamchat';
import { botEchoBody, messageBody, reactionBody, threadBody } from './fixtures';

const SIGNING_SECRET = 'teamchat-signing-secret';
const WEBHOOK_URL = 'https://shop.example/webhooks/teamchat';

/** Builds the request TeamChat would send: signed now, or forged / unsigned on demand. */
function signedRequest(rawBody: string, options: { forge?: boolean; unsigned?: boolean; timestamp?: number } = {}): Request {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/json', [TIMESTAMP_HEADER]: String(timestamp) };
  if (!options.unsigned) {
    headers[SIGNATURE_HEADER] = signTeamChatRequest({ signingSecret: options.forge ? 'wrong-secret-123' : SIGNING_SECRET, timestamp, rawBody });
  }
  return new Request(WEBHOOK_URL, { method: 'POST', headers, body: rawBody });
}

// The testkit's conformance suite: the same checks every first-party channel passes.
channelContract({
  name: 'teamchat',
  create: async () => {
    const fake = await startFakeTeamChat();
    return {
      channel: createTeamChatChannel({ signingSecret: SIGNING_SECRET, botToken: fake.botToken, apiUrl: fake.url }),
      sendConversationId: 'teamchat:C0SUPPORT',
      failNextSend: (kind) => fake.failNext(kind),
      sentCount: () => fake.sent.length,
      close: () => fake.close(),
    };
  },
  signRequest: (rawBody, options) => signedRequest(rawBody, options),
  fixtures: [
    { name: 'channel message', body: messageBody, expectedEventIds: ['Ev0001'] },
    { name: 'thread reply', body: threadBody, expectedEventIds: ['Ev0002'] },
    { name: 'bot echo', body: botEchoBody, expectedEventIds: [] },
    { name: 'reaction', body: reactionBody, expectedEventIds: [] },
  ],
});

// What the contract cannot know about TeamChat specifically.
describe('TeamChat specifics', () => {
  let fake: FakeTeamChat;
  beforeAll(async () => {
    fake = await startFakeTeamChat();
  });
  afterAll(async () => fake?.close());

  const channel = (now?: () => number) => createTeamChatChannel({ signingSecret: SIGNING_SECRET, botToken: fake.botToken, apiUrl: fake.url, ...(now ? { now } : {}) });

  it('answers the URL verification handshake with the challenge, only when signed', async () => {
    const teamchat = channel();
    await teamchat.initialize(createRecordingHost());
    const body = JSON.stringify({ type: 'url_verification', challenge: 'abc123' });
    const ok = await teamchat.handleWebhook(signedRequest(body));
    expect(await ok.json()).toEqual({ challenge: 'abc123' });
    expect((await teamchat.handleWebhook(signedRequest(body, { forge: true }))).status).toBe(401);
  });

  it('rejects a correctly signed request replayed after the tolerance window', async () => {
    const host = createRecordingHost();
    const teamchat = channel(() => Date.now() + 10 * 60_000);
    await teamchat.initialize(host);
    expect((await teamchat.handleWebhook(signedRequest(messageBody))).status).toBe(401);
    expect(host.events).toHaveLength(0);
  });

  it('normalises the sender, account and thread into the event', async () => {
    const host = createRecordingHost();
    const teamchat = channel();
    await teamchat.initialize(host);
    await teamchat.handleWebhook(signedRequest(threadBody));
    expect(host.events[0]).toMatchObject({
      conversationId: 'teamchat:C0SUPPORT:1764000000.000100',
      sender: { id: 'U0MINH' },
      accountId: 'T0SHOP',
      message: { text: 'phi ship di Da Nang bao nhieu?' },
    });
  });

  it('reports a revoked token as token_expired (not retryable)', async () => {
    fake.failNext('invalid_auth');
    const result = await channel().doSend({ conversationId: 'teamchat:C0SUPPORT', message: { text: 'Xin chào' } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'token_expired', retryable: false, providerCode: 'invalid_auth' } });
  });

  it('rejects a conversation id of another platform with a typed 400', () => {
    expect(() => channel().decodeConversationId('zalo:123')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('plugs into createBot: a signed webhook is answered in the same thread', async () => {
    const teamchat = channel();
    const model = new MockLanguageModelV1({ doGenerate: 'Dạ, phí ship đi Đà Nẵng là 30.000đ ạ.' });
    const retriever = new MockRetrieverV1({ chunks: { default: [{ id: 'ship', text: 'Phí ship đi Đà Nẵng là 30.000đ, giao trong 2–3 ngày.' }] } });
    // createBot types its channels as ChannelV1<string>; a channel with an object conversation ref
    // (like Zalo's and Messenger's) needs this cast until core widens it to ChannelV1<unknown>.
    const bot = createBot({ model, retriever, channels: { teamchat: teamchat as unknown as ChannelV1 } });
    const before = fake.sent.length;
    const response = await bot.webhooks.teamchat(signedRequest(threadBody));
    expect(response.status).toBe(200);
    await bot.idle();
    expect(fake.sent.slice(before)).toEqual([{ channel: 'C0SUPPORT', thread_ts: '1764000000.000100', text: 'Dạ, phí ship đi Đà Nẵng là 30.000đ ạ.' }]);
    expect(model.prompts.at(-1)).toContain('phi ship di Da Nang bao nhieu?');
    // The same delivery again (a TeamChat retry) is not answered twice.
    await bot.webhooks.teamchat(signedRequest(threadBody));
    await bot.idle();
    expect(fake.sent.length).toBe(before + 1);
  });
});
