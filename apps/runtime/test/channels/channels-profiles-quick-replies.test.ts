/**
 * Issue 5 follow-ups, end to end through the real webhook path on PGlite and Postgres: customer
 * profiles fetched once on first contact (Messenger Graph, Zalo user/detail, LINE profile API;
 * Telegram from the update) and stored on the contact, a failing lookup never blocking the reply;
 * the engine's quick replies delivered natively (Messenger quick_replies, Zalo oa.query.show
 * buttons, Telegram keyboard, LINE quickReply) and a tap coming back through the normal inbound
 * path, the same buttons again when a dead-lettered reply is retried by staff; Zalo anonymous
 * chats answered on the anonymous endpoint.
 */
import { createLineWebhookDriver, createMessengerWebhookDriver, createTelegramWebhookDriver, createZaloWebhookDriver } from '@agent-chatbot/testkit/fake-channels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnection } from '../../src/channels/connection-store';
import { enqueueDelivery } from '../../src/channels/delivery-job';
import type { RuntimeDb } from '../../src/db/index';
import { testDrivers } from '../helpers/drivers';
import { postRequest, startChannelRig, type ChannelRig } from './channel-rig';
import { waitFor } from '../helpers/wait';
import { lineKit, messengerKit, telegramKit, zaloKit } from './provider-kits';

