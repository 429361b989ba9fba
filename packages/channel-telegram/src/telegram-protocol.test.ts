import { createFakeTelegram, createRecordingHost, createTelegramWebhookDriver, type FakeTelegram } from '@agent-chatbot/testkit/fake-channels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramChannel, type TelegramChannel } from './create-telegram-channel';

const botToken = '7000000001:AAFakeTokenForTests_123';
let fake: FakeTelegram;
let channel: TelegramChannel;
let host: ReturnType<typeof createRecordingHost>;

beforeEach(async () => {
  fake = await createFakeTelegram({ botToken, username: 'shop_bot' });
  channel = createTelegramChannel({ botToken, apiBase: fake.url });
  host = createRecordingHost();
  await channel.initialize(host);
});
afterEach(async () => {
  await channel.disconnect?.();
  await fake.close();
});

describe('Telegram channel', () => {
  it('setWebhook generates a secret token, registers it and then requires it', async () => {
    const driverless = await channel.handleWebhook(new Request('http://x/', { method: 'POST', body: '{}' }));
    expect(driverless.status).toBe(401);
    const { secretToken } = await channel.setWebhook('https://bots.example.vn/webhooks/telegram/conn_1');
    expect(secretToken).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    expect(fake.webhook()).toEqual({ url: 'https://bots.example.vn/webhooks/telegram/conn_1', secretToken });
    const driver = createTelegramWebhookDriver({ target: (r) => channel.handleWebhook(r), secretToken });
    expect((await driver.deliver(driver.textUpdate({ chatId: 42, text: 'hi', updateId: 7 }))).delivered).toBe(true);
    expect(host.events).toMatchObject([{ eventId: '7', conversationId: 'telegram:42', accountId: '7000000001', sender: { id: '42', name: 'An' }, message: { text: 'hi' } }]);
    expect((await channel.handleWebhook(driver.request('{}', { forge: true }))).status).toBe(401);
  });

  it('splits texts over 4,096 characters at sentence boundaries', async () => {
    const sentence = 'Đơn hàng của bạn sẽ được giao trong hai ngày làm việc. ';
    const text = sentence.repeat(150);
    const result = await channel.doSend({ conversationId: 'telegram:42', message: { text } });
    expect(result.status).toBe('sent');
    // Whole sentences per part: as many as fit in 4,096 characters.
    expect(fake.sent.length).toBe(Math.ceil(150 / Math.floor(4096 / sentence.length)));
    for (const call of fake.sent) {
      expect([...String(call.body.text)].length).toBeLessThanOrEqual(4096);
      expect(String(call.body.text).endsWith('việc.')).toBe(true);
    }
    expect(fake.sent.map((c) => c.body.text).join(' ')).toBe(text.trim());
  });

  it('returns 429 retry_after as rate_limited with retryAfterMs', async () => {
    fake.setRetryAfter(35);
    fake.failNext('rate_limit');
    const result = await channel.doSend({ conversationId: 'telegram:42', message: { text: 'x' } });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'rate_limited', retryable: true, retryAfterMs: 35_000, providerCode: 429 } });
  });

  it('maps blocked, unknown chat and bad token to permanent failures', async () => {
    fake.failNext('blocked');
    fake.failNext('chat_not_found');
    const send = () => channel.doSend({ conversationId: 'telegram:42', message: { text: 'x' } });
    expect(await send()).toMatchObject({ status: 'failed', error: { code: 'user_blocked', retryable: false } });
    expect(await send()).toMatchObject({ status: 'failed', error: { code: 'invalid_recipient', retryable: false } });
    const wrong = createTelegramChannel({ botToken: '7000000001:wrong', apiBase: fake.url });
    expect(await wrong.doSend({ conversationId: 'telegram:42', message: { text: 'x' } })).toMatchObject({ status: 'failed', error: { code: 'token_invalid', retryable: false } });
    expect(await wrong.testConnection?.()).toMatchObject({ ok: false });
  });

  it('sends quick replies as a one-time keyboard, images with sendPhoto, typing with sendChatAction', async () => {
    await channel.doSend({ conversationId: 'telegram:42', message: { text: 'Chọn size?', quickReplies: ['S', 'M'], attachments: [{ type: 'image', url: 'https://cdn.example/a.jpg' }] } });
    expect(fake.sent.map((c) => c.method)).toEqual(['sendMessage', 'sendPhoto']);
    expect(fake.sent[0]?.body.reply_markup).toEqual({ keyboard: [[{ text: 'S' }], [{ text: 'M' }]], one_time_keyboard: true, resize_keyboard: true });
    await channel.startTyping?.('telegram:42');
    expect(fake.calls.some((c) => c.method === 'sendChatAction' && c.body.action === 'typing')).toBe(true);
  });

  it('answers callback queries after storing the postback, and tests the connection with getMe', async () => {
    const { secretToken } = await channel.setWebhook('https://x.example/h');
    const driver = createTelegramWebhookDriver({ target: (r) => channel.handleWebhook(r), secretToken });
    await driver.deliver({ update_id: 9, callback_query: { id: 'cq9', from: { id: 42, is_bot: false, first_name: 'An' }, data: 'SIZE_M', message: { message_id: 1, chat: { id: 42, type: 'private' }, date: 1 } } });
    expect(host.events).toMatchObject([{ type: 'postback', eventId: '9', message: { text: 'SIZE_M' } }]);
    await expect.poll(() => fake.calls.some((c) => c.method === 'answerCallbackQuery' && c.body.callback_query_id === 'cq9')).toBe(true);
    expect(await channel.testConnection?.()).toEqual({ ok: true, details: '@shop_bot' });
  });
});

describe('Telegram media', () => {
  it('downloads a customer file from telegram-file:<file_id> via getFile, never exposing the token in events', async () => {
    fake.addFile('file-abc', new TextEncoder().encode('%PDF-1.7 fake'), 'application/pdf');
    const { secretToken } = await channel.setWebhook('https://x.example/h');
    const driver = createTelegramWebhookDriver({ target: (r) => channel.handleWebhook(r), secretToken });
    await driver.deliver({ update_id: 11, message: { message_id: 3, from: { id: 42, is_bot: false, first_name: 'An' }, chat: { id: 42, type: 'private' }, date: 1700000000, document: { file_id: 'file-abc', file_name: 'bao-gia.pdf', mime_type: 'application/pdf', file_size: 13 } } });
    const attachment = host.events[0]?.message?.attachments?.[0];
    expect(attachment).toEqual({ type: 'file', url: 'telegram-file:file-abc', name: 'bao-gia.pdf', mimeType: 'application/pdf', size: 13 });
    expect(JSON.stringify(host.events)).not.toContain(botToken);
    const response = await channel.fetchAttachment(attachment!.url!);
    expect(await response.text()).toBe('%PDF-1.7 fake');
    await expect(channel.fetchAttachment('telegram-file:missing')).rejects.toMatchObject({ code: 'provider_error' });
  });
});
