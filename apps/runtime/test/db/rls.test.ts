import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types';
import { testDrivers } from '../helpers/drivers';
import { seedTwoTenants, tenantTables, type TwoTenants } from '../helpers/seed';

const drivers = await testDrivers();

describe.each(drivers)('row-level security on $name', (driver) => {
  describe.skipIf(driver.skip)('tenancy', () => {
    let db: Db;
    let close: () => Promise<void>;
    let seed: TwoTenants;
    let tables: string[];

    beforeAll(async () => {
      ({ db, close } = await driver.open());
      seed = await seedTwoTenants(db);
      tables = await tenantTables(db);
    });
    afterAll(() => close?.());

    it('finds the tenant tables in the catalog and every one is seeded for both tenants', async () => {
      expect(tables.length).toBeGreaterThanOrEqual(15);
      expect(tables).toContain('public.messages');
      for (const table of tables) {
        const counts = await db.platform(async (tx) =>
          (await tx.query<{ tenant_id: string; n: number }>(`SELECT tenant_id, count(*)::int AS n FROM ${table} GROUP BY 1`)).rows,
        );
        const by = new Map(counts.map((c) => [c.tenant_id, c.n]));
        expect(by.get(seed.a.tenantId), `seedTwoTenants has no rows for ${table}: add some`).toBeGreaterThan(0);
        expect(by.get(seed.b.tenantId), `seedTwoTenants has no rows for ${table}: add some`).toBeGreaterThan(0);
      }
    });

    it('has RLS enabled and forced with a tenant policy on every tenant table (and tenants)', async () => {
      const rows = await db.platform(async (tx) =>
        (
          await tx.query<{ name: string; enabled: boolean; forced: boolean; policies: number }>(
            `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, c.relrowsecurity AS enabled,
                    c.relforcerowsecurity AS forced,
                    (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE (quote_ident(n.nspname) || '.' || quote_ident(c.relname)) = ANY($1::text[])`,
            [[...tables, 'public.tenants']],
          )
        ).rows,
      );
      expect(rows).toHaveLength(tables.length + 1);
      const bad = rows.filter((r) => !r.enabled || !r.forced || r.policies < 1).map((r) => r.name);
      expect(bad, `tables without forced RLS and a policy: ${bad.join(', ')}`).toEqual([]);
    });

    it('shows the runtime role with no tenant set zero rows in every tenant table', async () => {
      for (const table of [...tables, 'public.tenants']) {
        const n = await db.anonymous(async (tx) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
        expect(n, table).toBe(0);
      }
    });

    it("lets tenant A see only its own rows, and neither update nor delete B's", async () => {
      for (const table of tables) {
        await db.tenant(seed.a.tenantId, async (tx) => {
          const { rows } = await tx.query<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM ${table}`);
          expect(rows.map((r) => r.tenant_id), table).toEqual([seed.a.tenantId]);
          const updated = await tx.query(`UPDATE ${table} SET tenant_id = tenant_id WHERE tenant_id = $1`, [seed.b.tenantId]);
          expect(updated.rowCount, `update ${table}`).toBe(0);
          const deleted = await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [seed.b.tenantId]);
          expect(deleted.rowCount, `delete ${table}`).toBe(0);
        });
      }
      const tenantsSeen = await db.tenant(seed.a.tenantId, async (tx) => (await tx.query<{ id: string }>('SELECT id FROM tenants')).rows);
      expect(tenantsSeen.map((t) => t.id)).toEqual([seed.a.tenantId]);
      const bMessages = await db.platform(async (tx) =>
        (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1', [seed.b.tenantId])).rows[0]!.n,
      );
      expect(bMessages).toBe(1);
    });

    it('refuses an INSERT for tenant B, or moving a row to B, from tenant A', async () => {
      await expect(
        db.tenant(seed.a.tenantId, (tx) => tx.query(`INSERT INTO contacts (tenant_id, name) VALUES ($1, 'x')`, [seed.b.tenantId])),
      ).rejects.toThrow(/row-level security/);
      await expect(
        db.tenant(seed.a.tenantId, (tx) =>
          tx.query(`INSERT INTO messages (tenant_id, conversation_id, role) VALUES ($1, $2, 'customer')`, [seed.b.tenantId, seed.b.conversationId]),
        ),
      ).rejects.toThrow(/row-level security/);
      await expect(
        db.tenant(seed.a.tenantId, (tx) => tx.query(`UPDATE contacts SET tenant_id = $1 WHERE id = $2`, [seed.b.tenantId, seed.a.contactId])),
      ).rejects.toThrow(/row-level security/);
      await expect(db.anonymous((tx) => tx.query(`INSERT INTO tenants (name, slug) VALUES ('x', 'sneaky')`))).rejects.toThrow(
        /row-level security/,
      );
    });

    it('gives the runtime role no ownership, no superuser and no BYPASSRLS', async () => {
      const role = await db.platform(async (tx) =>
        (
          await tx.query<{ rolsuper: boolean; rolbypassrls: boolean; owned: number }>(
            `SELECT r.rolsuper, r.rolbypassrls,
               (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid)
               + (SELECT count(*)::int FROM pg_namespace WHERE nspowner = r.oid)
               + (SELECT count(*)::int FROM pg_proc WHERE proowner = r.oid) AS owned
             FROM pg_roles r WHERE r.rolname = 'chatbot_app'`,
          )
        ).rows[0],
      );
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
      const who = await db.tenant(seed.a.tenantId, async (tx) => (await tx.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u);
      expect(who).toBe('chatbot_app');
    });

    it('reaches across tenants only through the one-door functions', async () => {
      const found = await db.anonymous(async (tx) =>
        (await tx.query<{ tenant_id: string }>('SELECT tenant_id FROM app.tenant_for_public_key($1)', [`pk_${seed.b.slug.slice(5)}`])).rows,
      );
      expect(found).toEqual([{ tenant_id: seed.b.tenantId }]);
      // The function's platform scope ends with it: the caller still sees nothing.
      const after = await db.anonymous(async (tx) => {
        await tx.query('SELECT * FROM app.tenant_for_public_key($1)', ['nothing']);
        return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM channel_connections')).rows[0]!.n;
      });
      expect(after).toBe(0);
      // The runtime role cannot switch platform scope on for itself.
      const sneaky = await db.anonymous(async (tx) => {
        await tx.query(`SELECT set_config('app.platform', 'on', true)`);
        return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts')).rows[0]!.n;
      });
      expect(sneaky).toBe(0);
    });

    it('rejects a tenant id that is not a UUID before touching the database', async () => {
      await expect(db.tenant("x'; DROP TABLE tenants; --", async () => 1)).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    });
  });
});
