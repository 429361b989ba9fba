import { channelContract } from '@agent-chatbot/testkit';
import { createFakeGraph, createMessengerWebhookDriver, metaJsonStringify } from '@agent-chatbot/testkit/fake-channels';
import { createMessengerChannel } from './create-messenger-channel';

const appSecret = 'app_secret_example';
const pageId = '1122334455';
const psid = '998877665544';
const pageAccessToken = 'EAAB-page-token';
const driver = createMessengerWebhookDriver({ target: () => Promise.reject(new Error('unused')), appSecret, pageId });
const ts = Date.now();
const item = (extra: Record<string, unknown>) => ({ sender: { id: psid }, recipient: { id: pageId }, timestamp: ts, ...extra });
const body = (...items: Array<Record<string, unknown>>) => metaJsonStringify({ object: 'page', entry: [{ id: pageId, time: ts, messaging: items }] });

channelContract({
  name: 'messenger',
  create: async () => {
    const fake = await createFakeGraph({ pageId, pageAccessToken });
    return {
      channel: createMessengerChannel({ appSecret, pageAccessToken, verifyToken: 'verify-me', pageId, graphApiBase: fake.url }),
      sendConversationId: `messenger:${pageId}:${psid}`,
      failNextSend: (kind) => fake.failNext(kind === 'permanent' ? 'user_unavailable' : kind),
      sentCount: () => fake.sent.length,
      close: () => fake.close(),
    };
  },
  signRequest: (raw, options) => driver.request(raw, options),
  fixtures: [
    { name: 'text (Vietnamese, \\u-escaped like Meta)', body: body(item({ message: { mid: 'm_text1', text: 'Cho mình hỏi giá áo' } })), expectedEventIds: ['m_text1'] },
    { name: 'image attachment', body: body(item({ message: { mid: 'm_img1', attachments: [{ type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/a.jpg' } }] } })), expectedEventIds: ['m_img1'] },
    { name: 'quick reply tap', body: body(item({ message: { mid: 'm_qr1', text: 'Size M', quick_reply: { payload: 'SIZE_M' } } })), expectedEventIds: ['m_qr1'] },
    { name: 'postback', body: body(item({ postback: { mid: 'm_pb1', title: 'Bắt đầu', payload: 'GET_STARTED' } })), expectedEventIds: ['m_pb1'] },
    { name: 'batched entries', body: body(item({ message: { mid: 'm_b1', text: 'a' } }), item({ message: { mid: 'm_b2', text: 'b' } })), expectedEventIds: ['m_b1', 'm_b2'] },
    { name: 'echo, delivery and read (ignored)', body: body({ sender: { id: pageId }, recipient: { id: psid }, timestamp: ts, message: { mid: 'm_echo', is_echo: true, app_id: 1, text: 'Dạ' } }, item({ delivery: { mids: ['m_x'], watermark: ts } }), item({ read: { watermark: ts } })), expectedEventIds: [] },
    { name: 'spec test vector', body: '{"object":"page","entry":[{"id":"1122334455","time":1700000000000,"messaging":[{"sender":{"id":"PSID"},"recipient":{"id":"1122334455"},"timestamp":1700000000000,"message":{"mid":"m_abc","text":"hello"}}]}]}', expectedEventIds: ['m_abc'] },
  ],
});
