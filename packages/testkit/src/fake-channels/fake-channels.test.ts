import { describe, expect, it } from 'vitest';
import { createFakeZalo } from './fake-zalo';
import { createRecordingHost } from './recording-host';
import { deliverWithRetries, buildWebhookRequest } from './webhook-driver';
import { metaJsonStringify, signLineWebhook, signMessengerWebhook, signZaloWebhook } from './webhook-signers';
import { createZaloWebhookDriver } from './zalo-webhook-driver';

describe('webhook signers (channels.md test vectors)', () => {
  it('signs Zalo, Messenger and LINE bodies exactly as documented', () => {
    const zaloBody =
      '{"app_id":"1234567890123456789","sender":{"id":"246845883529197922"},"user_id_by_app":"552177279717587730","recipient":{"id":"388613280878808645"},"event_name":"user_send_text","message":{"text":"xin chao","msg_id":"96d3cdf3af150460909"},"timestamp":"1700000000000"}';
    expect(signZaloWebhook({ appId: '1234567890123456789', oaSecretKey: 'oa_secret_key_example', rawBody: zaloBody })).toBe('mac=b9fd26c40acdc3f8cf0210480c1733706e12ef6b35472310b9a9f673715740aa');
    const metaBody = '{"object":"page","entry":[{"id":"PAGE_ID","time":1700000000000,"messaging":[{"sender":{"id":"PSID"},"recipient":{"id":"PAGE_ID"},"timestamp":1700000000000,"message":{"mid":"m_abc","text":"hello"}}]}]}';
    expect(signMessengerWebhook({ appSecret: 'app_secret_example', rawBody: metaBody })).toBe('sha256=1a6f0e8cc754918fc842a87791c3efb6fc2a9658fb8a1e95037ac3f3020aeda6');
    expect(signLineWebhook({ channelSecret: 'channel_secret_example', rawBody: '{"destination":"U00000000000000000000000000000000","events":[]}' })).toBe('aYC9bMfpb0X3q6/6Lau4XMB3LKFCcnCTBvMAz2ah3cU=');
  });

  it('escapes non-ASCII like Meta', () => {
    expect(metaJsonStringify({ text: 'Xin chào 😀' })).toBe('{"text":"Xin ch\\u00e0o \\ud83d\\ude00"}');
    expect(JSON.parse(metaJsonStringify({ text: 'Xin chào 😀' }))).toEqual({ text: 'Xin chào 😀' });
  });
});

describe('webhook driver', () => {
  it('retries on non-2xx and errors, then stops at the first 2xx', async () => {
    const seen: string[] = [];
    let calls = 0;
    const delivery = await deliverWithRetries({
      target: async (request) => {
        seen.push(request.headers.get('num_retry') ?? '-');
        calls += 1;
        if (calls === 1) throw new Error('connection reset');
        return new Response(null, { status: calls === 2 ? 500 : 200 });
      },
      retryDelaysMs: [1, 1, 1, 1],
      build: (attempt) => buildWebhookRequest('{}', attempt ? { num_retry: String(attempt) } : {}),
    });
    expect(delivery.delivered).toBe(true);
    expect(delivery.attempts.map((a) => a.status ?? a.error)).toEqual(['connection reset', 500, 200]);
    expect(seen).toEqual(['-', '1', '2']);
  });

  it('posts to a real URL, and gives up after the last retry', async () => {
    const fake = await createFakeZalo({ appId: '1', appSecret: 's', oaId: '2' });
    try {
      const driver = createZaloWebhookDriver({ target: `${fake.url}/nowhere`, appId: '1', oaId: '2', oaSecretKey: 'k' });
      const delivery = await driver.deliver(driver.textEvent({ userId: '3', text: 'x' }), { retryDelaysMs: [1, 1] });
      expect(delivery).toMatchObject({ delivered: false });
      expect(delivery.attempts.map((a) => a.status)).toEqual([404, 404, 404]);
      expect(fake.requests.map((r) => r.headers['num_retry'])).toEqual([undefined, '1', '2']);
    } finally {
      await fake.close();
    }
  });
});

describe('fake Zalo OAuth', () => {
  it('rotates single-use refresh tokens and rejects reuse', async () => {
    const fake = await createFakeZalo({ appId: '10', appSecret: 'sec', oaId: '20', refreshToken: 'rt0', accessTokenTtlSeconds: 60 });
    const refresh = (token: string, secret = 'sec') =>
      fetch(`${fake.url}/v4/oa/access_token`, { method: 'POST', headers: { secret_key: secret, 'content-type': 'application/x-www-form-urlencoded' }, body: `refresh_token=${token}&app_id=10&grant_type=refresh_token` }).then((r) => r.json() as Promise<Record<string, unknown>>);
    try {
      const first = await refresh('rt0');
      expect(first).toMatchObject({ expires_in: '60' });
      expect(await refresh('rt0')).toMatchObject({ error: -14014 });
      expect(await refresh(String(first.refresh_token), 'wrong')).toMatchObject({ error: -14002 });
      expect(await refresh(String(first.refresh_token))).toHaveProperty('access_token');
      expect(fake.refreshCount()).toBe(2);
    } finally {
      await fake.close();
    }
  });
});

describe('recording host', () => {
  it('records batches and fails on demand', async () => {
    const host = createRecordingHost();
    host.failNextReceive();
    await expect(host.receive([])).rejects.toThrow();
    await host.receive([]);
    expect(host.batches).toHaveLength(1);
    expect(await host.cache.setIfNotExists('k', 1, { ttlMs: 1000 })).toBe(true);
    expect(await host.cache.setIfNotExists('k', 2)).toBe(false);
  });
});
