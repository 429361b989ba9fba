/**
 * The customers API on PGlite and Postgres: list with identities and search, tag/channel filters,
 * editing tags and notes (agents too, audited without values), the CSV export (BOM, Vietnamese
 * round-trip, formula injection guarded) and tenant isolation (B's contact is a 404 and never
 * appears in A's list or export).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactsFeature } from '../../src/contacts/feature';
import type { Db } from '../../src/db/types';
import type { Runtime } from '../../src/runtime';
import { testDrivers } from '../helpers/drivers';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';
import { expectAllCrossTenantDenied } from '../http/cross-tenant';
import { createFixtureUser, loginAs, setFixturePassword } from '../http/fixtures';
import { startTestApp, type TestApp } from '../http/harness';
import { downloadCsv } from './csv-helpers';

const drivers = await testDrivers();

for (const driver of drivers) {
  if (driver.skip) console.warn(`[contacts-api] ${driver.name} skipped: ${driver.skip}`);
  describe.skipIf(driver.skip)(`contacts API (${driver.name})`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let app: TestApp;
    let seed: TwoTenants;
    let adminA: string;
    let agentA: string;
    let lanId: string;

    beforeAll(async () => {
      ({ db, close } = await driver.open());
      seed = await seedTwoTenants(db);
      await setFixturePassword(db, seed.a.adminUserId);
      // The contacts feature only needs the database from the runtime.
      app = await startTestApp(db, { features: [contactsFeature({ db } as unknown as Runtime)] });
      adminA = (await loginAs(app, seed.a.adminEmail)).access;
      agentA = (await loginAs(app, (await createFixtureUser(db, { tenantId: seed.a.tenantId, role: 'tenant-agent' })).email)).access;
      lanId = await db.platform(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO contacts (tenant_id, name, phone, tags, notes) VALUES ($1, 'Nguyễn Thị Lan', '0901234567', '{VIP,"khách sỉ"}', '=HYPERLINK("http://x")')
           RETURNING id`,
          [seed.a.tenantId],
        );
        const id = rows[0]!.id;
        await tx.query(
          `INSERT INTO contact_identities (tenant_id, contact_id, channel, external_user_id, display_name) VALUES ($1, $2, 'zalo', 'zl-8842', 'Lan Nguyễn')`,
          [seed.a.tenantId, id],
        );
        await tx.query(`INSERT INTO conversations (tenant_id, contact_id, channel, last_message_at) VALUES ($1, $2, 'zalo', now() + interval '1 minute')`, [
          seed.a.tenantId,
          id,
        ]);
        return id;
      });
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await close?.();
    });

    it("lists A's contacts with identities and conversation counts, most recent first, never B's", async () => {
      const res = await app.call('GET', '/v1/tenant/contacts', { token: adminA });
      expect(res.status, res.text).toBe(200);
      expect(res.body.total).toBe(2);
      expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([lanId, seed.a.contactId]);
      expect(res.body.items[0]).toMatchObject({
        name: 'Nguyễn Thị Lan',
        phone: '0901234567',
        tags: ['VIP', 'khách sỉ'],
        conversation_count: 1,
        identities: [{ channel: 'zalo', external_user_id: 'zl-8842', display_name: 'Lan Nguyễn', last_inbound_at: null }],
      });
      expect(res.body.items[1].identities[0]).toMatchObject({ channel: 'web' });
      expect(res.text).not.toContain(seed.b.contactId);
      expect(res.text).not.toContain(seed.b.tenantId);
    });

    it('searches by name, identity and tag, and filters by tag and channel', async () => {
      const ids = async (query: string) => {
        const res = await app.call('GET', `/v1/tenant/contacts?${query}`, { token: adminA });
        expect(res.status, res.text).toBe(200);
        return res.body.items.map((c: { id: string }) => c.id);
      };
      expect(await ids(`q=${encodeURIComponent('thị lan')}`)).toEqual([lanId]);
      expect(await ids('q=zl-88')).toEqual([lanId]);
      expect(await ids(`q=${encodeURIComponent('sỉ')}`)).toEqual([lanId]);
      expect(await ids(`tag=${encodeURIComponent('khách sỉ')}`)).toEqual([lanId]);
      expect(await ids('channel=web')).toEqual([seed.a.contactId]);
      expect(await ids('q=%25')).toEqual([]); // % is literal, not a wildcard
      // B's contact name never matches for A.
      expect(await ids(`q=${encodeURIComponent(seed.b.slug.replace('shop-', ''))}`)).toEqual([]);
      expect((await app.call('GET', '/v1/tenant/contacts?limit=1&offset=1', { token: adminA })).body).toMatchObject({ total: 2, items: [{ id: seed.a.contactId }] });
      expect((await app.call('GET', '/v1/tenant/contacts?bogus=1', { token: adminA })).status).toBe(400);
    });

    it('edits tags and notes (an agent may), normalising tags, and audits field names only', async () => {
      const res = await app.call('PATCH', `/v1/tenant/contacts/${lanId}`, {
        token: agentA,
        body: { tags: [' VIP ', 'vip', 'Đã mua', ''], notes: 'Thích áo màu be, giao giờ hành chính' },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ id: lanId, tags: ['VIP', 'Đã mua'], notes: 'Thích áo màu be, giao giờ hành chính', name: 'Nguyễn Thị Lan' });
      const cleared = await app.call('PATCH', `/v1/tenant/contacts/${lanId}`, { token: adminA, body: { phone: '' } });
      expect(cleared.body).toMatchObject({ phone: null, tags: ['VIP', 'Đã mua'] });
      expect((await app.call('GET', `/v1/tenant/contacts/${lanId}`, { token: adminA })).body.notes).toBe('Thích áo màu be, giao giờ hành chính');
      const unchanged = await app.call('PATCH', `/v1/tenant/contacts/${lanId}`, { token: adminA, body: {} });
      expect(unchanged.body).toMatchObject({ id: lanId, tags: ['VIP', 'Đã mua'], phone: null });
      expect((await app.call('PATCH', `/v1/tenant/contacts/${lanId}`, { token: adminA, body: { tags: 'VIP' } })).status).toBe(400);
      expect((await app.call('PATCH', `/v1/tenant/contacts/${lanId}`, { token: adminA, body: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } })).status).toBe(400);
      const audit = await db.platform((tx) =>
        tx.query<{ details: { fields: string[] } }>(`SELECT details FROM audit_log WHERE tenant_id = $1 AND action = 'contact.update' ORDER BY created_at`, [seed.a.tenantId]),
      );
      expect(audit.rows.map((r) => r.details.fields)).toEqual([['tags', 'notes'], ['phone']]);
      expect(JSON.stringify(audit.rows)).not.toContain('áo màu be');
    });

    it("answers 404 for B's contact and leaves it unchanged", async () => {
      await expectAllCrossTenantDenied(
        app,
        adminA,
        [
          { method: 'GET', path: `/v1/tenant/contacts/${seed.b.contactId}` },
          { method: 'PATCH', path: `/v1/tenant/contacts/${seed.b.contactId}`, body: { notes: 'hacked', tags: ['x'] } },
        ],
        [seed.b.tenantId, `Khách ${seed.b.slug.replace('shop-', '')}`],
      );
      const b = await db.platform((tx) => tx.query<{ notes: string | null; tags: string[] }>('SELECT notes, tags FROM contacts WHERE id = $1', [seed.b.contactId]));
      expect(b.rows[0]).toEqual({ notes: null, tags: [] });
    });

    it('exports a CSV Excel reads: BOM, Vietnamese intact, formulas defused, filters applied, nothing of B', async () => {
      const all = await downloadCsv(app, '/v1/tenant/contacts/export.csv', adminA);
      expect(all.status).toBe(200);
      expect(all.contentType).toBe('text/csv; charset=utf-8');
      expect(all.disposition).toMatch(/^attachment; filename="khach-hang-\d{4}-\d{2}-\d{2}\.csv"/);
      const [header, ...rows] = all.rows;
      expect(header![0]).toBe('Mã · ID');
      expect(header![1]).toBe('Tên · Name');
      expect(rows).toHaveLength(2);
      const lan = rows.find((row) => row[0] === lanId)!;
      expect(lan[1]).toBe('Nguyễn Thị Lan');
      expect(lan[4]).toBe('zalo:zl-8842 (Lan Nguyễn)');
      expect(lan[5]).toBe('VIP; Đã mua');
      expect(lan[7]).toBe('1');
      // The notes were set to a formula by the seed above and then replaced; put one back and check it is defused.
      await app.call('PATCH', `/v1/tenant/contacts/${lanId}`, { token: adminA, body: { notes: '=HYPERLINK("http://evil","bấm")', name: '+84 Lan' } });
      const again = await downloadCsv(app, `/v1/tenant/contacts/export.csv?tag=VIP`, adminA);
      expect(again.rows).toHaveLength(2);
      expect(again.rows[1]![1]).toBe("'+84 Lan");
      expect(again.rows[1]![6]).toBe(`'=HYPERLINK("http://evil","bấm")`);
      const raw = new TextDecoder().decode(again.bytes);
      expect(raw).toContain(`"'=HYPERLINK(""http://evil"",""bấm"")"`);
      const text = new TextDecoder().decode(all.bytes);
      for (const secret of [seed.b.contactId, seed.b.tenantId, seed.b.slug]) expect(text).not.toContain(secret);
      expect((await downloadCsv(app, '/v1/tenant/contacts/export.csv?limit=5', adminA)).status).toBe(400);
      expect((await downloadCsv(app, '/v1/tenant/contacts/export.csv', 'not-a-token')).status).toBe(401);
    });
  });
}
