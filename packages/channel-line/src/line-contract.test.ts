import { channelContract } from '@agent-chatbot/testkit';
import { createFakeLine, createLineWebhookDriver } from '@agent-chatbot/testkit/fake-channels';
import { createLineChannel } from './create-line-channel';

const channelSecret = 'channel_secret_example';
const channelAccessToken = 'line-token';
const destination = `U${'1'.repeat(32)}`;
const user = `U4af4980629a0b1c2d3e4f5a6b7c8d9e0`;
const group = `C${'a'.repeat(32)}`;
const driver = createLineWebhookDriver({ target: () => Promise.reject(new Error('unused')), channelSecret, destination });
const body = (...events: Array<Record<string, unknown>>) => JSON.stringify({ destination, events });
const ts = Date.now();
const base = (id: string, extra: Record<string, unknown>) => ({ mode: 'active', timestamp: ts, source: { type: 'user', userId: user }, webhookEventId: id, deliveryContext: { isRedelivery: false }, ...extra });

channelContract({
  name: 'line',
  create: async () => {
    const fake = await createFakeLine({ channelAccessToken, botUserId: destination });
    return {
      channel: createLineChannel({ channelSecret, channelAccessToken, apiBase: fake.url }),
      sendConversationId: `line:${user}`,
      failNextSend: (kind) => fake.failNext(kind === 'permanent' ? 'invalid' : kind),
      sentCount: () => fake.sent.length,
      close: () => fake.close(),
    };
  },
  signRequest: (raw, options) => driver.request(raw, options),
  fixtures: [
    { name: 'text message', body: body(driver.textEvent({ userId: user, text: 'Xin chào', webhookEventId: '01HBXZ8Q5K3M2N1P0R9S8T7V6W', timestamp: ts })), expectedEventIds: ['01HBXZ8Q5K3M2N1P0R9S8T7V6W'] },
    { name: 'image message', body: body(base('01HBXZ8Q5K3M2N1P0R9S8T7V6X', { type: 'message', replyToken: 'r1', message: { type: 'image', id: '4687', contentProvider: { type: 'line' } } })), expectedEventIds: ['01HBXZ8Q5K3M2N1P0R9S8T7V6X'] },
    { name: 'group message', body: body({ ...base('01HBXZ8Q5K3M2N1P0R9S8T7V6Y', { type: 'message', replyToken: 'r2', message: { type: 'text', id: '1', text: 'hi' } }), source: { type: 'group', groupId: group, userId: user } }), expectedEventIds: ['01HBXZ8Q5K3M2N1P0R9S8T7V6Y'] },
    { name: 'postback, follow and unfollow', body: body(base('01PB', { type: 'postback', replyToken: 'r3', postback: { data: 'action=buy' } }), base('01FO', { type: 'follow', replyToken: 'r4', follow: { isUnblocked: false } }), base('01UF', { type: 'unfollow' })), expectedEventIds: ['01PB', '01FO', '01UF'] },
    { name: 'console verification (no events)', body: driver.verificationBody(), expectedEventIds: [] },
    { name: 'standby mode and unsend (ignored)', body: body(base('01SB', { type: 'message', mode: 'standby', message: { type: 'text', id: '2', text: 'x' } }), base('01US', { type: 'unsend', unsend: { messageId: '1' } })), expectedEventIds: [] },
  ],
});
