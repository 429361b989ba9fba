/**
 * The live inbox end to end, on PGlite and on Postgres: customers write through the fake Telegram
 * and Messenger servers (signed webhooks), the real engine answers (no model: fallbacks and
 * handoffs), and agents work the inbox over the API while an SSE stream watches.
 */
import { createMessengerWebhookDriver, createTelegramWebhookDriver } from '@agent-chatbot/testkit/fake-channels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerForTenant } from '../../src/bots/answer-for-tenant';
import { loadConnection } from '../../src/channels/connection-store';
import { runIdleReturn } from '../../src/inbox/idle-return';
import { postRequest } from '../channels/channel-rig';
import { testDrivers } from '../helpers/drivers';
import { createFixtureUser } from '../http/fixtures';
import { mailText, startInboxRig, type InboxRig, type StreamReader } from './inbox-rig';
import { waitFor } from '../helpers/wait';

const OWNER_CHAT_ID = '909090';

for (const driver of await testDrivers()) {
  describe.skipIf(driver.skip !== undefined)(`live inbox (${driver.name})`, { timeout: 60_000 }, () => {
    let rig: InboxRig;
    let closeDb: () => Promise<void>;
    let shop: { tenantId: string; token: string; email: string };
    let stream: StreamReader;
    let telegramId: string;
    let messengerId: string;
    let tg: ReturnType<typeof createTelegramWebhookDriver>;
    let fb: ReturnType<typeof createMessengerWebhookDriver>;
    let chat = 700_000 + Math.floor(Math.random() * 1000) * 10;

    const tgSay = async (chatId: number, text: string) => {
      const raw = JSON.stringify(tg.textUpdate({ chatId, text, firstName: 'Lan' }));
      expect((await postRequest(`${rig.baseUrl}/webhooks/telegram/${telegramId}`, tg.request(raw))).status).toBe(200);
    };
    const botTextsTo = (chatId: number) =>
      rig.telegram.fake.sent.filter((s) => s.method === 'sendMessage' && String(s.body.chat_id) === String(chatId)).map((s) => String(s.body.text));
    const conversationOf = (externalId: string) =>
      waitFor(
        () =>
          rig.runtime.db.tenant(shop.tenantId, async (tx) =>
            (await tx.query<{ id: string }>('SELECT id FROM conversations WHERE external_conversation_id = $1', [externalId])).rows[0]?.id,
          ),
        15_000,
        `conversation ${externalId}`,
      );
    const detail = async (id: string, token = shop.token) => (await rig.call('GET', `/v1/tenant/inbox/conversations/${id}`, { token })).body;
    const act = (id: string, action: string, body?: unknown, token = shop.token) =>
      rig.call('POST', `/v1/tenant/inbox/conversations/${id}/${action}`, { token, ...(body === undefined ? {} : { body }) });

    beforeAll(async () => {
      const opened = await driver.open({ max: 6 });
      closeDb = opened.close;
      rig = await startInboxRig(opened.db as never);
      shop = await rig.signup(`inbox-${driver.name}`);
      const add = async (type: string, config: Record<string, unknown>) => {
        const res = await rig.call('POST', '/v1/tenant/channels', { token: shop.token, body: { type, config } });
        expect(res.status, res.text).toBe(201);
        return res.body.id as string;
      };
      telegramId = await add('telegram', rig.telegram.config());
      messengerId = await add('messenger', rig.messenger.config());
      const stored = await rig.runtime.db.tenant(shop.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, telegramId));
      tg = createTelegramWebhookDriver({ target: `${rig.baseUrl}/webhooks/telegram/${telegramId}`, secretToken: String(stored.config.secret_token), firstUpdateId: 100 });
      const fbConfig = rig.messenger.config();
      fb = createMessengerWebhookDriver({ target: `${rig.baseUrl}/webhooks/messenger/${messengerId}`, appSecret: String(fbConfig.app_secret), pageId: String(fbConfig.page_id) });
      const settings = await rig.call('PUT', '/v1/tenant/inbox/settings', {
        token: shop.token,
        body: { telegram_chat_id: OWNER_CHAT_ID, idle_minutes: 15, handoff_keywords: ['gặp quản lý', 'nói chuyện với người'] },
      });
      expect(settings.status, settings.text).toBe(200);
      expect(settings.body).toMatchObject({ idle_minutes: 15, telegram_chat_id: OWNER_CHAT_ID, notify_email: true, handoff_keywords: ['gặp quản lý', 'nói chuyện với người'] });
      stream = await rig.stream(shop.token);
      expect(stream.status).toBe(200);
      await stream.ready();
    }, 90_000);

    afterAll(async () => {
      await rig?.close();
      await closeDb?.().catch(() => {}); // PGlite is already closed with the runtime
    });

    it('a tenant keyword hands over: needs a human, e-mail with the reply window, Telegram to the owner, live event', async () => {
      chat += 1;
      await tgSay(chat, 'Cho mình gap quan ly nhé');
      const id = await conversationOf(`telegram:${chat}`);
      const event = await stream.next((e) => e.type === 'handoff.requested' && e.conversation_id === id);
      expect(event.payload).toMatchObject({ reason: 'keyword' });
      await waitFor(() => botTextsTo(chat).length === 1, 15_000, 'handoff text');
      const d = await detail(id);
      expect(d.conversation).toMatchObject({ mode: 'human', needs_human: true, assignee: null, channel: 'telegram' });
      expect(d.contact.identities[0]).toMatchObject({ channel: 'telegram', external_user_id: String(chat) });

      const mail = await rig.smtp.waitFor(shop.email, 15_000);
      const body = mailText(mail.raw);
      expect(body).toContain('Khách muốn gặp nhân viên');
      expect(body).toContain('gap quan ly');
      expect(body).toContain(`/app/inbox?conversation=${id}`);
      const owner = await waitFor(() => rig.telegram.fake.sent.find((s) => String(s.body.chat_id) === OWNER_CHAT_ID), 15_000, 'owner telegram');
      expect(String(owner.body.text)).toContain('Khách muốn gặp nhân viên');

      const waiting = await rig.call('GET', '/v1/tenant/inbox/conversations?needs_human=true', { token: shop.token });
      expect(waiting.body.items.map((c: { id: string }) => c.id)).toContain(id);
    });

    it("a handoff in the owner's test chat shows in the inbox but notifies nobody", async () => {
      await rig.inbox.tracker.idle();
      await new Promise((r) => setTimeout(r, 1000));
      const mails = rig.smtp.mails.length;
      const telegrams = rig.telegram.fake.sent.filter((s) => String(s.body.chat_id) === OWNER_CHAT_ID).length;
      const result = await answerForTenant(rig.runtime, { tenantId: shop.tenantId, channel: 'test', externalUserId: 'owner-trying', text: 'Cho gặp quản lý' });
      expect(result.handoff).toBe(true);
      await stream.next((e) => e.type === 'handoff.requested' && e.conversation_id === result.conversationId);
      await rig.inbox.tracker.idle();
      await new Promise((r) => setTimeout(r, 1500));
      expect(rig.smtp.mails.length).toBe(mails);
      expect(rig.telegram.fake.sent.filter((s) => String(s.body.chat_id) === OWNER_CHAT_ID)).toHaveLength(telegrams);
    });

    it('two fallbacks in a row hand over too', async () => {
      chat += 1;
      await tgSay(chat, 'Shop có bán máy bay trực thăng không?');
      await waitFor(() => botTextsTo(chat).length === 1, 15_000, 'first fallback');
      await tgSay(chat, 'Vậy tàu ngầm thì sao?');
      const id = await conversationOf(`telegram:${chat}`);
      const event = await stream.next((e) => e.type === 'handoff.requested' && e.conversation_id === id);
      expect(event.payload).toMatchObject({ reason: 'consecutive-fallbacks' });
      expect((await detail(id)).conversation).toMatchObject({ mode: 'human', needs_human: true });
    });

    it('take over stops the bot: the customer message is stored, seen live, and gets no bot reply', async () => {
      chat += 1;
      await tgSay(chat, 'Shop có bán ô tô đồ chơi không?');
      await waitFor(() => botTextsTo(chat).length === 1, 15_000, 'bot answer');
      const id = await conversationOf(`telegram:${chat}`);
      const taken = await act(id, 'take-over');
      expect(taken.status, taken.text).toBe(200);
      expect(taken.body).toMatchObject({ mode: 'human', needs_human: false });
      await stream.next((e) => e.type === 'conversation.mode' && e.conversation_id === id && e.payload.mode === 'human');

      await tgSay(chat, 'Mình muốn đặt 3 cái màu đỏ');
      const live = await stream.next((e) => e.type === 'message.created' && e.conversation_id === id && e.payload.content === 'Mình muốn đặt 3 cái màu đỏ');
      expect(live.payload.role).toBe('customer');
      await rig.inbox.tracker.idle();
      await new Promise((r) => setTimeout(r, 1500));
      expect(botTextsTo(chat)).toHaveLength(1);
      const d = await detail(id);
      expect(d.messages.at(-1)).toMatchObject({ role: 'customer', content: 'Mình muốn đặt 3 cái màu đỏ' });
      expect(d.conversation.unread_count).toBeGreaterThan(0);
      const mine = await rig.call('GET', '/v1/tenant/inbox/conversations?mine=true&unread=true', { token: shop.token });
      expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([id]);

      // The agent replies through Telegram; a note stays internal.
      const reply = await act(id, 'messages', { content: 'Dạ shop còn 5 cái màu đỏ ạ' });
      expect(reply.status, reply.text).toBe(201);
      await waitFor(() => botTextsTo(chat).includes('Dạ shop còn 5 cái màu đỏ ạ'), 15_000, 'agent reply delivered');
      // Telegram has the text before the delivery job marks the row sent (after the response).
      await waitFor(async () => (await detail(id)).messages.find((m: { role: string }) => m.role === 'agent')?.delivery_status === 'sent', 15_000, 'agent reply marked sent');
      const note = await act(id, 'notes', { content: 'Khách quen, giảm 10%' });
      expect(note.status).toBe(201);
      await stream.next((e) => e.type === 'note.created' && e.conversation_id === id);
      await new Promise((r) => setTimeout(r, 1000));
      expect(rig.telegram.fake.sent.some((s) => String(s.body.text ?? '').includes('giảm 10%'))).toBe(false);
      const after = await detail(id);
      expect(after.notes.map((n: { content: string }) => n.content)).toEqual(['Khách quen, giảm 10%']);
      expect(after.messages.find((m: { role: string }) => m.role === 'agent')).toMatchObject({ delivery_status: 'sent', author: { email: shop.email } });

      // Read state is per agent.
      expect((await act(id, 'read')).status).toBe(204);
      expect((await detail(id)).conversation.unread_count).toBe(0);

      // Hand back: the bot answers again.
      const back = await act(id, 'hand-back');
      expect(back.body).toMatchObject({ mode: 'bot', assignee_id: null });
      await tgSay(chat, 'Shop có bán xe đạp không?');
      await waitFor(() => botTextsTo(chat).length === 3, 15_000, 'bot answers after hand back');
    });

    it('a Messenger agent reply outside 24 h carries the HUMAN_AGENT tag', async () => {
      const psid = `7${Date.now()}`;
      const raw = JSON.stringify(fb.textEvent({ psid, text: 'Cho hỏi giờ mở cửa' }));
      expect((await postRequest(`${rig.baseUrl}/webhooks/messenger/${messengerId}`, fb.request(raw))).status).toBe(200);
      const id = await waitFor(
        () =>
          rig.runtime.db.tenant(shop.tenantId, async (tx) =>
            (await tx.query<{ id: string }>(`SELECT id FROM conversations WHERE connection_id = $1 ORDER BY created_at DESC LIMIT 1`, [messengerId])).rows[0]?.id,
          ),
        15_000,
        'messenger conversation',
      );
      await waitFor(() => rig.messenger.fake.sent.length >= 1, 15_000, 'bot answer on messenger');
      await rig.runtime.db.tenant(shop.tenantId, (tx) =>
        tx.query(`UPDATE messages SET created_at = now() - interval '30 hours' WHERE conversation_id = $1 AND role = 'customer'`, [id]),
      );
      expect((await act(id, 'take-over')).status).toBe(200);
      expect((await act(id, 'messages', { content: 'Dạ shop mở cửa 8h–22h ạ' })).status).toBe(201);
      const sent = await waitFor(() => rig.messenger.fake.sent.find((s) => s.message.text === 'Dạ shop mở cửa 8h–22h ạ'), 15_000, 'tagged send');
      expect(sent).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    });

    it('assigns only to members of the shop', async () => {
      chat += 1;
      await tgSay(chat, 'Shop có bán diều không?');
      const id = await conversationOf(`telegram:${chat}`);
      const colleague = await createFixtureUser(rig.runtime.db, { tenantId: shop.tenantId, role: 'tenant-agent' });
      const stranger = await createFixtureUser(rig.runtime.db, {});
      const refused = await act(id, 'assign', { user_id: stranger.userId });
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({ code: 'not_a_member' });
      const ok = await act(id, 'assign', { user_id: colleague.userId });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.assignee_id).toBe(colleague.userId);
      await stream.next((e) => e.type === 'conversation.assigned' && e.conversation_id === id);
      const agentToken = await rig.login(colleague.email);
      const mine = await rig.call('GET', '/v1/tenant/inbox/conversations?mine=true', { token: agentToken });
      expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
      expect((await act(id, 'close', undefined, agentToken)).body).toMatchObject({ mode: 'closed', status: 'closed' });
    });

    it('returns an idle human-mode conversation to the bot', async () => {
      chat += 1;
      await tgSay(chat, 'Shop có bán bóng bay không?');
      const id = await conversationOf(`telegram:${chat}`);
      expect((await act(id, 'take-over')).status).toBe(200);
      // 10 minutes idle: under the shop's 15, nothing happens.
      await rig.runtime.db.tenant(shop.tenantId, (tx) => tx.query(`UPDATE conversations SET agent_activity_at = now() - interval '10 minutes' WHERE id = $1`, [id]));
      expect((await runIdleReturn(rig.runtime)).returned.map((r) => r.conversationId)).not.toContain(id);
      await rig.runtime.db.tenant(shop.tenantId, (tx) => tx.query(`UPDATE conversations SET agent_activity_at = now() - interval '16 minutes' WHERE id = $1`, [id]));
      expect((await runIdleReturn(rig.runtime)).returned).toContainEqual({ tenantId: shop.tenantId, conversationId: id });
      await stream.next((e) => e.type === 'conversation.mode' && e.conversation_id === id && e.payload.reason === 'idle');
      expect((await detail(id)).conversation).toMatchObject({ mode: 'bot', assignee: null });
    });

    it('resumes the stream after Last-Event-ID; tickets are single-use and signed', async () => {
      const last = stream.events.at(-1)!;
      chat += 1;
      await tgSay(chat, 'Shop có bán kẹo không?');
      const id = await conversationOf(`telegram:${chat}`);
      await stream.next((e) => e.type === 'message.created' && e.conversation_id === id && e.payload.role === 'bot');
      const missed = stream.events.filter((e) => BigInt(e.id) > BigInt(last.id)).map((e) => e.id);
      const resumed = await rig.stream(shop.token, last.id);
      await resumed.ready();
      expect(resumed.events.map((e) => e.id)).toEqual(expect.arrayContaining(missed));
      expect(resumed.events.every((e) => BigInt(e.id) > BigInt(last.id))).toBe(true);
      resumed.close();

      const ticket = await rig.call('POST', '/v1/tenant/inbox/stream-ticket', { token: shop.token });
      const first = await fetch(`${rig.baseUrl}${ticket.body.url}`);
      expect(first.status).toBe(200);
      await first.body?.cancel();
      expect((await fetch(`${rig.baseUrl}${ticket.body.url}`)).status).toBe(401);
      expect((await fetch(`${rig.baseUrl}/v1/tenant/inbox/stream?ticket=${ticket.body.ticket.slice(0, -4)}AAAA`)).status).toBe(401);
      expect((await fetch(`${rig.baseUrl}/v1/tenant/inbox/stream`)).status).toBe(401);
    });

    it('streams every event of concurrent writers once, in id order', async () => {
      const id = (await rig.call('GET', '/v1/tenant/inbox/conversations', { token: shop.token })).body.items[0].id as string;
      const texts = Array.from({ length: 12 }, (_, i) => `song song ${i}`);
      const results = await Promise.all(texts.map((content) => act(id, 'notes', { content })));
      expect(results.map((r) => r.status)).toEqual(texts.map(() => 201));
      await waitFor(() => texts.every((text) => stream.events.some((e) => e.payload.content === text)), 15_000, 'all notes streamed');
      const ids = stream.events.map((e) => BigInt(e.id));
      expect(ids.every((value, i) => i === 0 || value > ids[i - 1]!)).toBe(true);
      expect(stream.events.filter((e) => texts.includes(String(e.payload.content)))).toHaveLength(texts.length);
    });

    it("a removed colleague's open stream ends", async () => {
      const colleague = await createFixtureUser(rig.runtime.db, { tenantId: shop.tenantId, role: 'tenant-agent' });
      const own = await rig.stream(await rig.login(colleague.email));
      await own.ready();
      expect((await rig.call('DELETE', `/v1/tenant/members/${colleague.userId}`, { token: shop.token })).status).toBe(204);
      await own.ended();
    });

    it('pages the list with a cursor', async () => {
      const page1 = await rig.call('GET', '/v1/tenant/inbox/conversations?limit=2', { token: shop.token });
      expect(page1.body.items).toHaveLength(2);
      const page2 = await rig.call('GET', `/v1/tenant/inbox/conversations?limit=2&cursor=${page1.body.next_cursor}`, { token: shop.token });
      expect(page2.status).toBe(200);
      const ids = [...page1.body.items, ...page2.body.items].map((c: { id: string }) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect((await rig.call('GET', '/v1/tenant/inbox/conversations?cursor=bm9wZQ', { token: shop.token })).status).toBe(400);
      const tg = await rig.call('GET', '/v1/tenant/inbox/conversations?channel=messenger', { token: shop.token });
      expect(tg.body.items.every((c: { channel: string }) => c.channel === 'messenger')).toBe(true);
    });

    it("another shop sees none of this shop's inbox and gets 404 on every conversation route", async () => {
      const other = await rig.signup(`other-${driver.name}`);
      const id = (await rig.call('GET', '/v1/tenant/inbox/conversations', { token: shop.token })).body.items[0].id as string;
      const list = await rig.call('GET', '/v1/tenant/inbox/conversations', { token: other.token });
      expect(list.body.items).toEqual([]);
      const probes: Array<[string, string, unknown?]> = [
        ['GET', ''],
        ['POST', '/take-over'],
        ['POST', '/hand-back'],
        ['POST', '/close'],
        ['POST', '/assign', { user_id: other.tenantId }],
        ['POST', '/notes', { content: 'x' }],
        ['POST', '/read'],
        ['POST', '/messages', { content: 'x' }],
      ];
      for (const [method, suffix, body] of probes) {
        const res = await rig.call(method, `/v1/tenant/inbox/conversations/${id}${suffix}`, { token: other.token, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${suffix}`).toBe(404);
      }
      const otherStream = await rig.stream(other.token);
      await otherStream.ready();
      expect(await act(id, 'notes', { content: 'chỉ shop này thấy' })).toMatchObject({ status: 201 });
      await stream.next((e) => e.type === 'note.created' && e.payload.content === 'chỉ shop này thấy');
      await new Promise((r) => setTimeout(r, 300));
      expect(otherStream.events).toEqual([]);
      otherStream.close();
    });
  });
}
