/**
 * The four provider channels end to end on real Postgres: signed webhooks in through the real
 * HTTP app, pg-boss jobs answering in no-LLM mode, replies captured by the fake providers.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelContext } from '../../src/channels/channel-context';
import { createWebhookRouter } from '../../src/channels/webhook-router';
import { loadConnection } from '../../src/channels/connection-store';
import { insertConnection } from '../../src/channels/connection-store';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { startChannelRig, type ChannelRig } from './channel-rig';
import { waitFor } from '../helpers/wait';
import { lineKit, messengerKit, telegramKit, zaloKit, type ProviderKit } from './provider-kits';

const skip = await postgresUnavailable();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Connected {
  kit: ProviderKit;
  id: string;
  url: string;
  config: Record<string, unknown>;
  bId: string;
  bConfig: Record<string, unknown>;
}

describe.skipIf(skip)('provider channels end to end (Postgres)', { timeout: 30_000 }, () => {
  let database: TestDatabase;
  let rig: ChannelRig;
  let kits: ProviderKit[];
  let a: { tenantId: string; token: string };
  let b: { tenantId: string; token: string };
  const connected = new Map<string, Connected>();

  const eventsOf = async (tenantId: string, connectionId: string) =>
    rig.runtime.db.tenant(tenantId, async (tx) => Number((await tx.query<{ n: string }>('SELECT count(*) AS n FROM external_events WHERE connection_id = $1', [connectionId])).rows[0]!.n));

  beforeAll(async () => {
    database = await createTestDatabase({ max: 6 });
    kits = [await zaloKit(), await messengerKit(), await telegramKit(), await lineKit()];
    rig = await startChannelRig(database.db, { providers: Object.assign({}, ...kits.map((k) => k.providers)) });
    a = await rig.signup('a');
    b = await rig.signup('b');
    for (const kit of kits) {
      const res = await rig.call('POST', '/v1/tenant/channels', { token: a.token, body: { type: kit.type, config: kit.config() } });
      expect(res.status, res.text).toBe(201);
      expect(res.body.webhook_url).toBe(`https://bot.example.vn/webhooks/${kit.type}/${res.body.id}`);
      const id = res.body.id as string;
      const stored = await rig.runtime.db.tenant(a.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, id));
      // Tenant B's connection of the same type, with its own credentials (inserted directly: the
      // fakes only know tenant A's accounts, and only webhook routing is under test for B).
      const bId = crypto.randomUUID();
      const bConfig = kit.config('b');
      await rig.runtime.db.tenant(b.tenantId, (tx) =>
        insertConnection(tx, rig.runtime.secretBox, { id: bId, tenantId: b.tenantId, type: kit.type, name: 'B', config: bConfig, externalAccountId: null, verifyToken: null, tokenExpiresAt: null }),
      );
      connected.set(kit.type, { kit, id, url: `${rig.baseUrl}/webhooks/${kit.type}/${id}`, config: stored.config, bId, bConfig });
    }
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await Promise.all((kits ?? []).map((k) => k.close()));
    await database?.drop();
  });

  describe.each(['zalo', 'messenger', 'telegram', 'line'])('%s', (type) => {
    const c = () => connected.get(type)!;

    it('answers a signed webhook with exactly one reply (no-LLM mode)', async () => {
      const { kit, url, config, id } = c();
      const before = kit.sentTexts().length;
      const driver = kit.driver(url, config);
      expect(await driver.post(driver.textEvent('Shop ơi, áo thun còn size M không?'))).toBe(200);
      await waitFor(() => kit.sentTexts().length > before, 15_000, `${type} reply`);
      await sleep(800);
      expect(kit.sentTexts().length).toBe(before + 1);
      expect(kit.sentTexts().at(-1)!.length).toBeGreaterThan(0);
      const health = await rig.call('GET', `/v1/tenant/channels/${id}`, { token: a.token });
      expect(health.body.health.last_event_at).not.toBeNull();
    });

    it('answers the same event delivered three times once', async () => {
      const { kit, url, config, id } = c();
      const before = kit.sentTexts().length;
      const eventsBefore = await eventsOf(a.tenantId, id);
      const driver = kit.driver(url, config);
      const raw = driver.textEvent('Cho mình hỏi giá giao hàng về Đà Nẵng');
      for (let i = 0; i < 3; i += 1) expect(await driver.post(raw)).toBe(200);
      await waitFor(() => kit.sentTexts().length > before, 15_000, `${type} reply`);
      await sleep(1200);
      expect(kit.sentTexts().length).toBe(before + 1);
      expect(await eventsOf(a.tenantId, id)).toBe(eventsBefore + 1);
    });

    it('rejects a forged signature with 401 and stores nothing', async () => {
      const { kit, url, config, id } = c();
      const eventsBefore = await eventsOf(a.tenantId, id);
      const driver = kit.driver(url, config);
      expect(await driver.postForged(driver.textEvent('giả mạo'))).toBe(401);
      expect(await eventsOf(a.tenantId, id)).toBe(eventsBefore);
    });

    it("rejects tenant B's credentials on tenant A's webhook URL", async () => {
      const { kit, url, id, bId, bConfig } = c();
      const eventsBefore = await eventsOf(a.tenantId, id);
      const withB = kit.driver(url, bConfig);
      expect(await withB.post(withB.textEvent('tin của B gửi nhầm cửa'))).toBe(401);
      expect(await eventsOf(a.tenantId, id)).toBe(eventsBefore);
      // Control: B's signature is valid on B's own URL, and the event lands in B's tenant only.
      const own = kit.driver(`${rig.baseUrl}/webhooks/${type}/${bId}`, bConfig);
      expect(await own.post(own.textEvent('tin của B'))).toBe(200);
      expect(await eventsOf(b.tenantId, bId)).toBe(1);
      expect(await eventsOf(a.tenantId, bId)).toBe(0);
    });

    it('retries while the provider is down, dead-letters, and delivers on retry through the API', async () => {
      const { kit, url, config } = c();
      const before = kit.sentTexts().length;
      kit.failSends(3);
      const driver = kit.driver(url, config);
      expect(await driver.post(driver.textEvent('Shop có giao hàng nhanh không ạ?'))).toBe(200);
      const dead = await waitFor(async () => {
        const res = await rig.call('GET', '/v1/tenant/dead-letters', { token: a.token });
        return (res.body.items as Array<{ channel: string; status: string; message_id: string; attempts: number; error: string }>).find((m) => m.channel === type && m.status === 'dead');
      }, 20_000, `${type} dead letter`);
      expect(dead.attempts, JSON.stringify(dead)).toBe(3);
      expect(dead.error).toMatch(/3/);
      expect(kit.sentTexts().length).toBe(before);
      const status = await rig.call('GET', `/v1/tenant/messages/${dead.message_id}/delivery`, { token: a.token });
      expect(status.body).toMatchObject({ status: 'dead', retryable: true });
      const retry = await rig.call('POST', `/v1/tenant/messages/${dead.message_id}/retry`, { token: a.token });
      expect(retry.status, retry.text).toBe(202);
      await waitFor(async () => (await rig.call('GET', `/v1/tenant/messages/${dead.message_id}/delivery`, { token: a.token })).body.status === 'sent', 15_000, 'redelivery');
      expect(kit.sentTexts().length).toBe(before + 1);
      const again = await rig.call('POST', `/v1/tenant/messages/${dead.message_id}/retry`, { token: a.token });
      expect(again.status).toBe(409);
    });
  });

  it('refreshes an expired Zalo token once, then delivers, keeping the rotated pair encrypted', async () => {
    const { kit, url, config, id } = connected.get('zalo')!;
    const zalo = (kit as Awaited<ReturnType<typeof zaloKit>>).fake;
    const before = kit.sentTexts().length;
    const refreshes = zalo.refreshCount();
    zalo.expireAccessToken();
    const driver = kit.driver(url, config);
    expect(await driver.post(driver.textEvent('Token hết hạn rồi shop ơi'))).toBe(200);
    await waitFor(() => kit.sentTexts().length > before, 15_000, 'zalo reply after refresh');
    expect(zalo.refreshCount()).toBe(refreshes + 1);
    expect(zalo.sent.at(-1)!.accessToken).toBe(zalo.currentTokens().accessToken);
    const stored = await rig.runtime.db.tenant(a.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, id));
    expect(stored.config.refresh_token).toBe(zalo.currentTokens().refreshToken);
    expect(stored.tokenExpiresAt).not.toBeNull();
    const health = await rig.call('GET', `/v1/tenant/channels/${id}`, { token: a.token });
    expect(health.body.health.token_expires_at).toBe(stored.tokenExpiresAt!.toISOString());
  });

  it('answers a Telegram sticker politely without a model, once', async () => {
    const { kit, url, config } = connected.get('telegram')!;
    const before = kit.sentTexts().length;
    const updateId = 990_000_000 + Math.floor(Math.random() * 1e6);
    const raw = JSON.stringify({
      update_id: updateId,
      message: { message_id: 77, from: { id: 4242, is_bot: false, first_name: 'Lan' }, chat: { id: 4242, type: 'private' }, date: Math.floor(Date.now() / 1000), sticker: { file_id: 'CAACAgIAAxk', emoji: '😍' } },
    });
    const driver = kit.driver(url, config);
    expect(await driver.post(raw)).toBe(200);
    expect(await driver.post(raw)).toBe(200);
    await waitFor(() => kit.sentTexts().length > before, 15_000, 'sticker reply');
    await sleep(800);
    expect(kit.sentTexts().length).toBe(before + 1);
    expect(kit.sentTexts().at(-1)).toContain('sticker');
  });

  it("waits at least the provider's retry-after before sending again (Telegram 429)", async () => {
    const { kit, url, config, id } = connected.get('telegram')!;
    const tg = (kit as Awaited<ReturnType<typeof telegramKit>>).fake;
    tg.setRetryAfter(3);
    tg.failNext('rate_limit', 1);
    const before = kit.sentTexts().length;
    const driver = kit.driver(url, config);
    expect(await driver.post(driver.textEvent('Shop ơi còn hàng không?'))).toBe(200);
    const latestReply = () =>
      rig.runtime.db.tenant(a.tenantId, async (tx) =>
        (
          await tx.query<{ delivery_status: string; delivery_error: string | null; delivery_attempts: number }>(
            `SELECT m.delivery_status, m.delivery_error, m.delivery_attempts FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.connection_id = $1 AND m.role = 'bot' ORDER BY m.created_at DESC LIMIT 1`,
            [id],
          )
        ).rows[0],
      );
    await waitFor(async () => (await latestReply())?.delivery_status === 'failed', 15_000, 'rate-limited attempt');
    const refusedAt = Date.now();
    expect((await latestReply())!.delivery_error).toMatch(/rate_limited/);
    await waitFor(() => kit.sentTexts().length > before, 15_000, 'reply after 429');
    // Our own backoff would retry within ~0.5 s; Telegram asked for 3 s. `refusedAt` is when the
    // poll noticed the refusal (up to a poll and a busy machine's second later), hence 2 s.
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(2000);
    // The fake records the text when the request arrives; the row is marked sent after the
    // response, in the job's own transaction — so wait for it rather than read it once.
    const delivered = await waitFor(async () => {
      const row = await latestReply();
      return row?.delivery_status === 'sent' && row;
    }, 15_000, 'reply marked sent after 429');
    expect(delivered.delivery_attempts).toBe(2);
    expect(kit.sentTexts().length).toBe(before + 1);
  });

  it('refuses webhooks of a suspended shop (403) and stores nothing', async () => {
    const c = await rig.signup('c');
    const res = await rig.call('POST', '/v1/tenant/channels', { token: c.token, body: { type: 'line', config: { channel_secret: 'line-secret-c-UUUU1111', channel_access_token: 'line-token-c-VVVV2222' } } });
    expect(res.status).toBe(201);
    await rig.runtime.db.platform((tx) => tx.query(`UPDATE tenants SET status = 'suspended' WHERE id = $1`, [c.tenantId]));
    const kit = connected.get('line')!.kit;
    const driver = kit.driver(`${rig.baseUrl}/webhooks/line/${res.body.id}`, { channel_secret: 'line-secret-c-UUUU1111' });
    expect(await driver.post(driver.textEvent('xin chào'))).toBe(403);
    expect(await eventsOf(c.tenantId, res.body.id)).toBe(0);
  });

  it('documents the channel and delivery routes in OpenAPI', async () => {
    const doc = (await rig.call('GET', '/openapi.json')).body as { paths: Record<string, unknown> };
    for (const path of ['/v1/tenant/channels', '/v1/tenant/channels/{id}', '/v1/tenant/channels/{id}/test', '/v1/tenant/messages/{id}/delivery', '/v1/tenant/messages/{id}/retry', '/v1/tenant/dead-letters']) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });

  it('answers Messenger hub.challenge and LINE console verification', async () => {
    const m = connected.get('messenger')!;
    const list = await rig.call('GET', '/v1/tenant/channels', { token: a.token });
    const verifyToken = (list.body.items as Array<{ id: string; verify_token?: string }>).find((x) => x.id === m.id)!.verify_token!;
    const ok = await fetch(`${m.url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${m.url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`);
    expect(bad.status).toBe(403);
    const line = connected.get('line')!;
    const before = await eventsOf(a.tenantId, line.id);
    const driver = line.kit.driver(line.url, line.config);
    expect(await driver.post(JSON.stringify({ destination: 'U0bot0000000000000000000000000000', events: [] }))).toBe(200);
    expect(await eventsOf(a.tenantId, line.id)).toBe(before);
    const tg = (connected.get('telegram')!.kit as Awaited<ReturnType<typeof telegramKit>>).fake;
    expect(tg.webhook()).toMatchObject({ url: `https://bot.example.vn/webhooks/telegram/${connected.get('telegram')!.id}` });
  });

  it('answers 404 for unknown connections and for the wrong channel type', async () => {
    const z = connected.get('zalo')!;
    expect((await fetch(`${rig.baseUrl}/webhooks/zalo/${crypto.randomUUID()}`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${rig.baseUrl}/webhooks/line/${z.id}`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${rig.baseUrl}/webhooks/web/${z.id}`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('leaves other features\' /webhooks/<name>/… paths (payments) to them, body unread', async () => {
    const app = express();
    app.use(createWebhookRouter(createChannelContext(rig.runtime, {})));
    app.post('/webhooks/payments/:gateway', express.text({ type: '*/*' }), (req, res) => {
      res.status(200).json({ gateway: req.params.gateway, body: req.body });
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/webhooks/payments/bank`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'vnp_Amount=100' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ gateway: 'bank', body: 'vnp_Amount=100' });
      expect((await fetch(`${base}/webhooks/zalo/${crypto.randomUUID()}`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      server.close();
    }
  });

  it('lists customer messages whose answering failed beside the dead letters, per tenant', async () => {
    const z = connected.get('zalo')!;
    await rig.runtime.db.tenant(a.tenantId, (tx) =>
      tx.query(`INSERT INTO external_events (tenant_id, source, external_id, connection_id, payload, error) VALUES ($1, $2, 'failed-1', $3, '{}', 'engine exploded')`, [
        a.tenantId,
        `zalo:${z.id}`,
        z.id,
      ]),
    );
    const mine = await rig.call('GET', '/v1/tenant/dead-letters', { token: a.token });
    expect(mine.body.unanswered).toEqual([expect.objectContaining({ channel: 'zalo', connection_id: z.id, error: 'engine exploded' })]);
    const theirs = await rig.call('GET', '/v1/tenant/dead-letters', { token: b.token });
    expect(theirs.body.unanswered).toEqual([]);
  });

  it("denies tenant A every channel and delivery endpoint of tenant B's (404)", async () => {
    const z = connected.get('zalo')!;
    const bMessage = await rig.runtime.db.tenant(b.tenantId, async (tx) => (await tx.query<{ id: string }>(`SELECT id FROM messages WHERE role = 'bot' LIMIT 1`)).rows[0]?.id);
    expect(bMessage).toBeDefined();
    const probes: Array<[string, string, unknown?]> = [
      ['GET', `/v1/tenant/channels/${z.bId}`],
      ['PATCH', `/v1/tenant/channels/${z.bId}`, { name: 'chiếm quyền' }],
      ['POST', `/v1/tenant/channels/${z.bId}/test`],
      ['DELETE', `/v1/tenant/channels/${z.bId}`],
      ['GET', `/v1/tenant/messages/${bMessage}/delivery`],
      ['POST', `/v1/tenant/messages/${bMessage}/retry`],
    ];
    for (const [method, path, body] of probes) {
      const res = await rig.call(method, path, { token: a.token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      expect(typeof res.body.error.message_vi).toBe('string');
    }
    const list = await rig.call('GET', '/v1/tenant/channels', { token: a.token });
    expect(list.text).not.toContain(z.bId);
    const deadB = await rig.call('GET', '/v1/tenant/dead-letters', { token: b.token });
    expect(deadB.text).not.toContain(z.id);
    // B's row is untouched.
    const still = await rig.runtime.db.tenant(b.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, z.bId));
    expect(still.name).toBe('B');
  });

  it('tests the connection with the provider and edits config without revealing it', async () => {
    const t = connected.get('telegram')!;
    const test = await rig.call('POST', `/v1/tenant/channels/${t.id}/test`, { token: a.token });
    expect(test.body.ok, test.text).toBe(true);
    const patched = await rig.call('PATCH', `/v1/tenant/channels/${t.id}`, { token: a.token, body: { name: 'Bot Telegram chính' } });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Bot Telegram chính');
    const bad = await rig.call('PATCH', `/v1/tenant/channels/${t.id}`, { token: a.token, body: { config: { bot_token: 'không-hợp-lệ' } } });
    expect(bad.status).toBe(400);
    expect(typeof bad.body.error.message_vi).toBe('string');
    const badAdd = await rig.call('POST', '/v1/tenant/channels', { token: a.token, body: { type: 'zalo', config: { app_id: 'abc' } } });
    expect(badAdd.status).toBe(400);
  });

  it('never returns or logs credentials', async () => {
    const secrets = kits.flatMap((k) => [...k.secrets('a'), ...k.secrets('b')]);
    for (const kit of kits) {
      const stored = connected.get(kit.type)!.config;
      // Every stored value except identifiers, expiry times and the Messenger verify token (which
      // the admin must paste into Meta's console, so it is shown on purpose).
      for (const [k, v] of Object.entries(stored)) {
        if (typeof v === 'string' && !['app_id', 'oa_id', 'page_id', 'verify_token', 'access_token_expires_at', 'refresh_token_expires_at'].includes(k)) secrets.push(v);
      }
    }
    const responses = rig.responses.join('\n');
    const logs = rig.logs.join('\n');
    expect(rig.responses.length).toBeGreaterThan(20);
    for (const secret of new Set(secrets)) {
      expect(responses, 'response leaks a credential').not.toContain(secret);
      expect(logs, 'log leaks a credential').not.toContain(secret);
    }
  });
});
