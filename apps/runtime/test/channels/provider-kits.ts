/**
 * One kit per provider: its fake server (real HTTP on 127.0.0.1), the config `channel add`
 * takes, and a signed webhook driver aimed at the runtime's webhook URL. Each kit answers the
 * same questions, so the end-to-end suite runs unchanged for all four channels.
 */
import {
  createFakeGraph,
  createFakeLine,
  createFakeTelegram,
  createFakeZalo,
  createLineWebhookDriver,
  createMessengerWebhookDriver,
  createTelegramWebhookDriver,
  createZaloWebhookDriver,
  type FakeGraph,
  type FakeLine,
  type FakeTelegram,
  type FakeZalo,
} from '@agent-chatbot/testkit/fake-channels';
import { randomBytes } from 'node:crypto';
import type { ChannelProviderSettings, ChannelType } from '../../src/channels/channel-settings';
import { postRequest } from './channel-rig';

/** A signed webhook sender for one connection. */
export interface KitDriver {
  /** A fresh text event body (unique provider event id). */
  textEvent(text: string): string;
  /** Posts a body signed correctly; resolves with the HTTP status. */
  post(rawBody: string): Promise<number>;
  /** Posts a body with a forged signature. */
  postForged(rawBody: string): Promise<number>;
}

/** One provider under test. */
export interface ProviderKit {
  readonly type: ChannelType;
  readonly providers: ChannelProviderSettings;
  /** The config for `channel add` (the provider's own key names). */
  config(variant?: string): Record<string, unknown>;
  /** Secret values of a config that must never appear in responses or logs. */
  secrets(variant?: string): string[];
  /** A driver posting to `webhookUrl`, signing with the secrets of `config` (a stored connection config). */
  driver(webhookUrl: string, config: Record<string, unknown>): KitDriver;
  /** Texts the fake accepted (replies captured). */
  sentTexts(): string[];
  /** Makes the next `times` sends fail with a server error. */
  failSends(times: number): void;
  close(): Promise<void>;
}

const rid = () => randomBytes(6).toString('hex');

/** Zalo OA: one fake for API and OAuth; variants are different apps/OAs. */
export async function zaloKit(): Promise<ProviderKit & { fake: FakeZalo }> {
  const fake = await createFakeZalo({ appId: '1234567890123', appSecret: 'zalo-app-secret-AAAA1111', oaId: '4455667788', accessToken: 'zalo-access-BBBB2222', refreshToken: 'zalo-refresh-CCCC3333' });
  const cfg = (v = 'a') =>
    v === 'a'
      ? { app_id: '1234567890123', app_secret: 'zalo-app-secret-AAAA1111', oa_id: '4455667788', oa_secret_key: 'zalo-oa-secret-DDDD4444', access_token: 'zalo-access-BBBB2222', refresh_token: 'zalo-refresh-CCCC3333' }
      : { app_id: '9876543210987', app_secret: `zalo-app-secret-${v}-EEEE5555`, oa_id: '1122334455', oa_secret_key: `zalo-oa-secret-${v}-FFFF6666`, access_token: `zalo-access-${v}-GGGG7777`, refresh_token: `zalo-refresh-${v}-HHHH8888` };
  return {
    type: 'zalo',
    fake,
    providers: { zaloApiBase: fake.url, zaloOauthBase: fake.url },
    config: cfg,
    secrets: (v) => { const c = cfg(v); return [c.app_secret, c.oa_secret_key, c.access_token, c.refresh_token]; },
    driver(url, c) {
      const d = createZaloWebhookDriver({ target: url, appId: String(c.app_id), oaId: String(c.oa_id), oaSecretKey: String(c.oa_secret_key) });
      return {
        textEvent: (text) => JSON.stringify(d.textEvent({ userId: `84${rid()}`, text })),
        post: async (raw) => (await postRequest(url, d.request(raw))).status,
        postForged: async (raw) => (await postRequest(url, d.request(raw, { forge: true }))).status,
      };
    },
    sentTexts: () => fake.sent.map((s) => String(s.message.text ?? '')),
    failSends: (times) => fake.failNext('server_error', times),
    close: () => fake.close(),
  };
}

