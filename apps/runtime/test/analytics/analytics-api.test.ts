/**
 * Analytics API on both drivers: exact per-day numbers over seeded conversations (Vietnam days),
 * first-response median/p90, top questions grouped by meaning, unanswered questions and "add to
 * FAQ", tracked links (redirect, click attribution, conversions) and cross-tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayIn } from '../../src/analytics/date-range';
import type { Db } from '../../src/db/types';
import { testDrivers } from '../helpers/drivers';
import { startAnalyticsApp, type AnalyticsApp } from './harness';

const drivers = await testDrivers();

interface Seeded {
  conversations: [string, string, string];
  messages: Record<string, string>;
  contactId: string;
}

/** Three conversations over two Vietnamese days (one turn straddles midnight in Vietnam). */
async function seedConversations(db: Db, tenantId: string): Promise<Seeded> {
  return db.platform(async (tx) => {
    const id = async (sql: string, params: unknown[]) => String((await tx.query<{ id: string }>(sql, params)).rows[0]!.id);
    const contactId = await id(`INSERT INTO contacts (tenant_id, name) VALUES ($1, 'Chị Lan') RETURNING id`, [tenantId]);
    const conversation = () =>
      id(`INSERT INTO conversations (tenant_id, contact_id, channel, last_message_at) VALUES ($1, $2, 'web', now()) RETURNING id`, [tenantId, contactId]);
    const c1 = await conversation();
    const c2 = await conversation();
    const c3 = await conversation();
    const messages: Record<string, string> = {};
    const say = async (key: string, conversationId: string, role: string, at: string, content: string, extra: { route?: string; sources?: unknown[]; replyTo?: string } = {}) => {
      messages[key] = await id(
        `INSERT INTO messages (tenant_id, conversation_id, role, content, route, sources, in_reply_to, created_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::timestamptz) RETURNING id`,
        [tenantId, conversationId, role, content, extra.route ?? null, JSON.stringify(extra.sources ?? []), extra.replyTo ? messages[extra.replyTo] : null, at],
      );
    };
    // Conversation 1, 20 Nov (Vietnam): FAQ answer in 2 s; then two customer messages, fallback in 20 s.
    await say('q1', c1, 'customer', '2026-11-20T10:00:00+07:00', 'giá bao nhiêu');
    await say('a1', c1, 'bot', '2026-11-20T10:00:02+07:00', 'Dạ 150.000đ ạ', { route: 'faq', sources: [{ kind: 'faq', id: 'x' }], replyTo: 'q1' });
    await say('q2', c1, 'customer', '2026-11-20T10:05:00+07:00', 'gia bao nhieu');
    await say('q3', c1, 'customer', '2026-11-20T10:05:10+07:00', 'shop ơi');
    await say('a2', c1, 'bot', '2026-11-20T10:05:20+07:00', 'Xin lỗi, em chưa rõ', { route: 'fallback', replyTo: 'q2' });
    // Conversation 2: a model answer without sources in 4 s at 23:30 on the 20th; after midnight
    // (the 21st in Vietnam, still the 20th in UTC) an agent answers in 30 s.
    await say('q4', c2, 'customer', '2026-11-20T23:30:00+07:00', 'bao nhiêu tiền vậy shop');
    await say('a3', c2, 'bot', '2026-11-20T23:30:04+07:00', 'Khoảng 150k ạ', { route: 'cheap', replyTo: 'q4' });
    await say('q5', c2, 'customer', '2026-11-21T00:30:00+07:00', 'có ship Hà Nội không');
    await say('a4', c2, 'agent', '2026-11-21T00:30:30+07:00', 'Dạ có ạ');
    // Conversation 3, 21 Nov: fallback in 10 s, then a question nobody answered.
    await say('q6', c3, 'customer', '2026-11-21T09:00:00+07:00', 'mấy giờ mở cửa');
    await say('a5', c3, 'bot', '2026-11-21T09:00:10+07:00', 'Xin lỗi, em chưa rõ', { route: 'fallback', replyTo: 'q6' });
    await say('q7', c3, 'customer', '2026-11-21T09:01:00+07:00', 'giờ làm việc thế nào');
    // A system note is not a message of the overview.
    await say('n1', c3, 'note', '2026-11-21T09:02:00+07:00', 'ghi chú nội bộ');
    // Usage: two days in the range, one after it.
    const usage = [
      ['u1', '2026-11-20T10:00:01+07:00', 100, 50, 30],
      ['u2', '2026-11-21T09:00:05+07:00', 200, 80, 70],
      ['u3', '2026-11-22T09:00:05+07:00', 999, 999, 999],
    ] as const;
    for (const [key, at, tokensIn, tokensOut, cost] of usage) {
      await tx.query(
        `INSERT INTO usage_events (id, tenant_id, kind, tokens_in, tokens_out, cost_vnd, occurred_at) VALUES ($1, $2, 'llm', $3, $4, $5, $6::timestamptz)`,
        [`${tenantId}-${key}`, tenantId, tokensIn, tokensOut, cost, at],
      );
    }
    return { conversations: [c1, c2, c3], messages, contactId };
  });
}

