import { createFakeHttpProxy, createFakeZalo, createRecordingHost, createZaloWebhookDriver, type FakeZalo } from '@agent-chatbot/testkit/fake-channels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloChannel, type ZaloChannel } from './create-zalo-channel';
import { memoryZaloTokenStore, type ZaloTokens } from './zalo-tokens';

const appId = '360846524940903967';
const oaId = '388613280878808645';
const oaSecretKey = 'oa-secret';
const appSecret = 'app-secret';
const user = '246845883529197922';
const conversationId = `zalo:${oaId}:${user}`;

let fake: FakeZalo;
let store: ReturnType<typeof memoryZaloTokenStore>;
let channel: ZaloChannel;
let host: ReturnType<typeof createRecordingHost>;

const make = async (tokens: Partial<ZaloTokens> = {}, extra: { proxy?: string; uploadAttachments?: boolean } = {}) => {
  store = memoryZaloTokenStore({ ...fake.currentTokens(), accessTokenExpiresAt: new Date(Date.now() + 20 * 3600_000), ...tokens });
  channel = createZaloChannel({ appId, appSecret, oaSecretKey, oaId, tokenStore: store, apiBase: fake.url, oauthBase: fake.url, ...extra });
  host = createRecordingHost();
  await channel.initialize(host);
};

beforeEach(async () => {
  fake = await createFakeZalo({ appId, appSecret, oaId });
  await make();
});
afterEach(async () => {
  await channel.disconnect?.();
  await fake.close();
});

describe('Zalo tokens (OAuth v4, single-use refresh tokens)', () => {
  it('refreshes once on an expired token (-220), saves the new pair, then delivers', async () => {
    const oldRefresh = fake.currentTokens().refreshToken;
    fake.expireAccessToken();
    const result = await channel.doSend({ conversationId, message: { text: 'Dạ shop đây ạ' } });
    expect(result.status).toBe('sent');
    expect(fake.refreshCount()).toBe(1);
    expect(fake.sent).toHaveLength(1);
    expect((await store.get()).accessToken).toBe(fake.currentTokens().accessToken);
    expect((await store.get()).refreshToken).not.toBe(oldRefresh);
    expect(fake.sent[0]?.accessToken).toBe(fake.currentTokens().accessToken);
    const refresh = fake.requests.find((r) => r.path === '/v4/oa/access_token');
    expect(refresh?.headers['secret_key']).toBe(appSecret);
    expect(new URLSearchParams(refresh?.body).get('grant_type')).toBe('refresh_token');
  });

  it('refreshes on -216 too, but only once: a second token error fails as token_invalid', async () => {
    fake.failNext('token_invalid', 2);
    const result = await channel.doSend({ conversationId, message: { text: 'a' } });
    expect(fake.refreshCount()).toBe(1);
    expect(result).toMatchObject({ status: 'failed', error: { code: 'token_invalid', retryable: false, providerCode: -216 } });
  });

  it('refreshes ahead of expiry before sending, and refreshIfExpiringWithin serves a scheduled job', async () => {
    await make({ accessTokenExpiresAt: new Date(Date.now() + 60_000) });
    expect((await channel.doSend({ conversationId, message: { text: 'a' } })).status).toBe('sent');
    expect(fake.refreshCount()).toBe(1);
    expect(fake.requests.filter((r) => r.path === '/v3.0/oa/message/cs')).toHaveLength(1);
    expect(await channel.refreshIfExpiringWithin(3600_000)).toMatchObject({ refreshed: false });
    const job = await channel.refreshIfExpiringWithin(30 * 3600_000);
    expect(job.refreshed).toBe(true);
    expect(job.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);
    expect(fake.refreshCount()).toBe(2);
  });

  it('refreshes once for many concurrent sends (reusing a refresh token would break the grant)', async () => {
    fake.expireAccessToken();
    const results = await Promise.all(Array.from({ length: 5 }, () => channel.doSend({ conversationId, message: { text: 'x' } })));
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(fake.refreshCount()).toBe(1);
    expect(store.saves).toBe(1);
  });

  it('reports a refused refresh as token_refresh_failed (not retryable: the OA must consent again)', async () => {
    fake.expireAccessToken();
    fake.failNext('refresh_failed');
    const result = await channel.doSend({ conversationId, message: { text: 'x' } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'token_refresh_failed', retryable: false } });
  });
});

