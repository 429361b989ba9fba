import { channelContract } from '@agent-chatbot/testkit';
import { createFakeZalo, createZaloWebhookDriver, type FakeZalo } from '@agent-chatbot/testkit/fake-channels';
import { createZaloChannel } from './create-zalo-channel';
import { memoryZaloTokenStore } from './zalo-tokens';

const appId = '1234567890123456789';
const oaId = '388613280878808645';
const oaSecretKey = 'oa_secret_key_example';
const appSecret = 'app_secret_example';
const user = '246845883529197922';
const driver = createZaloWebhookDriver({ target: () => Promise.reject(new Error('unused')), appId, oaId, oaSecretKey });
const ts = Date.now();
const base = { app_id: appId, sender: { id: user }, user_id_by_app: '552177279717587730', recipient: { id: oaId }, timestamp: String(ts) };
const media = (event: string, msgId: string, type: string, payload: Record<string, unknown>) =>
  JSON.stringify({ ...base, event_name: event, message: { msg_id: msgId, attachments: [{ type, payload }] } });

channelContract({
  name: 'zalo',
  create: async () => {
    const fake: FakeZalo = await createFakeZalo({ appId, appSecret, oaId });
    const tokens = fake.currentTokens();
    const channel = createZaloChannel({
      appId,
      appSecret,
      oaSecretKey,
      oaId,
      tokenStore: memoryZaloTokenStore({ ...tokens, accessTokenExpiresAt: new Date(Date.now() + 90_000_000) }),
      apiBase: fake.url,
      oauthBase: fake.url,
    });
    return {
      channel,
      sendConversationId: `zalo:${oaId}:${user}`,
      failNextSend: (kind) => fake.failNext(kind === 'permanent' ? 'user_blocked' : kind),
      sentCount: () => fake.sent.length,
      close: () => fake.close(),
    };
  },
  signRequest: (body, { forge, unsigned }) => {
    const request = driver.request(body, { forge });
    if (unsigned) request.headers.delete('x-zevent-signature');
    return request;
  },
  malformedBody: `{"app_id":"${appId}","timestamp":"${ts}","event_name":`,
  fixtures: [
    { name: 'user_send_text', body: JSON.stringify(driver.textEvent({ userId: user, text: 'Xin chào shop', msgId: 'msg-text-1', timestamp: ts })), expectedEventIds: ['msg-text-1'] },
    { name: 'user_send_image', body: media('user_send_image', 'msg-img-1', 'image', { url: 'https://s.zdn.vn/a.jpg', thumbnail: 'https://s.zdn.vn/t.jpg' }), expectedEventIds: ['msg-img-1'] },
    { name: 'user_send_file', body: media('user_send_file', 'msg-file-1', 'file', { url: 'https://f.zdn.vn/b.pdf', name: 'bao-gia.pdf', size: '2048', type: 'pdf' }), expectedEventIds: ['msg-file-1'] },
    { name: 'user_send_sticker', body: media('user_send_sticker', 'msg-st-1', 'sticker', { url: 'https://s.zdn.vn/st.png', id: '123' }), expectedEventIds: ['msg-st-1'] },
    { name: 'user_send_location', body: media('user_send_location', 'msg-loc-1', 'location', { coordinates: { latitude: '10.77', longitude: '106.70' } }), expectedEventIds: ['msg-loc-1'] },
    { name: 'follow', body: JSON.stringify(driver.followEvent({ userId: user, timestamp: ts })), expectedEventIds: [`follow:${oaId}:${user}:${ts}`] },
    { name: 'unfollow', body: JSON.stringify(driver.followEvent({ userId: user, unfollow: true, timestamp: ts })), expectedEventIds: [`unfollow:${oaId}:${user}:${ts}`] },
    {
      name: 'oa_send_text echo (ignored)',
      body: JSON.stringify({ app_id: appId, sender: { id: oaId, admin_id: '1' }, recipient: { id: user }, event_name: 'oa_send_text', message: { msg_id: 'echo-1', text: 'Dạ' }, timestamp: String(ts) }),
      expectedEventIds: [],
    },
  ],
});