for (const driver of drivers) {
  describe.skipIf(driver.skip !== undefined)(`analytics API (${driver.name})`, { timeout: 120_000 }, () => {
    let close: () => Promise<void>;
    let app: AnalyticsApp;
    let a: { token: string; tenantId: string };
    let b: { token: string; tenantId: string };
    let seeded: Seeded;
    let seededB: Seeded;

    beforeAll(async () => {
      const opened = await driver.open({ max: 4 });
      close = opened.close;
      app = await startAnalyticsApp(opened.db as never);
      a = await app.signup('analytics-a');
      b = await app.signup('analytics-b');
      seeded = await seedConversations(app.runtime.db, a.tenantId);
      seededB = await seedConversations(app.runtime.db, b.tenantId);
      // B has one more conversation, so a leak would change A's numbers.
      await app.runtime.db.platform((tx) =>
        tx.query(`INSERT INTO messages (tenant_id, conversation_id, role, content, created_at) VALUES ($1, $2, 'customer', 'của B', '2026-11-20T12:00:00+07:00')`, [
          b.tenantId,
          seededB.conversations[0],
        ]),
      );
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await close?.().catch(() => undefined);
    });

    it('counts conversations, messages, fallback, first response, tokens and cost per Vietnamese day', async () => {
      const res = await app.call('GET', '/v1/tenant/analytics/overview?from=2026-11-19&to=2026-11-21', { token: a.token });
      expect(res.status, res.text).toBe(200);
      expect(res.body.timezone).toBe('Asia/Ho_Chi_Minh');
      expect(res.body.days).toEqual([
        { date: '2026-11-19', conversations: 0, messages: { customer: 0, bot: 0, agent: 0 }, fallback: 0, first_response_median_seconds: null, tokens_in: 0, tokens_out: 0, cost_vnd: 0, conversions: 0 },
        { date: '2026-11-20', conversations: 2, messages: { customer: 4, bot: 3, agent: 0 }, fallback: 1, first_response_median_seconds: 4, tokens_in: 100, tokens_out: 50, cost_vnd: 30, conversions: 0 },
        { date: '2026-11-21', conversations: 2, messages: { customer: 3, bot: 1, agent: 1 }, fallback: 1, first_response_median_seconds: 20, tokens_in: 200, tokens_out: 80, cost_vnd: 70, conversions: 0 },
      ]);
      expect(res.body.totals).toEqual({
        conversations: 3,
        messages: { customer: 7, bot: 4, agent: 1 },
        bot_share: 0.8,
        human_share: 0.2,
        fallback: 2,
        fallback_rate: 0.5,
        // Samples 2, 20, 4, 30, 10 s: median 10, p90 interpolated between 20 and 30.
        first_response: { median_seconds: 10, p90_seconds: 26, samples: 5 },
        tokens_in: 300,
        tokens_out: 130,
        cost_vnd: 100,
        conversions: 0,
      });
    });

    it('buckets by the requested time zone and validates the range', async () => {
      const utc = await app.call('GET', '/v1/tenant/analytics/overview?from=2026-11-20&to=2026-11-21&tz=UTC', { token: a.token });
      expect(utc.status, utc.text).toBe(200);
      // In UTC the message at 00:30 on the 21st (Vietnam) is still on the 20th.
      expect(utc.body.days.map((d: { messages: { customer: number } }) => d.messages.customer)).toEqual([5, 2]);
      expect((await app.call('GET', '/v1/tenant/analytics/overview?from=2026-11-22&to=2026-11-21', { token: a.token })).status).toBe(400);
      expect((await app.call('GET', '/v1/tenant/analytics/overview?from=2024-01-01&to=2026-11-21', { token: a.token })).status).toBe(400);
      const badTz = await app.call('GET', '/v1/tenant/analytics/overview?tz=Mars/Olympus', { token: a.token });
      expect(badTz.status).toBe(400);
      const fallbackRange = await app.call('GET', '/v1/tenant/analytics/overview', { token: a.token });
      expect(fallbackRange.body.days).toHaveLength(30);
      expect(fallbackRange.body.to).toBe(todayIn('Asia/Ho_Chi_Minh'));
      expect((await app.call('GET', '/v1/tenant/analytics/overview')).status).toBe(401);
    });

    it('groups top questions by meaning', async () => {
      const res = await app.call('GET', '/v1/tenant/analytics/top-questions?from=2026-11-20&to=2026-11-21', { token: a.token });
      expect(res.status, res.text).toBe(200);
      expect(res.body.sampled).toBe(7);
      const [price, hours, ...rest] = res.body.items as Array<{ question: string; count: number; examples: string[]; message_id: string }>;
      expect(price!.count).toBe(3);
      expect([...price!.examples].sort()).toEqual(['bao nhiêu tiền vậy shop', 'gia bao nhieu', 'giá bao nhiêu']);
      expect(price!.message_id).toBe(seeded.messages.q4);
      expect(hours).toMatchObject({ count: 2 });
      expect([...hours!.examples].sort()).toEqual(['giờ làm việc thế nào', 'mấy giờ mở cửa']);
      expect(rest.map((g) => g.count)).toEqual([1, 1]);
      expect(res.text).not.toContain('của B');
    });

    it('lists unanswered questions and clears a group once it is added to the FAQ', async () => {
      const before = await app.call('GET', '/v1/tenant/analytics/unanswered?from=2026-11-20&to=2026-11-21', { token: a.token });
      expect(before.status, before.text).toBe(200);
      expect(before.body.items.map((g: { count: number; reason: string; message_id: string }) => [g.count, g.reason, g.message_id])).toEqual([
        [2, 'no_sources', seeded.messages.q4],
        [1, 'fallback', seeded.messages.q6],
      ]);
      // B cannot add A's question; A's agent-role members cannot either (admin only); an answer is required.
      const denied = await app.call('POST', `/v1/tenant/analytics/unanswered/${seeded.messages.q4}/faq`, { token: b.token, body: { answer: 'x' } });
      expect(denied.status).toBe(404);
      expect(denied.text).not.toContain('bao nhiêu tiền');
      expect((await app.call('POST', `/v1/tenant/analytics/unanswered/${seeded.messages.a1}/faq`, { token: a.token, body: { answer: 'x' } })).status).toBe(404);
      expect((await app.call('POST', `/v1/tenant/analytics/unanswered/${seeded.messages.q4}/faq`, { token: a.token, body: {} })).status).toBe(400);

      const added = await app.call('POST', `/v1/tenant/analytics/unanswered/${seeded.messages.q4}/faq`, {
        token: a.token,
        body: { answer: 'Áo thun giá 150.000đ ạ.' },
      });
      expect(added.status, added.text).toBe(201);
      expect(added.body).toMatchObject({ question: 'bao nhiêu tiền vậy shop', answer: 'Áo thun giá 150.000đ ạ.', tags: ['analytics'] });
      const faq = await app.call('GET', '/v1/tenant/faq', { token: a.token });
      expect(faq.body.items.map((f: { id: string }) => f.id)).toContain(added.body.id);
      expect((await app.call('GET', '/v1/tenant/faq', { token: b.token })).body.items).toEqual([]);

      const after = await app.call('GET', '/v1/tenant/analytics/unanswered?from=2026-11-20&to=2026-11-21', { token: a.token });
      expect(after.body.items.map((g: { message_id: string }) => g.message_id)).toEqual([seeded.messages.q6]);
      // B's identical questions are still unanswered for B.
      const forB = await app.call('GET', '/v1/tenant/analytics/unanswered?from=2026-11-20&to=2026-11-21', { token: b.token });
      expect(forB.body.items.map((g: { message_id: string }) => g.message_id)).toEqual([seededB.messages.q4, seededB.messages.q6]);
    });

    it('creates tracked links that record attributed clicks, redirect, and count as conversions', async () => {
      const created = await app.call('POST', '/v1/tenant/tracked-links', { token: a.token, body: { name: 'Đặt hàng', target_url: 'https://shop.example.vn/dat-hang?utm=bot' } });
      expect(created.status, created.text).toBe(201);
      const link = created.body as { id: string; code: string; url: string; clicks: number };
      expect(link.url).toBe(`https://bot.example.vn/l/${link.code}`);
      expect(link.clicks).toBe(0);
      expect((await app.call('POST', '/v1/tenant/tracked-links', { token: a.token, body: { name: 'x', target_url: 'javascript:alert(1)' } })).status).toBe(400);

      const [c1] = seeded.conversations;
      const first = await app.get(`/l/${link.code}?c=${c1}`, { 'user-agent': 'Zalo/1.0' });
      expect(first.status).toBe(302);
      expect(first.headers.get('location')).toBe('https://shop.example.vn/dat-hang?utm=bot');
      // B's conversation id is not A's: the click counts, unattributed.
      expect((await app.get(`/l/${link.code}?c=${seededB.conversations[0]}`)).status).toBe(302);
      expect((await app.get(`/l/${link.code}?c=not-a-uuid`)).status).toBe(302);
      const unknown = await app.get('/l/ZZZZZZZZ');
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain('Liên kết không tồn tại');

      const clicks = await app.runtime.db.platform(async (tx) =>
        (await tx.query<{ tenant_id: string; conversation_id: string | null; contact_id: string | null; user_agent: string | null }>(
          'SELECT tenant_id, conversation_id, contact_id, user_agent FROM link_clicks WHERE link_id = $1 ORDER BY clicked_at, id',
          [link.id],
        )).rows,
      );
      expect(clicks).toHaveLength(3);
      expect(clicks.every((c) => c.tenant_id === a.tenantId)).toBe(true);
      expect(clicks.filter((c) => c.conversation_id === c1)).toEqual([{ tenant_id: a.tenantId, conversation_id: c1, contact_id: seeded.contactId, user_agent: 'Zalo/1.0' }]);
      expect(clicks.filter((c) => c.conversation_id === null)).toHaveLength(2);

      const list = await app.call('GET', '/v1/tenant/tracked-links', { token: a.token });
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ id: link.id, clicks: 3 });
      expect(list.body.items[0].last_clicked_at).not.toBeNull();

      const today = todayIn('Asia/Ho_Chi_Minh');
      const overview = await app.call('GET', `/v1/tenant/analytics/overview?from=${today}&to=${today}`, { token: a.token });
      expect(overview.body.days).toEqual([expect.objectContaining({ date: today, conversions: 3 })]);
      expect(overview.body.totals.conversions).toBe(3);

      // Tenant B sees none of it and cannot delete it.
      expect((await app.call('GET', '/v1/tenant/tracked-links', { token: b.token })).body.items).toEqual([]);
      expect((await app.call('GET', `/v1/tenant/analytics/overview?from=${today}&to=${today}`, { token: b.token })).body.totals.conversions).toBe(0);
      const deleteByB = await app.call('DELETE', `/v1/tenant/tracked-links/${link.id}`, { token: b.token });
      expect(deleteByB.status).toBe(404);
      expect(deleteByB.body.error.code).toBe('not_found');

      expect((await app.call('DELETE', `/v1/tenant/tracked-links/${link.id}`, { token: a.token })).status).toBe(204);
      expect((await app.get(`/l/${link.code}`)).status).toBe(404);
      expect((await app.call('DELETE', `/v1/tenant/tracked-links/${link.id}`, { token: a.token })).status).toBe(404);
    });

    it("never shows B's numbers to A", async () => {
      const forB = await app.call('GET', '/v1/tenant/analytics/overview?from=2026-11-20&to=2026-11-21', { token: b.token });
      // B's own seed plus its one extra customer message.
      expect(forB.body.totals.messages).toEqual({ customer: 8, bot: 4, agent: 1 });
      const forA = await app.call('GET', '/v1/tenant/analytics/overview?from=2026-11-20&to=2026-11-21', { token: a.token });
      expect(forA.body.totals.messages).toEqual({ customer: 7, bot: 4, agent: 1 });
    });
  });
}
