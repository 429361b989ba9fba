/**
 * ADR 0017: the embedded driver counts committed changes to the rows the hot path keeps copies of
 * (users, sessions, memberships, tenants), and a copy is never served once one of them changed.
 * On Postgres there is no count and every read goes to the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRowsCache } from '../../src/db/rows-cache';
import type { Db } from '../../src/db/types';
import { testDrivers } from '../helpers/drivers';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';

const drivers = await testDrivers();

for (const driver of drivers) {
  describe.skipIf(driver.skip)(`rows cache (${driver.name})`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let seed: TwoTenants;

    beforeAll(async () => {
      ({ db, close } = await driver.open());
      seed = await seedTwoTenants(db);
    });
    afterAll(async () => close?.());

    const tenantName = async (tenantId: string) =>
      (await db.statement<{ name: string }>({ kind: 'tenant', tenantId }, 'SELECT name FROM tenants WHERE id = $1', [tenantId])).rows[0]?.name;

    if (driver.name === 'postgres') {
      it('has no change count: every read goes to the database', async () => {
        expect(db.rowsVersion).toBeUndefined();
        const cache = createRowsCache<string | undefined>(db);
        let loads = 0;
        const read = () => cache.read(seed.a.tenantId, async () => ((loads += 1), tenantName(seed.a.tenantId)));
        await read();
        await read();
        expect(loads).toBe(2);
      });
      return;
    }

    it('counts a committed change to each watched table by the time its transaction settles, and nothing else', async () => {
      const version = () => db.rowsVersion!();
      const changes: Array<[string, (tx: Parameters<Parameters<Db['platform']>[0]>[0]) => Promise<unknown>]> = [
        ['users', (tx) => tx.query(`UPDATE users SET name = 'Đổi tên' WHERE id = $1`, [seed.a.adminUserId])],
        ['sessions', (tx) => tx.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND false`, [seed.a.adminUserId])],
        ['memberships', (tx) => tx.query(`UPDATE memberships SET role = role WHERE user_id = $1`, [seed.a.adminUserId])],
        ['tenants', (tx) => tx.query(`UPDATE tenants SET config_version = config_version + 1 WHERE id = $1`, [seed.a.tenantId])],
      ];
      for (const [table, change] of changes) {
        const before = version();
        await db.platform(change);
        expect(version(), table).toBeGreaterThan(before);
      }
      // Reads, other tables and a rolled-back change leave it alone.
      const before = version();
      await tenantName(seed.a.tenantId);
      await db.tenant(seed.a.tenantId, (tx) => tx.query(`INSERT INTO audit_log (tenant_id, actor_kind, action) VALUES ($1, 'system', 'test.noop')`, [seed.a.tenantId]));
      await expect(
        db.platform(async (tx) => {
          await tx.query(`UPDATE tenants SET name = 'Không lưu' WHERE id = $1`, [seed.a.tenantId]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(version()).toBe(before);
      expect(await tenantName(seed.a.tenantId)).not.toBe('Không lưu');
    });

    it('serves a copy while nothing changed, and the new rows right after a change', async () => {
      const cache = createRowsCache<string | undefined>(db);
      let loads = 0;
      const read = () => cache.read(seed.b.tenantId, async () => ((loads += 1), tenantName(seed.b.tenantId)));
      const first = await read();
      expect(await read()).toBe(first);
      expect(loads).toBe(1);
      await db.platform((tx) => tx.query(`UPDATE tenants SET name = 'Cửa hàng mới' WHERE id = $1`, [seed.b.tenantId]));
      expect(await read()).toBe('Cửa hàng mới');
      expect(loads).toBe(2);
    });

    it('never keeps a copy loaded across a change: the next read loads again', async () => {
      const cache = createRowsCache<string | undefined>(db);
      let loads = 0;
      let changeDuringLoad = true;
      const read = () =>
        cache.read(seed.b.tenantId, async () => {
          loads += 1;
          const name = await tenantName(seed.b.tenantId);
          // A change commits after the load read the old name, before the copy is stored.
          if (changeDuringLoad) await db.platform((tx) => tx.query(`UPDATE tenants SET name = 'Tên sau' WHERE id = $1`, [seed.b.tenantId]));
          changeDuringLoad = false;
          return name;
        });
      expect(await read()).not.toBe('Tên sau');
      expect(await read()).toBe('Tên sau');
      expect(loads).toBe(2);
    });

    it('keeps at most the configured number of keys', async () => {
      const cache = createRowsCache<number>(db, 2);
      let loads = 0;
      const read = (key: string) => cache.read(key, async () => (loads += 1));
      await read('a');
      await read('b');
      await read('c'); // 'a' goes
      await read('b');
      expect(loads).toBe(3);
      await read('a');
      expect(loads).toBe(4);
    });
  });
}
