/**
 * Anonymous chats (`anonymous_send_*`), outbound uploads (`/v2.0/oa/upload/image|file` → id →
 * send) and quick replies as `oa.query.show` buttons, against the fake Zalo OA server.
 */
import { createFakeZalo, createRecordingHost, createZaloWebhookDriver, type FakeZalo } from '@agent-chatbot/testkit/fake-channels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloChannel, type ZaloChannel } from './create-zalo-channel';
import { decodeZaloConversationId, encodeZaloConversationId } from './zalo-conversation-id';
import { memoryZaloTokenStore } from './zalo-tokens';

const appId = '360846524940903967';
const oaId = '388613280878808645';
const oaSecretKey = 'oa-secret';
const appSecret = 'app-secret';
const user = '246845883529197922';
const conversationId = `zalo:${oaId}:${user}`;

let fake: FakeZalo;
let channel: ZaloChannel;
let host: ReturnType<typeof createRecordingHost>;

beforeEach(async () => {
  fake = await createFakeZalo({ appId, appSecret, oaId });
  const store = memoryZaloTokenStore({ ...fake.currentTokens(), accessTokenExpiresAt: new Date(Date.now() + 20 * 3600_000) });
  channel = createZaloChannel({ appId, appSecret, oaSecretKey, oaId, tokenStore: store, apiBase: fake.url, oauthBase: fake.url });
  host = createRecordingHost();
  await channel.initialize(host);
});
afterEach(async () => {
  await channel.disconnect?.();
  await fake.close();
});

const pdf = new TextEncoder().encode('%PDF-1.4 bảng giá tháng 11');
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

describe('Zalo anonymous chats', () => {
  it('turns anonymous_send_text into a message whose conversation id carries the anonymous id and conversation_id', async () => {
    const driver = createZaloWebhookDriver({ target: (r) => channel.handleWebhook(r), appId, oaId, oaSecretKey });
    const delivery = await driver.deliver(driver.anonymousTextEvent({ anonymousId: 'anon-777', conversationId: 'conv-42', text: 'Shop ơi còn hàng không?', msgId: 'm-anon-1' }));
    expect(delivery.delivered).toBe(true);
    expect(host.events).toHaveLength(1);
    expect(host.events[0]).toMatchObject({
      type: 'message',
      eventId: 'm-anon-1',
      accountId: oaId,
      sender: { id: 'anon-777' },
      conversationId: `zalo:${oaId}:anon:anon-777:conv-42`,
      message: { text: 'Shop ơi còn hàng không?' },
    });
    expect(decodeZaloConversationId(host.events[0]!.conversationId)).toEqual({ oaId, userId: 'anon-777', anonymousConversationId: 'conv-42' });
  });

  it('ignores the OA echo of an anonymous reply and an anonymous event without conversation_id', async () => {
    const driver = createZaloWebhookDriver({ target: (r) => channel.handleWebhook(r), appId, oaId, oaSecretKey });
    const echo = { app_id: appId, sender: { id: oaId }, recipient: { id: 'anon-777' }, event_name: 'oa_send_anonymous_text', message: { msg_id: 'e1', text: 'x', conversation_id: 'conv-42' }, timestamp: String(Date.now()) };
    expect((await driver.deliver(echo)).delivered).toBe(true);
    const noConversation = driver.anonymousTextEvent({ anonymousId: 'anon-1', conversationId: 'c', text: 'x' });
    delete (noConversation.message as Record<string, unknown>).conversation_id;
    expect((await driver.deliver(noConversation)).delivered).toBe(true);
    expect(host.events).toHaveLength(0);
  });

  it('replies to an anonymous chat on /v2.0/oa/message with recipient {anonymous_id, conversation_id}', async () => {
    const anon = encodeZaloConversationId({ oaId, userId: 'anon-777', anonymousConversationId: 'conv-42' });
    const result = await channel.doSend({ conversationId: anon, message: { text: 'Dạ shop còn hàng ạ' } });
    expect(result.status).toBe('sent');
    expect(fake.sent).toEqual([expect.objectContaining({ userId: 'anon-777', anonymousConversationId: 'conv-42', message: { text: 'Dạ shop còn hàng ạ' } })]);
    const call = fake.requests.find((r) => r.path === '/v2.0/oa/message');
    expect(JSON.parse(call!.body).recipient).toEqual({ anonymous_id: 'anon-777', conversation_id: 'conv-42' });
    expect(fake.count('POST /v3.0/oa/message/cs')).toBe(0);
  });

  it('keeps normal users on /v3.0/oa/message/cs (the v2 endpoint refuses them with -240)', async () => {
    expect((await channel.doSend({ conversationId, message: { text: 'a' } })).status).toBe('sent');
    expect(fake.count('POST /v3.0/oa/message/cs')).toBe(1);
    expect(fake.count('POST /v2.0/oa/message')).toBe(0);
  });
});

