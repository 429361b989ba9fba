import { describe, expect, it } from 'vitest';
import { createTelegramChannelFromConfig } from './telegram-connection-config';

describe('createTelegramChannelFromConfig', () => {
  it('uses the stored secret token and rejects a malformed bot token with a 400', async () => {
    const channel = createTelegramChannelFromConfig({ bot_token: '1:abc', secret_token: 'sec_1' });
    const request = (secret: string) => new Request('http://x/', { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': secret }, body: '{"update_id":1}' });
    expect((await channel.handleWebhook(request('sec_1'))).status).toBe(200);
    expect((await channel.handleWebhook(request('sec_2'))).status).toBe(401);
    expect(() => createTelegramChannelFromConfig({ bot_token: 'nope' })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
