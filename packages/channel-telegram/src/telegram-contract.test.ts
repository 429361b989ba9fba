import { channelContract } from '@agent-chatbot/testkit';
import { createFakeTelegram, createTelegramWebhookDriver } from '@agent-chatbot/testkit/fake-channels';
import { createTelegramChannel } from './create-telegram-channel';

const botToken = '7000000001:AAFakeTokenForTests_123';
const secretToken = 'contract-secret_1';
const driver = createTelegramWebhookDriver({ target: () => Promise.reject(new Error('unused')), secretToken });
const chatId = 123456789;

channelContract({
  name: 'telegram',
  create: async () => {
    const fake = await createFakeTelegram({ botToken });
    return {
      channel: createTelegramChannel({ botToken, secretToken, apiBase: fake.url }),
      sendConversationId: `telegram:${chatId}`,
      failNextSend: (kind) => fake.failNext(kind === 'permanent' ? 'blocked' : kind),
      sentCount: () => fake.sent.length,
      close: () => fake.close(),
    };
  },
  signRequest: (body, options) => driver.request(body, options),
  signatureCoversBody: false,
  fixtures: [
    { name: 'text message', body: JSON.stringify(driver.textUpdate({ chatId, text: 'Xin chào', updateId: 914236001 })), expectedEventIds: ['914236001'] },
    {
      name: 'photo with caption',
      body: JSON.stringify({ update_id: 914236002, message: { message_id: 43, from: { id: chatId, is_bot: false, first_name: 'An' }, chat: { id: chatId, type: 'private' }, date: 1700000000, caption: 'Mẫu này', photo: [{ file_id: 'small', file_size: 10 }, { file_id: 'large', file_size: 99 }] } }),
      expectedEventIds: ['914236002'],
    },
    {
      name: 'group message',
      body: JSON.stringify({ update_id: 914236003, message: { message_id: 44, from: { id: 5, is_bot: false, first_name: 'B' }, chat: { id: -100123, type: 'supergroup' }, date: 1700000000, text: 'hi' } }),
      expectedEventIds: ['914236003'],
    },
    {
      name: 'callback query',
      body: JSON.stringify({ update_id: 914236004, callback_query: { id: 'cq1', from: { id: chatId, is_bot: false, first_name: 'An' }, chat_instance: 'x', data: 'BUY_1', message: { message_id: 45, chat: { id: chatId, type: 'private' }, date: 1700000000 } } }),
      expectedEventIds: ['914236004'],
    },
    { name: 'edited message (ignored)', body: JSON.stringify({ update_id: 914236005, edited_message: { message_id: 1 } }), expectedEventIds: [] },
  ],
});
