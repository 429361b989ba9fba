/**
 * The channel path on embedded PGlite (one connection): webhook → conversation.handle →
 * message.deliver end to end, media copied to storage, staff replies with Messenger's
 * HUMAN_AGENT tag, the closed window, a dead token flagging the channel, the hourly Zalo
 * refresh sweep, and the `channel add` / `channel list` CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelContext } from '../../src/channels/channel-context';
import { loadConnection } from '../../src/channels/connection-store';
import { enqueueDelivery, runDelivery } from '../../src/channels/delivery-job';
import { refreshZaloTokens } from '../../src/channels/zalo-refresh-job';
import type { CommandEnv } from '../../src/cli/command-table';
import { runCommand } from '../../src/cli/run-command';
import { createStorage, readAll } from '../../src/storage/index';
import { createTestPglite } from '../helpers/pglite';
import { startChannelRig, type ChannelRig } from './channel-rig';
import { waitFor } from '../helpers/wait';
import { messengerKit, telegramKit, zaloKit } from './provider-kits';

type Kits = [Awaited<ReturnType<typeof telegramKit>>, Awaited<ReturnType<typeof messengerKit>>, Awaited<ReturnType<typeof zaloKit>>];

describe('provider channels on PGlite', { timeout: 30_000 }, () => {
  let rig: ChannelRig;
  let kits: Kits;
  let tenant: { tenantId: string; token: string };
  const ids: Record<string, string> = {};

  const add = async (type: string, config: Record<string, unknown>) => {
    const res = await rig.call('POST', '/v1/tenant/channels', { token: tenant.token, body: { type, config } });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  const configOf = (id: string) => rig.runtime.db.tenant(tenant.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, id)).then((c) => c.config);
  const latestConversation = (connectionId: string) =>
    rig.runtime.db.tenant(tenant.tenantId, async (tx) =>
      (await tx.query<{ id: string }>('SELECT id FROM conversations WHERE connection_id = $1 ORDER BY created_at DESC LIMIT 1', [connectionId])).rows[0]!.id,
    );
  const queueMessage = (conversationId: string, role: 'bot' | 'agent', content: string) =>
    rig.runtime.db.tenant(tenant.tenantId, async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO messages (tenant_id, conversation_id, role, content, delivery_status) VALUES ($1, $2, $3, $4, 'pending') RETURNING id`,
        [tenant.tenantId, conversationId, role, content],
      );
      await enqueueDelivery(tx, rig.runtime.jobs, { messageId: rows[0]!.id });
      return rows[0]!.id;
    });
  const deliveryOf = async (messageId: string) => (await rig.call('GET', `/v1/tenant/messages/${messageId}/delivery`, { token: tenant.token })).body;

  beforeAll(async () => {
    kits = [await telegramKit(), await messengerKit(), await zaloKit()];
    rig = await startChannelRig(await createTestPglite(), { providers: Object.assign({}, ...kits.map((k) => k.providers)) });
    tenant = await rig.signup('pglite');
    ids.telegram = await add('telegram', kits[0].config());
    ids.messenger = await add('messenger', kits[1].config());
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await Promise.all((kits ?? []).map((k) => k.close()));
  });

  it('answers a Telegram photo with caption once and copies the photo into storage', async () => {
    const [tg] = kits;
    tg.fake.addFile('AgACAgUAAxkBAAIB', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'image/jpeg');
    const url = `${rig.baseUrl}/webhooks/telegram/${ids.telegram}`;
    const driver = tg.driver(url, await configOf(ids.telegram!));
    const raw = JSON.stringify({
      update_id: 700_000_001,
      message: {
        message_id: 12,
        from: { id: 5151, is_bot: false, first_name: 'Hoa' },
        chat: { id: 5151, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        caption: 'Mẫu này còn hàng không shop?',
        photo: [{ file_id: 'AgACAgUAAxkBAAIB', file_unique_id: 'u1', width: 90, height: 90 }],
      },
    });
    expect(await driver.post(raw)).toBe(200);
    expect(await driver.post(raw)).toBe(200);
    await waitFor(() => tg.sentTexts().length === 1, 15_000, 'telegram reply');
    const attachments = await waitFor(async () => {
      const a = await rig.runtime.db.tenant(tenant.tenantId, async (tx) =>
        (await tx.query<{ attachments: Array<Record<string, unknown>> }>(`SELECT attachments FROM messages WHERE role = 'customer' AND content LIKE 'Mẫu này%'`)).rows[0]?.attachments,
      );
      return a?.[0]?.storage_key ? a : undefined;
    }, 10_000, 'stored attachment');
    expect(attachments[0]).toMatchObject({ type: 'image', url: 'telegram-file:AgACAgUAAxkBAAIB', size: 7 });
    const storage = createStorage(rig.runtime.config);
    expect([...(await readAll(await storage.get(tenant.tenantId, String(attachments[0]!.storage_key))))]).toEqual([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    await storage.close();
    expect(tg.sentTexts()).toHaveLength(1);
  });

  it('closes the Messenger window for the bot, and sends a staff reply with the HUMAN_AGENT tag', async () => {
    const [, fb] = kits;
    const url = `${rig.baseUrl}/webhooks/messenger/${ids.messenger}`;
    const driver = fb.driver(url, await configOf(ids.messenger!));
    const raw = driver.textEvent('Cho em đặt 2 áo size L');
    const psid = (JSON.parse(raw) as { entry: Array<{ messaging: Array<{ sender: { id: string } }> }> }).entry[0]!.messaging[0]!.sender.id;
    expect(await driver.post(raw)).toBe(200);
    await waitFor(() => fb.fake.sent.length === 1, 15_000, 'messenger reply');
    expect(fb.fake.sent[0]).toMatchObject({ messagingType: 'RESPONSE', recipientId: psid });

    // Two days later: the customer's last message is older than Messenger's 24 hours.
    const conversationId = await latestConversation(ids.messenger!);
    await rig.runtime.db.tenant(tenant.tenantId, (tx) =>
      tx.query(`UPDATE messages SET created_at = now() - interval '2 days' WHERE conversation_id = $1 AND role = 'customer'`, [conversationId]),
    );
    fb.fake.setLastInteraction(psid, new Date(Date.now() - 2 * 86_400_000));
    const botMessage = await queueMessage(conversationId, 'bot', 'Dạ shop nhắc anh/chị đơn hàng ạ');
    const closed = await waitFor(async () => ((await deliveryOf(botMessage)).status === 'window_closed' ? deliveryOf(botMessage) : undefined), 10_000, 'window_closed');
    expect(closed.error).toMatch(/thời hạn/);
    const dead = await rig.call('GET', '/v1/tenant/dead-letters', { token: tenant.token });
    expect(dead.body.items.map((m: { message_id: string }) => m.message_id)).toContain(botMessage);

    const agentMessage = await queueMessage(conversationId, 'agent', 'Dạ em là Mai, nhân viên shop, em hỗ trợ đơn của anh/chị ạ');
    await waitFor(async () => (await deliveryOf(agentMessage)).status === 'sent', 10_000, 'agent reply sent');
    expect(fb.fake.sent.at(-1)).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('never sends twice after a worker died mid-send: the message becomes a visible dead letter, then a staff retry sends it once', async () => {
    const [tg] = kits;
    const url = `${rig.baseUrl}/webhooks/telegram/${ids.telegram}`;
    const driver = tg.driver(url, await configOf(ids.telegram!));
    const before = tg.sentTexts().length;
    expect(await driver.post(driver.textEvent('Shop ơi cho hỏi giờ mở cửa'))).toBe(200);
    await waitFor(() => tg.sentTexts().length === before + 1, 15_000, 'telegram reply');
    const conversationId = await latestConversation(ids.telegram!);
    // What a worker killed between the provider's answer and "marked sent" leaves behind.
    const messageId = await rig.runtime.db.tenant(tenant.tenantId, async (tx) =>
      (
        await tx.query<{ id: string }>(
          `INSERT INTO messages (tenant_id, conversation_id, role, content, delivery_status, delivery_attempts) VALUES ($1, $2, 'bot', $3, 'sending', 1) RETURNING id`,
          [tenant.tenantId, conversationId, 'Dạ shop mở cửa 8h–21h ạ'],
        )
      ).rows[0]!.id,
    );
    const context = createChannelContext(rig.runtime, { providers: Object.assign({}, ...kits.map((k) => k.providers)) });
    // pg-boss retries the crashed job: attempt 2 finds the row still `sending`.
    await runDelivery(context, { payload: { messageId }, tenantId: tenant.tenantId, attempt: 2, jobId: 'crashed', name: 'message.deliver', signal: new AbortController().signal });
    const delivery = await deliveryOf(messageId);
    expect(delivery).toMatchObject({ status: 'dead', retryable: true });
    expect(delivery.error).toMatch(/Không chắc tin đã tới khách/);
    expect(tg.sentTexts()).toHaveLength(before + 1);
    // A second duplicate of the crashed job finds nothing to claim.
    await runDelivery(context, { payload: { messageId }, tenantId: tenant.tenantId, attempt: 3, jobId: 'crashed-again', name: 'message.deliver', signal: new AbortController().signal });
    expect(tg.sentTexts()).toHaveLength(before + 1);

    const retry = await rig.call('POST', `/v1/tenant/messages/${messageId}/retry`, { token: tenant.token });
    expect(retry.status, retry.text).toBeLessThan(300);
    await waitFor(async () => (await deliveryOf(messageId)).status === 'sent', 10_000, 'retried message sent');
    expect(tg.sentTexts().at(-1)).toBe('Dạ shop mở cửa 8h–21h ạ');
    expect(tg.sentTexts()).toHaveLength(before + 2);
  });

  it('flags the channel when Telegram refuses the token, with the reason in health', async () => {
    const [tg] = kits;
    tg.fake.failNext('token_invalid', 1);
    const conversationId = await latestConversation(ids.telegram!);
    const message = await queueMessage(conversationId, 'agent', 'Dạ shop gửi anh/chị mã giảm giá ạ');
    await waitFor(async () => (await deliveryOf(message)).status === 'dead', 10_000, 'dead on token');
    const channel = await rig.call('GET', `/v1/tenant/channels/${ids.telegram}`, { token: tenant.token });
    expect(channel.body.status).toBe('error');
    expect(channel.body.health.last_error).toMatch(/token_invalid/);
    // The test call succeeds again and clears the flag.
    const test = await rig.call('POST', `/v1/tenant/channels/${ids.telegram}/test`, { token: tenant.token });
    expect(test.body.ok).toBe(true);
    expect((await rig.call('GET', `/v1/tenant/channels/${ids.telegram}`, { token: tenant.token })).body).toMatchObject({ status: 'active', health: { last_error: null } });
  });

  it('refreshes Zalo tokens that expire within two hours in the hourly sweep', async () => {
    const zalo = kits[2];
    const soon = new Date(Date.now() + 30 * 60_000).toISOString();
    ids.zalo = await add('zalo', { ...zalo.config(), access_token_expires_at: soon });
    const context = createChannelContext(rig.runtime, { providers: zalo.providers });
    const sweep = await refreshZaloTokens(context);
    expect(sweep).toMatchObject({ refreshed: 1, failed: 0 });
    expect(zalo.fake.refreshCount()).toBe(1);
    const config = await configOf(ids.zalo);
    expect(config).toMatchObject({ access_token: zalo.fake.currentTokens().accessToken, refresh_token: zalo.fake.currentTokens().refreshToken });
    const health = (await rig.call('GET', `/v1/tenant/channels/${ids.zalo}`, { token: tenant.token })).body.health;
    expect(new Date(health.token_expires_at).getTime()).toBeGreaterThan(Date.now() + 20 * 3_600_000);
    // Nothing left to refresh: the second sweep does not spend the new single-use refresh token.
    expect(await refreshZaloTokens(context)).toMatchObject({ refreshed: 0 });
    await context.cache.close();
  });

  it('adds and lists channels from the CLI (webhook URL, no secrets, clear errors)', async () => {
    const env: CommandEnv = {
      config: { ...rig.runtime.config, channelProviders: kits[1].providers },
      db: rig.runtime.db,
      secretBox: rig.runtime.secretBox,
      inServer: true,
    };
    const run = (...argv: string[]) => runCommand(argv, async () => ({ env, close: async () => {} }));
    // The Page is already connected (Graph page id is unique among active connections).
    const taken = await run('channel', 'add', '--tenant', tenant.tenantId, '--type', 'messenger', '--config', JSON.stringify(kits[1].config()));
    expect(taken.exitCode).not.toBe(0);
    expect(taken.stderr).toMatch(/đã được kết nối[\s\S]*already connected/);
    const line = await run('channel', 'add', '--tenant', tenant.tenantId, '--type', 'line', '--config', JSON.stringify({ channel_secret: 'cli-line-secret-0001', channel_access_token: 'cli-line-token-0002' }), '--json');
    expect(line.exitCode, line.stderr).toBe(0);
    const created = JSON.parse(line.stdout) as { id: string; webhook_url: string; config: Record<string, string> };
    expect(created.webhook_url).toBe(`https://bot.example.vn/webhooks/line/${created.id}`);
    expect(line.stdout).not.toContain('cli-line-secret-0001');
    const fbText = await run('channel', 'add', '--tenant', tenant.tenantId, '--type', 'messenger', '--config', JSON.stringify({ ...kits[1].config(), page_id: '102938475610' }));
    expect(fbText.exitCode).not.toBe(0);
    const listed = await run('channel', 'list', '--tenant', tenant.tenantId);
    expect(listed.stdout).toContain(created.webhook_url);
    const bad = await run('channel', 'add', '--tenant', tenant.tenantId, '--type', 'viber', '--config', '{}');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--type/);
    const badJson = await run('channel', 'add', '--tenant', tenant.tenantId, '--type', 'line', '--config', '{oops');
    expect(badJson.stderr).toMatch(/JSON/);
  });

  it('rotates the Telegram secret token on request and registers it again with setWebhook', async () => {
    const [tg] = kits;
    const old = (await configOf(ids.telegram!)).secret_token;
    const res = await rig.call('PATCH', `/v1/tenant/channels/${ids.telegram}`, { token: tenant.token, body: { config: { secret_token: null } } });
    expect(res.status, res.text).toBe(200);
    const fresh = (await configOf(ids.telegram!)).secret_token;
    expect(typeof fresh).toBe('string');
    expect(fresh).not.toBe(old);
    expect(tg.fake.webhook()).toEqual({ url: `https://bot.example.vn/webhooks/telegram/${ids.telegram}`, secretToken: fresh });
    expect(res.text).not.toContain(String(fresh));
    const url = `${rig.baseUrl}/webhooks/telegram/${ids.telegram}`;
    const stale = tg.driver(url, { secret_token: old });
    expect(await stale.post(stale.textEvent('khoá cũ'))).toBe(401);
  });

  it('a customer flooding a channel gets one polite "please wait"; the rest are stored, not answered', async () => {
    const [tg] = kits;
    // The Free plan allows a burst of 5 messages per customer (refilling one per 5 s): send 8 at once.
    const before = tg.sentTexts().length;
    const driver = tg.driver(`${rig.baseUrl}/webhooks/telegram/${ids.telegram}`, await configOf(ids.telegram!));
    for (let i = 0; i < 8; i += 1) {
      const raw = JSON.stringify({
        update_id: 710_000_000 + i,
        message: { message_id: 90 + i, from: { id: 6262, is_bot: false, first_name: 'Lan' }, chat: { id: 6262, type: 'private' }, date: Math.floor(Date.now() / 1000), text: `tin nhắn ${i}` },
      });
      expect(await driver.post(raw)).toBe(200);
    }
    const stored = await waitFor(async () => {
      const rows = await rig.runtime.db.tenant(tenant.tenantId, async (tx) =>
        (await tx.query<{ error: string | null }>(`SELECT error FROM external_events WHERE external_id LIKE '71000000%' AND processed_at IS NOT NULL`)).rows,
      );
      return rows.length === 8 ? rows : undefined;
    }, 20_000, 'eight processed events');
    expect(stored.filter((row) => row.error === 'rate_limited:notice')).toHaveLength(1);
    const dropped = stored.filter((row) => row.error === 'rate_limited:drop').length;
    expect(dropped).toBeGreaterThan(0);
    // (Without knowledge the answered ones fall back twice and hand the chat to a person.)
    await waitFor(() => tg.sentTexts().slice(before).some((text) => text.includes('nhắn nhanh quá')), 15_000, 'the notice');
    expect(tg.sentTexts().slice(before).filter((text) => text.includes('nhắn nhanh quá'))).toHaveLength(1);
    const customerMessages = await rig.runtime.db.tenant(tenant.tenantId, async (tx) =>
      (await tx.query(`SELECT 1 FROM messages WHERE role = 'customer' AND content LIKE 'tin nhắn %'`)).rowCount,
    );
    expect(customerMessages).toBe(8);
  });

  it('stops a disabled or removed channel at once (404), and takes it back when re-enabled', async () => {
    const [tg] = kits;
    const url = `${rig.baseUrl}/webhooks/telegram/${ids.telegram}`;
    const driver = tg.driver(url, await configOf(ids.telegram!));
    expect(await driver.post(driver.textEvent('trước khi tắt'))).toBe(200);
    const off = await rig.call('PATCH', `/v1/tenant/channels/${ids.telegram}`, { token: tenant.token, body: { status: 'disabled' } });
    expect(off.body.status).toBe('disabled');
    expect(await driver.post(driver.textEvent('khi đang tắt'))).toBe(404);
    await rig.call('PATCH', `/v1/tenant/channels/${ids.telegram}`, { token: tenant.token, body: { status: 'active' } });
    expect(await driver.post(driver.textEvent('bật lại'))).toBe(200);
    expect((await rig.call('DELETE', `/v1/tenant/channels/${ids.telegram}`, { token: tenant.token })).status).toBe(204);
    expect(await driver.post(driver.textEvent('đã gỡ'))).toBe(404);
    expect((await rig.call('GET', `/v1/tenant/channels/${ids.telegram}`, { token: tenant.token })).status).toBe(404);
  });
});