describe('Zalo delivery rules', () => {
  it('maps -230 (outside the 7-day window) to window_closed, not retryable', async () => {
    fake.setLastInteraction(user, new Date(Date.now() - 8 * 86_400_000));
    const result = await channel.doSend({ conversationId, message: { text: 'x' } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'window_closed', retryable: false, providerCode: -230 } });
  });

  it('checks the window locally when the last interaction is known, without calling Zalo', async () => {
    const result = await channel.doSend({ conversationId, message: { text: 'x' }, providerOptions: { zalo: { lastInteractionAt: new Date(Date.now() - 8 * 86_400_000).toISOString() } } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'window_closed', retryable: false } });
    expect(fake.requests.filter((r) => r.path === '/v3.0/oa/message/cs')).toHaveLength(0);
  });

  it('maps -32 to rate_limited with a backoff hint', async () => {
    fake.failNext('rate_limit');
    const result = await channel.doSend({ conversationId, message: { text: 'x' } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'rate_limited', retryable: true, retryAfterMs: 60_000, providerCode: -32 } });
  });

  it('splits long text at sentence ends within 2,000 characters and does not resend delivered parts on retry', async () => {
    const sentence = 'Sản phẩm này còn hàng và giao trong 2 ngày. ';
    const text = sentence.repeat(80);
    fake.failNext('server_error', 1, 1);
    const options = { zalo: { outboundMessageId: 'out-1' } };
    const first = await channel.doSend({ conversationId, message: { text }, providerOptions: options });
    expect(first).toMatchObject({ status: 'failed', error: { retryable: true } });
    expect(fake.sent).toHaveLength(1);
    const retry = await channel.doSend({ conversationId, message: { text }, providerOptions: options });
    expect(retry.status).toBe('sent');
    expect(fake.sent).toHaveLength(2);
    for (const sent of fake.sent) {
      const part = String(sent.message.text);
      expect(part.length).toBeLessThanOrEqual(2000);
      expect(part.endsWith('ngày.')).toBe(true);
    }
    expect(fake.sent.map((s) => s.message.text).join(' ')).toBe(text.trim());
  });

  it('sends images by URL as a media template when uploads are off', async () => {
    await make({}, { uploadAttachments: false });
    await channel.doSend({ conversationId, message: { text: 'Ảnh mẫu', attachments: [{ type: 'image', url: 'https://cdn.example/a.jpg' }] } });
    expect(fake.sent.map((s) => s.message)).toEqual([
      { text: 'Ảnh mẫu' },
      { attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://cdn.example/a.jpg' }] } } },
    ]);
  });

  it('goes through the configured HTTP proxy', async () => {
    const proxy = await createFakeHttpProxy();
    try {
      await make({}, { proxy: proxy.url });
      expect((await channel.doSend({ conversationId, message: { text: 'qua proxy' } })).status).toBe('sent');
      expect(proxy.targets.some((t) => t.includes(new URL(fake.url).port))).toBe(true);
    } finally {
      await channel.disconnect?.();
      await proxy.close();
    }
  });

  it('tests the connection with the OA info endpoint and reads user profiles', async () => {
    expect(await channel.testConnection?.()).toMatchObject({ ok: true });
    expect(await channel.getUserProfile(user)).toEqual({ displayName: 'Khách hàng', isFollower: true });
    const detail = fake.requests.find((r) => r.path === '/v3.0/oa/user/detail');
    expect(JSON.parse(detail?.query.get('data') ?? '{}')).toEqual({ user_id: user });
    fake.expireAccessToken();
    await make({ accessTokenExpiresAt: undefined, refreshToken: undefined });
    expect(await channel.getUserProfile(user)).toBeUndefined();
    expect(await channel.testConnection?.()).toMatchObject({ ok: false });
  });
});

describe('Zalo webhooks', () => {
  it('survives Zalo retries: failed storage gets 503, the retry with num_retry is accepted, ids match', async () => {
    const driver = createZaloWebhookDriver({ target: (r) => channel.handleWebhook(r), appId, oaId, oaSecretKey });
    host.failNextReceive(2);
    const delivery = await driver.deliver(driver.textEvent({ userId: user, text: 'Còn hàng không?', msgId: 'm-retry' }));
    expect(delivery.delivered).toBe(true);
    expect(delivery.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    await driver.deliver(driver.textEvent({ userId: user, text: 'Còn hàng không?', msgId: 'm-retry' }));
    expect(host.events.map((e) => e.eventId)).toEqual(['m-retry', 'm-retry']);
  });

  it('accepts the header without mac=, routes by OA id and drops other OAs of the same app', async () => {
    const driver = createZaloWebhookDriver({ target: (r) => channel.handleWebhook(r), appId, oaId, oaSecretKey });
    const body = JSON.stringify(driver.textEvent({ userId: user, text: 'hi', msgId: 'm-1' }));
    expect((await channel.handleWebhook(driver.request(body, { prefix: false }))).status).toBe(200);
    expect(await channel.extractAccountId?.(driver.request(body))).toBe(oaId);
    const other = createZaloWebhookDriver({ target: (r) => channel.handleWebhook(r), appId, oaId: '999', oaSecretKey });
    expect((await channel.handleWebhook(other.request(JSON.stringify(other.textEvent({ userId: user, text: 'x' }))))).status).toBe(200);
    expect(host.events.map((e) => e.eventId)).toEqual(['m-1']);
    expect(host.events[0]).toMatchObject({ type: 'message', accountId: oaId, sender: { id: user }, message: { text: 'hi' } });
  });

  it('remembers the last inbound message for the 7-day window', async () => {
    const driver = createZaloWebhookDriver({ target: (r) => channel.handleWebhook(r), appId, oaId, oaSecretKey });
    const old = Date.now() - 2.5 * 3600_000;
    await driver.deliver(driver.textEvent({ userId: user, text: 'hi', timestamp: old }));
    expect(await host.cache.get(`zalo:last-inbound:${oaId}:${user}`)).toBe(old);
  });
});
