import { createFakeGraph, createMessengerWebhookDriver, createRecordingHost, type FakeGraph } from '@agent-chatbot/testkit/fake-channels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessengerChannel, type MessengerChannel } from './create-messenger-channel';
import { verifyMessengerSignature } from './verify-messenger-signature';

const appSecret = 'app_secret_example';
const pageId = '1122334455';
const psid = '998877665544';
const conversationId = `messenger:${pageId}:${psid}`;
let fake: FakeGraph;
let channel: MessengerChannel;
let host: ReturnType<typeof createRecordingHost>;

beforeEach(async () => {
  fake = await createFakeGraph({ pageId, pageAccessToken: 'page-token', pageName: 'Shop Áo' });
  channel = createMessengerChannel({ appSecret, pageAccessToken: 'page-token', verifyToken: 'verify-me', pageId, graphApiBase: fake.url });
  host = createRecordingHost();
  await channel.initialize(host);
});
afterEach(async () => {
  await channel.disconnect?.();
  await fake.close();
});

describe('Messenger webhooks', () => {
  it('matches the spec test vector', () => {
    const body = '{"object":"page","entry":[{"id":"PAGE_ID","time":1700000000000,"messaging":[{"sender":{"id":"PSID"},"recipient":{"id":"PAGE_ID"},"timestamp":1700000000000,"message":{"mid":"m_abc","text":"hello"}}]}]}';
    expect(verifyMessengerSignature(appSecret, body, 'sha256=1a6f0e8cc754918fc842a87791c3efb6fc2a9658fb8a1e95037ac3f3020aeda6')).toBe(true);
    expect(verifyMessengerSignature(appSecret, body, 'sha1=1a6f0e8cc754918fc842a87791c3efb6fc2a9658fb8a1e95037ac3f3020aeda6')).toBe(false);
  });

  it('answers the GET handshake with the challenge, and 403 for a wrong token', async () => {
    const driver = createMessengerWebhookDriver({ target: (r) => channel.handleWebhook(r), appSecret, pageId });
    const good = await channel.handleWebhook(driver.verificationRequest('verify-me', '1158201444'));
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('1158201444');
    expect((await channel.handleWebhook(driver.verificationRequest('wrong', '1'))).status).toBe(403);
  });

  it('extracts the page id for shared apps and drops other pages’ events', async () => {
    const other = createMessengerWebhookDriver({ target: (r) => channel.handleWebhook(r), appSecret, pageId: '5555' });
    const request = other.request(JSON.stringify(other.textEvent({ psid, text: 'x' })));
    expect(await channel.extractAccountId?.(request)).toBe('5555');
    expect((await channel.handleWebhook(request)).status).toBe(200);
    expect(host.events).toHaveLength(0);
  });
});

describe('Messenger Send API', () => {
  it('sends RESPONSE messages and typing_on as a separate sender action', async () => {
    await channel.startTyping?.(conversationId);
    const result = await channel.doSend({ conversationId, message: { text: 'Dạ áo còn size M ạ', quickReplies: ['Đặt luôn', 'Xem màu khác'] } });
    expect(result.status).toBe('sent');
    expect(fake.actions).toEqual([{ recipientId: psid, action: 'typing_on' }]);
    expect(fake.sent[0]).toMatchObject({ messagingType: 'RESPONSE', message: { text: 'Dạ áo còn size M ạ', quick_replies: [{ content_type: 'text', title: 'Đặt luôn' }, { title: 'Xem màu khác' }] } });
  });

  it('enforces 24 h, and lets staff reply with HUMAN_AGENT up to 7 days', async () => {
    fake.setLastInteraction(psid, new Date(Date.now() - 3 * 86_400_000));
    expect(await channel.doSend({ conversationId, message: { text: 'x' } })).toMatchObject({ status: 'failed', error: { code: 'window_closed', retryable: false, providerCode: 10 } });
    const staff = await channel.doSend({ conversationId, message: { text: 'Nhân viên trả lời' }, providerOptions: { messenger: { tag: 'HUMAN_AGENT' } } });
    expect(staff.status).toBe('sent');
    expect(fake.sent.at(-1)).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    const tooLate = await channel.doSend({ conversationId, message: { text: 'x' }, providerOptions: { messenger: { tag: 'HUMAN_AGENT', lastInteractionAt: Date.now() - 8 * 86_400_000 } } });
    expect(tooLate).toMatchObject({ status: 'failed', error: { code: 'window_closed' } });
    expect(fake.sent).toHaveLength(1);
  });

  it('maps 190 to token_invalid (permanent) and rate limits to retryable with the usage header wait', async () => {
    fake.failNext('rate_limit');
    expect(await channel.doSend({ conversationId, message: { text: 'x' } })).toMatchObject({ status: 'failed', error: { code: 'rate_limited', retryable: true, retryAfterMs: 120_000, providerCode: 613 } });
    fake.failNext('temporary');
    expect(await channel.doSend({ conversationId, message: { text: 'x' } })).toMatchObject({ status: 'failed', error: { retryable: true, providerCode: 1200 } });
    fake.revokeToken();
    expect(await channel.doSend({ conversationId, message: { text: 'x' } })).toMatchObject({ status: 'failed', error: { code: 'token_invalid', retryable: false, providerCode: 190 } });
    expect(await channel.testConnection?.()).toMatchObject({ ok: false });
  });

  it('subscribes the app to the Page when the channel is added', async () => {
    await channel.subscribePage();
    expect(fake.subscribedFields).toEqual(['messages', 'messaging_postbacks']);
    fake.revokeToken();
    await expect(channel.subscribePage()).rejects.toMatchObject({ code: 'provider_error', isRetryable: false });
  });

  it('splits long answers under 2,000 characters and tests the connection', async () => {
    const text = 'Chính sách đổi trả trong vòng 7 ngày kể từ khi nhận hàng. '.repeat(60);
    expect((await channel.doSend({ conversationId, message: { text } })).status).toBe('sent');
    expect(fake.sent.length).toBeGreaterThan(1);
    for (const s of fake.sent) expect([...String(s.message.text)].length).toBeLessThan(2000);
    expect(await channel.testConnection?.()).toEqual({ ok: true, details: 'Shop Áo' });
  });

  it('delivers a signed webhook with Meta retries and records the last inbound time for the window', async () => {
    const driver = createMessengerWebhookDriver({ target: (r) => channel.handleWebhook(r), appSecret, pageId });
    host.failNextReceive();
    const delivery = await driver.deliver(driver.textEvent({ psid, text: 'Shop ơi', mid: 'm_1', timestamp: Date.now() - 30 * 3600_000 }));
    expect(delivery.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(host.events.map((e) => e.eventId)).toEqual(['m_1']);
    expect(await channel.doSend({ conversationId, message: { text: 'x' } })).toMatchObject({ status: 'failed', error: { code: 'window_closed' } });
    expect(fake.sent).toHaveLength(0);
  });
});