const drivers = await testDrivers();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(drivers)('profiles and quick replies ($name)', { timeout: 60_000 }, (driver) => {
  let close: () => Promise<void>;
  let rig: ChannelRig;
  let messenger: Awaited<ReturnType<typeof messengerKit>>;
  let zalo: Awaited<ReturnType<typeof zaloKit>>;
  let line: Awaited<ReturnType<typeof lineKit>>;
  let telegram: Awaited<ReturnType<typeof telegramKit>>;
  let tenant: { tenantId: string; token: string };
  const ids: Record<string, string> = {};
  const url = (type: string) => `${rig.baseUrl}/webhooks/${type}/${ids[type]}`;

  const contactOf = (connectionId: string, externalUserId: string) =>
    rig.runtime.db.tenant(tenant.tenantId, async (tx) =>
      (
        await tx.query<{ name: string | null; display_name: string | null; avatar: string | null }>(
          `SELECT c.name, i.display_name, c.attributes->>'avatar_url' AS avatar FROM contact_identities i JOIN contacts c ON c.id = i.contact_id
           WHERE i.connection_id = $1 AND i.external_user_id = $2`,
          [connectionId, externalUserId],
        )
      ).rows[0],
    );
  const customerTexts = (connectionId: string) =>
    rig.runtime.db.tenant(tenant.tenantId, async (tx) =>
      (
        await tx.query<{ content: string }>(
          `SELECT m.content FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.connection_id = $1 AND m.role = 'customer' ORDER BY m.created_at`,
          [connectionId],
        )
      ).rows.map((r) => r.content),
    );

  beforeAll(async () => {
    if (driver.skip) return;
    const opened = await driver.open({ max: 6 });
    close = opened.close;
    [messenger, zalo, line, telegram] = [await messengerKit(), await zaloKit(), await lineKit(), await telegramKit()];
    rig = await startChannelRig(opened.db as RuntimeDb, { providers: Object.assign({}, messenger.providers, zalo.providers, line.providers, telegram.providers) });
    tenant = await rig.signup(`profiles-${driver.name}`);
    for (const kit of [messenger, zalo, line, telegram]) {
      const res = await rig.call('POST', '/v1/tenant/channels', { token: tenant.token, body: { type: kit.type, config: kit.config() } });
      expect(res.status, res.text).toBe(201);
      ids[kit.type] = res.body.id as string;
    }
  }, 90_000);

  afterAll(async () => {
    await rig?.close();
    await Promise.all([messenger, zalo, line, telegram].filter(Boolean).map((k) => k.close()));
    // The rig closes the runtime and with it the database; Postgres still drops its copy here.
    if (driver.name === 'postgres') await close?.();
  });

  it.skipIf(driver.skip)('Messenger: fetches the profile once on first contact, stores it on the contact, and sends quick replies', async () => {
    const psid = '7001002003004';
    messenger.fake.setProfile(psid, { firstName: 'Lan', lastName: 'Nguyễn', profilePic: 'https://platform-lookaside.fbsbx.com/lan.jpg' });
    const d = createMessengerWebhookDriver({ target: url('messenger'), appSecret: 'meta-app-secret-JJJJ0000', pageId: '102938475610' });
    const before = messenger.fake.sent.length;
    expect((await d.deliver(d.textEvent({ psid, text: 'Shop có bán máy bay không ạ?' }))).delivered).toBe(true);
    await waitFor(() => messenger.fake.sent.length > before, 20_000, 'messenger reply');
    const reply = messenger.fake.sent.at(-1)!;
    // No FAQ and no model: the fallback offers the handoff as a native quick reply.
    expect(reply.message.quick_replies).toEqual([{ content_type: 'text', title: 'Gặp nhân viên', payload: 'Gặp nhân viên' }]);
    await waitFor(async () => (await contactOf(ids.messenger!, psid))?.avatar, 20_000, 'profile stored');
    expect(await contactOf(ids.messenger!, psid)).toEqual({ name: 'Lan Nguyễn', display_name: 'Lan Nguyễn', avatar: 'https://platform-lookaside.fbsbx.com/lan.jpg' });
    expect(messenger.fake.profileLookups()).toBe(1);

    // The tap comes back as a quick_reply message and goes through the normal inbound path.
    const tap = d.textEvent({ psid, text: 'Gặp nhân viên' });
    ((tap.entry as Array<{ messaging: Array<{ message: Record<string, unknown> }> }>)[0]!.messaging[0]!.message).quick_reply = { payload: 'Gặp nhân viên' };
    expect((await d.deliver(tap)).delivered).toBe(true);
    await waitFor(async () => (await customerTexts(ids.messenger!)).includes('Gặp nhân viên'), 20_000, 'tap stored');
    await sleep(500);
    expect(messenger.fake.profileLookups()).toBe(1);
  });

  it.skipIf(driver.skip)('Messenger: a failing profile lookup does not block the reply and is not retried on every message', async () => {
    const psid = '7009998887776';
    const d = createMessengerWebhookDriver({ target: url('messenger'), appSecret: 'meta-app-secret-JJJJ0000', pageId: '102938475610' });
    const lookups = messenger.fake.profileLookups();
    const before = messenger.fake.sent.length;
    await d.deliver(d.textEvent({ psid, text: 'Cho hỏi địa chỉ cửa hàng' }));
    await waitFor(() => messenger.fake.sent.length > before, 20_000, 'reply despite no profile');
    await waitFor(() => messenger.fake.profileLookups() > lookups, 10_000, 'lookup tried');
    await d.deliver(d.textEvent({ psid, text: 'Còn mở cửa không?' }));
    await waitFor(() => messenger.fake.sent.length > before + 1, 20_000, 'second reply');
    await sleep(500);
    expect(messenger.fake.profileLookups()).toBe(lookups + 1);
    expect((await contactOf(ids.messenger!, psid))?.name ?? null).toBeNull();
  });

  it.skipIf(driver.skip)('Zalo: names the contact from user/detail and sends quick replies as oa.query.show buttons', async () => {
    const config = await rig.runtime.db.tenant(tenant.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, ids.zalo!)).then((c) => c.config);
    const d = createZaloWebhookDriver({ target: url('zalo'), appId: String(config.app_id), oaId: String(config.oa_id), oaSecretKey: String(config.oa_secret_key) });
    const user = '8412345678901';
    zalo.fake.setProfile(user, { displayName: 'Trần Minh', avatar: 'https://s120-ava-talk.zadn.vn/minh.jpg' });
    const before = zalo.fake.sent.length;
    expect((await d.deliver(d.textEvent({ userId: user, text: 'Shop có bán máy bay không ạ?' }))).delivered).toBe(true);
    await waitFor(() => zalo.fake.sent.length > before, 20_000, 'zalo reply');
    expect(zalo.fake.sent.at(-1)!.message.attachment).toEqual({
      type: 'template',
      payload: { template_type: 'button', buttons: [{ title: 'Gặp nhân viên', type: 'oa.query.show', payload: 'Gặp nhân viên' }] },
    });
    await waitFor(async () => (await contactOf(ids.zalo!, user))?.avatar, 20_000, 'zalo profile');
    expect(await contactOf(ids.zalo!, user)).toEqual({ name: 'Trần Minh', display_name: 'Trần Minh', avatar: 'https://s120-ava-talk.zadn.vn/minh.jpg' });
  });

  it.skipIf(driver.skip)('Zalo: answers an anonymous chat on the anonymous endpoint, without a profile lookup', async () => {
    const config = await rig.runtime.db.tenant(tenant.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, ids.zalo!)).then((c) => c.config);
    const d = createZaloWebhookDriver({ target: url('zalo'), appId: String(config.app_id), oaId: String(config.oa_id), oaSecretKey: String(config.oa_secret_key) });
    const lookups = zalo.fake.count('GET /v3.0/oa/user/detail');
    const before = zalo.fake.sent.length;
    const event = d.anonymousTextEvent({ anonymousId: 'anon-5566', conversationId: 'conv-7788', text: 'Shop ơi tư vấn giúp mình' });
    for (let i = 0; i < 2; i += 1) expect((await postRequest(url('zalo'), d.request(JSON.stringify(event)))).status).toBe(200);
    await waitFor(() => zalo.fake.sent.length > before, 20_000, 'anonymous reply');
    await sleep(800);
    expect(zalo.fake.sent.length).toBe(before + 1);
    expect(zalo.fake.sent.at(-1)).toMatchObject({ userId: 'anon-5566', anonymousConversationId: 'conv-7788' });
    expect(zalo.fake.count('GET /v3.0/oa/user/detail')).toBe(lookups);
  });

  it.skipIf(driver.skip)('LINE: names the contact from the profile API and sends quickReply items', async () => {
    const user = `U${'ab'.repeat(16)}`;
    line.fake.setProfile(user, { displayName: 'Somchai', pictureUrl: 'https://profile.line-scdn.net/somchai' });
    const d = createLineWebhookDriver({ target: url('line'), channelSecret: 'line-channel-secret-PPPP6666', destination: 'U0bot0000000000000000000000000000' });
    const before = line.fake.sent.length;
    const body = { destination: 'U0bot0000000000000000000000000000', events: [d.textEvent({ userId: user, text: 'Shop có bán máy bay không ạ?', replyToken: line.fake.issueReplyToken() })] };
    expect((await postRequest(url('line'), d.request(JSON.stringify(body)))).status).toBe(200);
    await waitFor(() => line.fake.sent.length > before, 20_000, 'line reply');
    expect(line.fake.sent.at(-1)!.messages.at(-1)!.quickReply).toEqual({ items: [{ type: 'action', action: { type: 'message', label: 'Gặp nhân viên', text: 'Gặp nhân viên' } }] });
    await waitFor(async () => (await contactOf(ids.line!, user))?.avatar, 20_000, 'line profile');
    expect(await contactOf(ids.line!, user)).toEqual({ name: 'Somchai', display_name: 'Somchai', avatar: 'https://profile.line-scdn.net/somchai' });
  });

  it.skipIf(driver.skip)('Telegram: the name comes from the update (no lookup) and quick replies become a reply keyboard', async () => {
    const config = await rig.runtime.db.tenant(tenant.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, ids.telegram!)).then((c) => c.config);
    const d = createTelegramWebhookDriver({ target: url('telegram'), secretToken: String(config.secret_token), firstUpdateId: 900_000 + Math.floor(Math.random() * 1e6) });
    const chatId = 777_000_111;
    const before = telegram.fake.sent.filter((s) => s.method === 'sendMessage').length;
    const update = d.textUpdate({ chatId, text: 'Shop có bán máy bay không ạ?', firstName: 'Hoa' });
    expect((await postRequest(url('telegram'), d.request(JSON.stringify(update)))).status).toBe(200);
    await waitFor(() => telegram.fake.sent.filter((s) => s.method === 'sendMessage').length > before, 20_000, 'telegram reply');
    const sent = telegram.fake.sent.filter((s) => s.method === 'sendMessage').at(-1)!;
    expect(sent.body.reply_markup).toEqual({ keyboard: [[{ text: 'Gặp nhân viên' }]], one_time_keyboard: true, resize_keyboard: true });
    expect((await contactOf(ids.telegram!, String(chatId)))?.name).toBe('Hoa');
  });

  it.skipIf(driver.skip)('Telegram: a dead-lettered reply retried through the API is sent again with its quick replies', async () => {
    const config = await rig.runtime.db.tenant(tenant.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, ids.telegram!)).then((c) => c.config);
    const d = createTelegramWebhookDriver({ target: url('telegram'), secretToken: String(config.secret_token), firstUpdateId: 950_000 + Math.floor(Math.random() * 1e6) });
    const chatId = 777_000_222;
    const sends = () => telegram.fake.sent.filter((s) => s.method === 'sendMessage');
    const before = sends().length;
    // The provider is down for every attempt: the reply becomes a dead letter.
    telegram.fake.failNext('server_error', 3);
    const update = d.textUpdate({ chatId, text: 'Shop có bán tàu thủy không ạ?', firstName: 'Mai' });
    expect((await postRequest(url('telegram'), d.request(JSON.stringify(update)))).status).toBe(200);
    const dead = await waitFor(async () => {
      const res = await rig.call('GET', '/v1/tenant/dead-letters', { token: tenant.token });
      return (res.body.items as Array<{ channel: string; status: string; message_id: string; connection_id: string }>).find(
        (m) => m.connection_id === ids.telegram && m.status === 'dead',
      );
    }, 20_000, 'telegram dead letter');
    expect(sends().length).toBe(before);

    // The provider is back: a staff retry sends the same text with the same keyboard.
    const retry = await rig.call('POST', `/v1/tenant/messages/${dead.message_id}/retry`, { token: tenant.token });
    expect(retry.status, retry.text).toBe(202);
    await waitFor(async () => (await rig.call('GET', `/v1/tenant/messages/${dead.message_id}/delivery`, { token: tenant.token })).body.status === 'sent', 20_000, 'redelivery');
    await sleep(300);
    expect(sends().length).toBe(before + 1);
    const resent = sends().at(-1)!;
    expect(String(resent.body.chat_id)).toBe(String(chatId));
    expect(resent.body.reply_markup).toEqual({ keyboard: [[{ text: 'Gặp nhân viên' }]], one_time_keyboard: true, resize_keyboard: true });
  });

  it.skipIf(driver.skip)('Telegram: a job queued by an older version with the quick replies in its payload keeps them, through a retry too', async () => {
    const sends = () => telegram.fake.sent.filter((s) => s.method === 'sendMessage');
    const before = sends().length;
    // Down before the job can run: a worker may pick it up the moment the transaction commits.
    telegram.fake.failNext('server_error', 3);
    const messageId = await rig.runtime.db.tenant(tenant.tenantId, async (tx) => {
      const conversation = (await tx.query<{ id: string }>('SELECT id FROM conversations WHERE connection_id = $1 ORDER BY created_at DESC LIMIT 1', [ids.telegram])).rows[0]!.id;
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO messages (tenant_id, conversation_id, role, content, delivery_status) VALUES ($1, $2, 'bot', 'Dạ anh/chị muốn xem đơn nào ạ?', 'pending') RETURNING id`,
        [tenant.tenantId, conversation],
      );
      // The payload an older runtime queued (the row has no quick replies of its own).
      await enqueueDelivery(tx, rig.runtime.jobs, { messageId: rows[0]!.id, quickReplies: ['Xem đơn hàng'] });
      return rows[0]!.id;
    });
    await waitFor(async () => (await rig.call('GET', `/v1/tenant/messages/${messageId}/delivery`, { token: tenant.token })).body.status === 'dead', 20_000, 'dead letter');
    expect(sends().length).toBe(before);
    const retry = await rig.call('POST', `/v1/tenant/messages/${messageId}/retry`, { token: tenant.token });
    expect(retry.status, retry.text).toBe(202);
    await waitFor(async () => (await rig.call('GET', `/v1/tenant/messages/${messageId}/delivery`, { token: tenant.token })).body.status === 'sent', 20_000, 'redelivery');
    expect(sends().length).toBe(before + 1);
    expect(sends().at(-1)!.body.reply_markup).toEqual({ keyboard: [[{ text: 'Xem đơn hàng' }]], one_time_keyboard: true, resize_keyboard: true });
  });
});
