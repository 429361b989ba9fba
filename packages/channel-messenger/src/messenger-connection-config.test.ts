import { describe, expect, it } from 'vitest';
import { createMessengerChannelFromConfig, generateMessengerVerifyToken } from './messenger-connection-config';

describe('createMessengerChannelFromConfig', () => {
  it('maps Meta key names and rejects bad configs with a 400', async () => {
    const verify_token = generateMessengerVerifyToken();
    expect(verify_token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const channel = createMessengerChannelFromConfig({ page_id: '1', page_access_token: 't', app_secret: 's', verify_token });
    const answer = await channel.handleWebhook(new Request(`http://x/?hub.mode=subscribe&hub.verify_token=${verify_token}&hub.challenge=42`));
    expect(await answer.text()).toBe('42');
    expect(() => createMessengerChannelFromConfig({ page_id: 'x' })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
