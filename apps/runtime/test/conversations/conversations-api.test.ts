/**
 * The conversation history API on PGlite and Postgres: search by text, channel, date range and
 * contact; the transcript with model, tokens, cost and sources per bot message; and the CSV export
 * (BOM, Vietnamese round-trip, formula injection guarded, the date range bounding the messages)
 * with tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationRoutes } from '../../src/conversations/conversation-routes';
import type { Db } from '../../src/db/types';
import { downloadCsv } from '../contacts/csv-helpers';
import { testDrivers } from '../helpers/drivers';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';
import { expectAllCrossTenantDenied } from '../http/cross-tenant';
import { loginAs, setFixturePassword } from '../http/fixtures';
import { startTestApp, type TestApp } from '../http/harness';

const drivers = await testDrivers();

for (const driver of drivers) {
  if (driver.skip) console.warn(`[conversations-api] ${driver.name} skipped: ${driver.skip}`);
  describe.skipIf(driver.skip)(`conversations API (${driver.name})`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let app: TestApp;
    let seed: TwoTenants;
    let adminA: string;
    let adminB: string;
    let zaloConv: string;
    let webConv: string;
    let lanId: string;

    beforeAll(async () => {
      ({ db, close } = await driver.open());
      seed = await seedTwoTenants(db);
      await setFixturePassword(db, seed.a.adminUserId);
      await setFixturePassword(db, seed.b.adminUserId);
      app = await startTestApp(db, { features: [{ name: 'conversations', routes: conversationRoutes }] });
      adminA = (await loginAs(app, seed.a.adminEmail)).access;
      adminB = (await loginAs(app, seed.b.adminEmail)).access;
      ({ zaloConv, webConv, lanId } = await db.platform(async (tx) => {
        const one = async (sql: string, params: unknown[]) => (await tx.query<{ id: string }>(sql, params)).rows[0]!.id;
        const t = seed.a.tenantId;
        const lan = await one(`INSERT INTO contacts (tenant_id, name) VALUES ($1, 'Nguyễn Thị Lan') RETURNING id`, [t]);
        const zalo = await one(
          `INSERT INTO conversations (tenant_id, contact_id, channel, last_message_at) VALUES ($1, $2, 'zalo', '2026-01-10T03:02:00Z') RETURNING id`,
          [t, lan],
        );
        const web = await one(`INSERT INTO conversations (tenant_id, channel, last_message_at) VALUES ($1, 'web', '2026-02-05T09:00:00Z') RETURNING id`, [t]);
        const msg = `INSERT INTO messages (tenant_id, conversation_id, role, content, created_at, model, route, tokens_in, tokens_out, cost_vnd, sources)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb) RETURNING id`;
        await one(msg, [t, zalo, 'customer', 'Cho hỏi giá áo dài lụa?', '2026-01-10T03:00:00Z', null, null, null, null, null, '[]']);
        await one(msg, [
          t, zalo, 'bot', 'Dạ, áo dài lụa giá 450.000đ ạ.', '2026-01-10T03:01:00Z', 'gpt-4o-mini', 'cheap', 812, 41, 37,
          JSON.stringify([{ id: 'c1', sourceId: 'doc-1', score: 0.82, title: 'Bảng giá.pdf' }]),
        ]);
        await one(msg, [t, zalo, 'customer', '-1 cái size M, giao "Quận 1", nhé', '2026-01-10T03:02:00Z', null, null, null, null, null, '[]']);
        await one(msg, [t, zalo, 'note', 'ghi chú nội bộ', '2026-01-10T03:03:00Z', null, null, null, null, null, '[]']);
        await one(msg, [t, web, 'customer', '@admin shop còn hàng không', '2026-02-05T09:00:00Z', null, null, null, null, null, '[]']);
        return { zaloConv: zalo, webConv: web, lanId: lan };
      }));
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await close?.();
    });

    const ids = async (query: string, token = adminA) => {
      const res = await app.call('GET', `/v1/tenant/conversations?${query}`, { token });
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((c: { id: string }) => c.id);
    };

    it('searches by text, channel, date range and contact', async () => {
      expect(await ids(`q=${encodeURIComponent('áo dài')}`)).toEqual([zaloConv]);
      expect(await ids('channel=web')).toEqual(expect.arrayContaining([webConv]));
      expect(await ids('channel=web')).not.toContain(zaloConv);
      const jan = `from=${encodeURIComponent('2026-01-10T00:00:00+07:00')}&to=${encodeURIComponent('2026-01-11T00:00:00+07:00')}`;
      expect(await ids(jan)).toEqual([zaloConv]);
      expect(await ids(`from=${encodeURIComponent('2026-02-01T00:00:00Z')}&to=${encodeURIComponent('2026-03-01T00:00:00Z')}`)).toEqual([webConv]);
      expect(await ids(`contact_id=${lanId}`)).toEqual([zaloConv]);
      expect(await ids(`contact_id=${seed.b.contactId}`)).toEqual([]);
      expect((await app.call('GET', '/v1/tenant/conversations?from=yesterday', { token: adminA })).status).toBe(400);
      // B searching A's words finds nothing.
      expect(await ids(`q=${encodeURIComponent('áo dài')}`, adminB)).toEqual([]);
    });

    it('shows the transcript with model, tokens, cost and sources per bot message', async () => {
      const res = await app.call('GET', `/v1/tenant/conversations/${zaloConv}/messages`, { token: adminA });
      expect(res.status, res.text).toBe(200);
      const bot = res.body.items.find((m: { role: string }) => m.role === 'bot');
      expect(bot).toMatchObject({ model: 'gpt-4o-mini', route: 'cheap', tokens_in: 812, tokens_out: 41, cost_vnd: 37, sources: [{ title: 'Bảng giá.pdf', sourceId: 'doc-1' }] });
      await expectAllCrossTenantDenied(app, adminB, [{ method: 'GET', path: `/v1/tenant/conversations/${zaloConv}/messages` }], ['áo dài']);
    });

    it('exports one CSV line per message: BOM, Vietnamese intact, formulas defused, notes left out', async () => {
      const csv = await downloadCsv(app, `/v1/tenant/conversations/export.csv?channel=zalo`, adminA);
      expect(csv.status).toBe(200);
      expect(csv.contentType).toBe('text/csv; charset=utf-8');
      expect(csv.disposition).toMatch(/^attachment; filename="hoi-thoai-\d{4}-\d{2}-\d{2}\.csv"/);
      const [header, ...rows] = csv.rows;
      expect(header).toEqual([
        'Mã cuộc trò chuyện · Conversation ID', 'Kênh · Channel', 'Khách hàng · Customer', 'Thời gian · Time', 'Người gửi · Sender',
        'Nội dung · Text', 'Mô hình · Model', 'Cách trả lời · Route', 'Token vào · Tokens in', 'Token ra · Tokens out',
        'Chi phí (VND) · Cost (VND)', 'Nguồn · Sources',
      ]);
      expect(rows.map((row) => [row[0], row[2], row[3], row[4], row[5]])).toEqual([
        [zaloConv, 'Nguyễn Thị Lan', '2026-01-10T03:00:00.000Z', 'customer', 'Cho hỏi giá áo dài lụa?'],
        [zaloConv, 'Nguyễn Thị Lan', '2026-01-10T03:01:00.000Z', 'bot', 'Dạ, áo dài lụa giá 450.000đ ạ.'],
        [zaloConv, 'Nguyễn Thị Lan', '2026-01-10T03:02:00.000Z', 'customer', `'-1 cái size M, giao "Quận 1", nhé`],
      ]);
      expect(rows[1]!.slice(6)).toEqual(['gpt-4o-mini', 'cheap', '812', '41', '37', 'Bảng giá.pdf']);
      expect(new TextDecoder().decode(csv.bytes)).toContain(`"'-1 cái size M, giao ""Quận 1"", nhé"`);
      expect(new TextDecoder().decode(csv.bytes)).not.toContain('ghi chú nội bộ');
    });

    it('bounds exported messages by the date range and never exports B', async () => {
      const from = encodeURIComponent('2026-01-10T03:00:30Z');
      const to = encodeURIComponent('2026-01-10T03:01:30Z');
      const csv = await downloadCsv(app, `/v1/tenant/conversations/export.csv?from=${from}&to=${to}`, adminA);
      expect(csv.rows.slice(1).map((row) => row[5])).toEqual(['Dạ, áo dài lụa giá 450.000đ ạ.']);
      const web = await downloadCsv(app, `/v1/tenant/conversations/export.csv?q=${encodeURIComponent('@admin')}`, adminA);
      expect(web.rows.slice(1).map((row) => row[5])).toEqual(["'@admin shop còn hàng không"]);

      const all = new TextDecoder().decode((await downloadCsv(app, '/v1/tenant/conversations/export.csv', adminA)).bytes);
      expect(all).toContain(seed.a.conversationId);
      for (const secret of [seed.b.conversationId, seed.b.tenantId, seed.b.slug.replace('shop-', '')]) expect(all).not.toContain(secret);
      const ofB = await downloadCsv(app, '/v1/tenant/conversations/export.csv', adminB);
      expect(ofB.rows).toHaveLength(2); // header + B's one seeded message
      expect(new TextDecoder().decode(ofB.bytes)).not.toContain('áo dài');
      expect((await downloadCsv(app, `/v1/tenant/conversations/export.csv?contact_id=${seed.b.contactId}`, adminA)).rows).toHaveLength(1);
      expect((await downloadCsv(app, '/v1/tenant/conversations/export.csv?limit=3', adminA)).status).toBe(400);
    });
  });
}