describe('Zalo outbound uploads', () => {
  it('uploads a file, sends it by token, and reuses the token for the same URL', async () => {
    const url = fake.serveMedia('bang-gia.pdf', pdf, 'application/pdf');
    const result = await channel.doSend({ conversationId, message: { text: 'Gửi anh/chị bảng giá', attachments: [{ type: 'file', url, name: 'bang-gia.pdf' }] } });
    expect(result.status).toBe('sent');
    expect(fake.uploads).toEqual([expect.objectContaining({ kind: 'file', name: 'bang-gia.pdf', mimeType: 'application/pdf', size: pdf.byteLength })]);
    const token = fake.uploads[0]!.id;
    expect(fake.sent.map((s) => s.message)).toEqual([{ text: 'Gửi anh/chị bảng giá' }, { attachment: { type: 'file', payload: { token } } }]);
    await channel.doSend({ conversationId, message: { attachments: [{ type: 'file', url, name: 'bang-gia.pdf' }] } });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.sent.at(-1)!.message).toEqual({ attachment: { type: 'file', payload: { token } } });
  });

  it('uploads an image and sends it by attachment_id in a media template', async () => {
    const url = fake.serveMedia('ao-thun.png', png, 'image/png');
    expect((await channel.doSend({ conversationId, message: { attachments: [{ type: 'image', url }] } })).status).toBe('sent');
    expect(fake.uploads).toEqual([expect.objectContaining({ kind: 'image', name: 'ao-thun.png', mimeType: 'image/png' })]);
    expect(fake.sent[0]!.message).toEqual({
      attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: fake.uploads[0]!.id }] } },
    });
  });

  it('uploads again once when Zalo says the cached id expired (-100)', async () => {
    const url = fake.serveMedia('bang-gia.pdf', pdf, 'application/pdf');
    await channel.doSend({ conversationId, message: { attachments: [{ type: 'file', url }] } });
    fake.expireUploads();
    const result = await channel.doSend({ conversationId, message: { attachments: [{ type: 'file', url }] } });
    expect(result.status).toBe('sent');
    expect(fake.uploads).toHaveLength(2);
    expect(fake.sent.at(-1)!.message).toEqual({ attachment: { type: 'file', payload: { token: fake.uploads[1]!.id } } });
  });

  it('falls back to a link for files Zalo does not take (type or size) and to the URL for unreachable images', async () => {
    const zip = fake.serveMedia('hinh.zip', new Uint8Array([1, 2, 3]), 'application/zip');
    const missing = `${fake.url}/media/khong-co.png`;
    const result = await channel.doSend({ conversationId, message: { attachments: [{ type: 'file', url: zip, name: 'hinh.zip' }, { type: 'image', url: missing }] } });
    expect(result.status).toBe('sent');
    expect(fake.uploads).toHaveLength(0);
    expect(fake.sent.map((s) => s.message)).toEqual([
      { text: `hinh.zip: ${zip}` },
      { attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: missing }] } } },
    ]);
  });

  it('reports a failing upload as a retryable failure and sends nothing', async () => {
    const url = fake.serveMedia('bang-gia.pdf', pdf, 'application/pdf');
    fake.failNext('server_error');
    const result = await channel.doSend({ conversationId, message: { attachments: [{ type: 'file', url }] } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'provider_unavailable', retryable: true } });
    expect(fake.sent).toHaveLength(0);
  });

  it('refreshes the token once when an upload gets -220, then uploads', async () => {
    const url = fake.serveMedia('bang-gia.pdf', pdf, 'application/pdf');
    fake.expireAccessToken();
    expect((await channel.doSend({ conversationId, message: { attachments: [{ type: 'file', url }] } })).status).toBe('sent');
    expect(fake.refreshCount()).toBe(1);
    expect(fake.uploads).toHaveLength(1);
  });
});

describe('Zalo quick replies', () => {
  it('sends quick replies as oa.query.show buttons on the last text part (at most 5)', async () => {
    const replies = ['Gặp nhân viên', 'Xem bảng giá', 'Giờ mở cửa', 'Địa chỉ', 'Phí ship', 'Khác'];
    expect((await channel.doSend({ conversationId, message: { text: 'Dạ, shop chưa rõ ý anh/chị ạ.', quickReplies: replies } })).status).toBe('sent');
    expect(fake.sent[0]!.message).toEqual({
      text: 'Dạ, shop chưa rõ ý anh/chị ạ.',
      attachment: {
        type: 'template',
        payload: { template_type: 'button', buttons: replies.slice(0, 5).map((title) => ({ title, type: 'oa.query.show', payload: title })) },
      },
    });
  });

  it('a tapped button comes back as user_send_text with the label, like typed text', async () => {
    const driver = createZaloWebhookDriver({ target: (r) => channel.handleWebhook(r), appId, oaId, oaSecretKey });
    await driver.deliver(driver.textEvent({ userId: user, text: 'Gặp nhân viên', msgId: 'tap-1' }));
    expect(host.events[0]).toMatchObject({ type: 'message', message: { text: 'Gặp nhân viên' } });
  });
});
