import { createFakeLine, createLineWebhookDriver, createRecordingHost, type FakeLine } from '@agent-chatbot/testkit/fake-channels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLineChannel, type LineChannel } from './create-line-channel';
import { lineRetryKey } from './line-retry-key';
import { verifyLineSignature } from './verify-line-signature';

const channelSecret = 'channel_secret_example';
const destination = `U${'1'.repeat(32)}`;
const user = `U${'2'.repeat(32)}`;
const conversationId = `line:${user}`;
let fake: FakeLine;
let channel: LineChannel;
let host: ReturnType<typeof createRecordingHost>;

beforeEach(async () => {
  fake = await createFakeLine({ channelAccessToken: 'tok', botUserId: destination });
  channel = createLineChannel({ channelSecret, channelAccessToken: 'tok', apiBase: fake.url, dataApiBase: fake.url });
  host = createRecordingHost();
  await channel.initialize(host);
});
afterEach(async () => {
  await channel.disconnect?.();
  await fake.close();
});

describe('LINE webhooks', () => {
  it('matches the spec test vector and answers the console verification with 200, receiving nothing', async () => {
    const body = '{"destination":"U00000000000000000000000000000000","events":[]}';
    expect(verifyLineSignature(channelSecret, body, 'aYC9bMfpb0X3q6/6Lau4XMB3LKFCcnCTBvMAz2ah3cU=')).toBe(true);
    const driver = createLineWebhookDriver({ target: (r) => channel.handleWebhook(r), channelSecret, destination });
    expect((await channel.handleWebhook(driver.request(body))).status).toBe(200);
    expect(host.batches).toHaveLength(0);
  });

  it('passes the reply token with an expiry, and drops it on redeliveries (same webhookEventId)', async () => {
    const driver = createLineWebhookDriver({ target: (r) => channel.handleWebhook(r), channelSecret, destination });
    host.failNextReceive();
    const event = driver.textEvent({ userId: user, text: 'Còn hàng không?', webhookEventId: '01EVT' });
    const delivery = await driver.deliver([event], { redelivery: true });
    expect(delivery.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(host.events).toHaveLength(1);
    expect(host.events[0]).toMatchObject({ eventId: '01EVT', accountId: destination, message: { text: 'Còn hàng không?' } });
    expect(host.events[0]?.message?.replyToken).toBeUndefined();
    await driver.deliver([driver.textEvent({ userId: user, text: 'x', webhookEventId: '01EVT2', replyToken: 'rt' })]);
    expect(host.events[1]?.message?.replyToken?.value).toBe('rt');
    expect(host.events[1]!.message!.replyToken!.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });
});

describe('LINE delivery', () => {
  it('replies with a valid reply token (free) and does not push', async () => {
    const replyToken = fake.issueReplyToken();
    const result = await channel.doSend({ conversationId, message: { text: 'Dạ còn ạ' }, providerOptions: { line: { replyToken: { value: replyToken, expiresAt: new Date(Date.now() + 30_000) } } } });
    expect(result.status).toBe('sent');
    expect(fake.sent).toMatchObject([{ kind: 'reply', replyToken, messages: [{ type: 'text', text: 'Dạ còn ạ' }] }]);
  });

  it('pushes when the token has expired or was already used', async () => {
    const stale = { value: fake.issueReplyToken(), expiresAt: new Date(Date.now() - 1) };
    await channel.doSend({ conversationId, message: { text: 'a' }, providerOptions: { line: { replyToken: stale } } });
    const used = fake.issueReplyToken();
    await channel.doSend({ conversationId, message: { text: 'b' }, providerOptions: { line: { replyToken: used } } });
    await channel.doSend({ conversationId, message: { text: 'c' }, providerOptions: { line: { replyToken: used } } });
    expect(fake.sent.map((s) => `${s.kind}:${String(s.messages[0]?.text)}`)).toEqual(['push:a', 'reply:b', 'push:c']);
    expect(fake.sent[0]?.to).toBe(user);
  });

  it('makes push retries idempotent with a retry key derived from the outbound id (409 = delivered)', async () => {
    fake.failNext('accepted_then_error');
    const options = { line: { outboundMessageId: 'msg_42' } };
    const first = await channel.doSend({ conversationId, message: { text: 'Đơn đã giao' }, providerOptions: options });
    expect(first).toMatchObject({ status: 'failed', error: { retryable: true } });
    const retry = await channel.doSend({ conversationId, message: { text: 'Đơn đã giao' }, providerOptions: options });
    expect(retry.status).toBe('sent');
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]?.retryKey).toBe(lineRetryKey('msg_42'));
    expect(lineRetryKey('msg_42')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lineRetryKey('msg_43')).not.toBe(lineRetryKey('msg_42'));
  });

  it('treats the monthly quota as permanent and the rate limit as retryable', async () => {
    fake.failNext('monthly_quota');
    expect(await channel.doSend({ conversationId, message: { text: 'x' } })).toMatchObject({ status: 'failed', error: { code: 'quota_exceeded', retryable: false } });
    fake.failNext('token_invalid');
    expect(await channel.doSend({ conversationId, message: { text: 'x' } })).toMatchObject({ status: 'failed', error: { code: 'token_invalid', retryable: false, providerCode: 401 } });
    fake.failNext('rate_limit');
    expect(await channel.doSend({ conversationId, message: { text: 'x' } })).toMatchObject({ status: 'failed', error: { code: 'rate_limited', retryable: true, retryAfterMs: 2000 } });
  });

  it('batches more than five parts into several pushes, shows loading, and tests the connection', async () => {
    const text = 'Câu trả lời rất dài về chính sách bảo hành. '.repeat(700);
    expect((await channel.doSend({ conversationId, message: { text }, providerOptions: { line: { outboundMessageId: 'long' } } })).status).toBe('sent');
    expect(fake.sent.length).toBe(2);
    expect(fake.sent[0]?.messages).toHaveLength(5);
    expect(new Set(fake.sent.map((s) => s.retryKey)).size).toBe(2);
    await channel.startTyping?.(conversationId);
    expect(fake.loading).toEqual([user]);
    expect(await channel.testConnection?.()).toEqual({ ok: true, details: 'Fake LINE Shop @123abcde' });
  });
});

describe('LINE media', () => {
  it('downloads line-content:<message id> from the data API with the channel token', async () => {
    fake.addContent('4687', new Uint8Array([0xff, 0xd8, 0xff]), 'image/jpeg');
    const driver = createLineWebhookDriver({ target: (r) => channel.handleWebhook(r), channelSecret, destination });
    await driver.deliver([{ ...driver.textEvent({ userId: user, text: '' }), message: { type: 'image', id: '4687' } }]);
    const url = host.events[0]?.message?.attachments?.[0]?.url;
    expect(url).toBe('line-content:4687');
    const response = await channel.fetchAttachment(url!);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
    await expect(channel.fetchAttachment('line-content:999')).rejects.toMatchObject({ code: 'provider_error', isRetryable: false });
  });
});