/** Messenger: the fake Graph API of one Page. */
export async function messengerKit(): Promise<ProviderKit & { fake: FakeGraph }> {
  const fake = await createFakeGraph({ pageId: '102938475610', pageAccessToken: 'EAAGpage-token-IIII9999' });
  const cfg = (v = 'a') =>
    v === 'a'
      ? { page_id: '102938475610', page_access_token: 'EAAGpage-token-IIII9999', app_secret: 'meta-app-secret-JJJJ0000' }
      : { page_id: '564738291000', page_access_token: `EAAGpage-token-${v}-KKKK1111`, app_secret: `meta-app-secret-${v}-LLLL2222`, verify_token: `verify-${v}-TTTT0000` };
  return {
    type: 'messenger',
    fake,
    providers: { graphApiBase: fake.url },
    config: cfg,
    secrets: (v) => { const c = cfg(v); return [c.page_access_token, c.app_secret]; },
    driver(url, c) {
      const d = createMessengerWebhookDriver({ target: url, appSecret: String(c.app_secret), pageId: String(c.page_id) });
      return {
        textEvent: (text) => JSON.stringify(d.textEvent({ psid: `7${rid()}`, text })),
        post: async (raw) => (await postRequest(url, d.request(raw))).status,
        postForged: async (raw) => (await postRequest(url, d.request(raw, { forge: true }))).status,
      };
    },
    sentTexts: () => fake.sent.map((s) => String(s.message.text ?? '')),
    failSends: (times) => fake.failNext('server_error', times),
    close: () => fake.close(),
  };
}

/** Telegram: the secret token is the one `channel add` generated and registered with setWebhook. */
export async function telegramKit(): Promise<ProviderKit & { fake: FakeTelegram }> {
  const fake = await createFakeTelegram({ botToken: '7011223344:AAH-telegram-bot-MMMM3333' });
  const cfg = (v = 'a') =>
    v === 'a' ? { bot_token: '7011223344:AAH-telegram-bot-MMMM3333' } : { bot_token: `7099887766:AAH-telegram-${v}-NNNN4444`, secret_token: `tg-secret-${v}-SSSS9999` };
  return {
    type: 'telegram',
    fake,
    providers: { telegramApiBase: fake.url },
    config: cfg,
    secrets: (v) => Object.values(cfg(v)).concat(v === undefined || v === 'a' ? [fake.webhook()?.secretToken ?? ''] : []).filter(Boolean),
    driver(url, c) {
      const d = createTelegramWebhookDriver({ target: url, secretToken: String(c.secret_token), firstUpdateId: 500_000 + Math.floor(Math.random() * 400_000_000) });
      return {
        textEvent: (text) => JSON.stringify(d.textUpdate({ chatId: 600_000 + Math.floor(Math.random() * 1e6), text })),
        post: async (raw) => (await postRequest(url, d.request(raw))).status,
        postForged: async (raw) => (await postRequest(url, d.request(raw, { forge: true }))).status,
      };
    },
    sentTexts: () => fake.sent.filter((s) => s.method === 'sendMessage').map((s) => String(s.body.text ?? '')),
    failSends: (times) => fake.failNext('server_error', times),
    close: () => fake.close(),
  };
}

/** LINE: replies use a reply token the fake issued. */
export async function lineKit(): Promise<ProviderKit & { fake: FakeLine }> {
  const fake = await createFakeLine({ channelAccessToken: 'line-access-token-OOOO5555', botUserId: 'U0bot0000000000000000000000000000' });
  const cfg = (v = 'a') =>
    v === 'a'
      ? { channel_secret: 'line-channel-secret-PPPP6666', channel_access_token: 'line-access-token-OOOO5555' }
      : { channel_secret: `line-channel-secret-${v}-QQQQ7777`, channel_access_token: `line-access-token-${v}-RRRR8888` };
  return {
    type: 'line',
    fake,
    providers: { lineApiBase: fake.url },
    config: cfg,
    secrets: (v) => Object.values(cfg(v)),
    driver(url, c) {
      const d = createLineWebhookDriver({ target: url, channelSecret: String(c.channel_secret), destination: 'U0bot0000000000000000000000000000' });
      return {
        textEvent: (text) =>
          JSON.stringify({ destination: 'U0bot0000000000000000000000000000', events: [d.textEvent({ userId: `U${randomBytes(16).toString('hex')}`, text, replyToken: fake.issueReplyToken() })] }),
        post: async (raw) => (await postRequest(url, d.request(raw))).status,
        postForged: async (raw) => (await postRequest(url, d.request(raw, { forge: true }))).status,
      };
    },
    sentTexts: () => fake.sent.flatMap((s) => s.messages.map((m) => String(m.text ?? ''))),
    failSends: (times) => fake.failNext('server_error', times),
    close: () => fake.close(),
  };
}
