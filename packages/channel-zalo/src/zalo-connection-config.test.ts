import { createFakeZalo, createRecordingHost, createZaloWebhookDriver } from '@agent-chatbot/testkit/fake-channels';
import { describe, expect, it } from 'vitest';
import { createZaloChannelFromConfig } from './zalo-connection-config';

describe('createZaloChannelFromConfig', () => {
  it('rejects a config with missing or malformed keys as a 400 naming them', () => {
    expect(() => createZaloChannelFromConfig({ app_id: 'abc', oa_id: '1' }, {})).toThrow(expect.objectContaining({ status: 400, code: 'validation_failed' }));
    try {
      createZaloChannelFromConfig({ app_id: 'abc' }, {});
    } catch (error) {
      const paths = ((error as { details: { issues: Array<{ path: string }> } }).details.issues).map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['app_id', 'oa_secret_key', 'access_token']));
    }
  });

  it('builds a working channel from Zalo key names, and ignores its own oa_send_* echoes', async () => {
    const fake = await createFakeZalo({ appId: '11', appSecret: 's', oaId: '22', accessToken: 'tok' });
    const channel = createZaloChannelFromConfig({ app_id: '11', app_secret: 's', oa_id: '22', oa_secret_key: 'k', access_token: 'tok' }, { apiBase: fake.url, oauthBase: fake.url });
    const host = createRecordingHost();
    await channel.initialize(host);
    try {
      expect(await channel.doSend({ conversationId: 'zalo:22:33', message: { text: 'Chào bạn' } })).toMatchObject({ status: 'sent' });
      const driver = createZaloWebhookDriver({ target: (r) => channel.handleWebhook(r), appId: '11', oaId: '22', oaSecretKey: 'k' });
      expect((await driver.deliver(fake.echoes[0]!)).delivered).toBe(true);
      expect(host.events).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });
});
