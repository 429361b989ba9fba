import { meterContract } from '@agent-chatbot/testkit';
import { AgentChatbotError } from '@agent-chatbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDb, postgresUnavailable, type ScratchDb } from '../test/scratch-db';
import { releaseStaleReservations } from './controls';
import { createPgMeter } from './meter';
import { acknowledgeAlert, listAlerts, type BillingAlert } from './alerts';

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(unavailable);
let db: ScratchDb;
if (!unavailable) {
  beforeAll(async () => {
    db = await createScratchDb('meter');
  }, 30_000);
  afterAll(async () => db?.drop());
}

const prices = { 'openai:gpt-4o-mini': { inputVndPerMillionTokens: 1_000_000, outputVndPerMillionTokens: 2_000_000 } };
const estimate = { provider: 'openai', modelId: 'gpt-4o-mini', inputTokens: 10, maxOutputTokens: 20 }; // 50 VND

if (unavailable) {
  it.skip(`Postgres meter: ${unavailable}`, () => {});
} else {
  meterContract({
    name: 'postgres',
    async create({ budgets, prices: contractPrices }) {
      await db.platform(async (tx) => {
        for (const [tenantId, cap] of Object.entries(budgets)) {
          await tx.query('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3)', [tenantId, 'contract', `c-${tenantId}`]);
          await tx.query('INSERT INTO billing_accounts (tenant_id, monthly_cap_vnd) VALUES ($1, $2)', [tenantId, cap]);
        }
      });
      return createPgMeter({ db, prices: contractPrices });
    },
  });

  describe('createPgMeter under concurrency', () => {
    it('releaseStaleReservations frees holds left by a crashed reply', async () => {
      const tenantId = await db.createTenant({ capVnd: 100 });
      const meter = createPgMeter({ db, prices });
      await meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: 'a', estimate });
      await meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: 'b', estimate });
      await expect(meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: 'c', estimate })).rejects.toMatchObject({ status: 402 });
      expect(await releaseStaleReservations(db, { olderThanMinutes: 30 })).toBe(0); // still fresh
      expect(await releaseStaleReservations(db, { olderThanMinutes: 30, now: new Date(Date.now() + 31 * 60_000) })).toBeGreaterThanOrEqual(2);
      expect((await meter.summary(tenantId)).reservedVnd).toBe(0);
      await meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: 'c', estimate });
    });

    it('200 concurrent reservations against a small cap never overspend', async () => {
      const tenantId = await db.createTenant({ capVnd: 1_000 }); // room for exactly 20 reservations of 50 VND
      const meter = createPgMeter({ db, prices });
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, index) =>
          meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: `reply-${index}`, estimate }),
        ),
      );
      const granted = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      expect(granted).toHaveLength(20);
      expect(refused.every((error) => AgentChatbotError.isInstance(error) && error.code === 'budget_exceeded')).toBe(true);
      // Settle all 200 "replies" concurrently at more than the hold: spend still stays within what was granted.
      await Promise.all(
        granted.map((authorization, index) =>
          meter.record({
            id: `event-${tenantId}-${index}`,
            tenantId,
            authorizationId: authorization.id,
            kind: 'llm',
            provider: 'openai',
            modelId: 'gpt-4o-mini',
            keySource: 'platform',
            billable: true,
            usage: { inputTokens: { total: 10 }, outputTokens: { total: 10 } }, // 30 VND
            occurredAt: new Date(),
          }),
        ),
      );
      const summary = await meter.summary(tenantId);
      expect(summary).toMatchObject({ capVnd: 1_000, spentVnd: 600, reservedVnd: 0, balanceVnd: -600 });
      const stored = await db.tenant(tenantId, (tx) =>
        tx.query<{ n: string }>("SELECT count(*) AS n FROM billing_reservations WHERE status = 'settled'"),
      );
      expect(Number(stored.rows[0]!.n)).toBe(20);
    }, 60_000);

    it('fires the 80 % and 100 % budget alerts once per cycle', async () => {
      const tenantId = await db.createTenant({ capVnd: 100 });
      const alerts: BillingAlert[] = [];
      const meter = createPgMeter({ db, prices, onAlert: (alert) => void alerts.push(alert) });
      const spend = (id: string, output: number) =>
        meter.record({
          id,
          tenantId,
          kind: 'llm',
          provider: 'openai',
          modelId: 'gpt-4o-mini',
          keySource: 'platform',
          billable: true,
          usage: { inputTokens: { total: 0 }, outputTokens: { total: output } },
          occurredAt: new Date(),
        });
      await spend(`a-${tenantId}`, 35); // 70 VND: no alert
      expect(alerts).toEqual([]);
      await spend(`b-${tenantId}`, 5); // 80 VND
      expect(alerts.map((alert) => alert.details.percent)).toEqual([80]);
      await spend(`c-${tenantId}`, 1); // 82 VND: 80 % already sent
      await spend(`d-${tenantId}`, 10); // 102 VND
      expect(alerts.map((alert) => alert.details.percent)).toEqual([80, 100]);
      expect(alerts[1]!.messageVi).toContain('hạn mức');
      const stored = await listAlerts(db, tenantId, { unacknowledged: true });
      expect(stored.map((alert) => alert.details.percent)).toEqual([100, 80]);
      expect(await acknowledgeAlert(db, tenantId, stored[0]!.id)).toBe(true);
      expect(await acknowledgeAlert(db, tenantId, stored[0]!.id)).toBe(false);
      expect(await listAlerts(db, tenantId, { unacknowledged: true })).toHaveLength(1);
    });

    it('enforceCredits refuses reservations the wallet cannot cover', async () => {
      const tenantId = await db.createTenant({ capVnd: 1_000_000 });
      const meter = createPgMeter({ db, prices, enforceCredits: true });
      await expect(meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: 'k0', estimate })).rejects.toMatchObject({
        code: 'budget_exceeded',
      });
      await db.tenant(tenantId, (tx) =>
        tx.query("INSERT INTO ledger_entries (tenant_id, kind, amount_vnd, idempotency_key) VALUES ($1, 'topup', 100, 'seed')", [tenantId]),
      );
      await meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: 'k1', estimate });
      await meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: 'k2', estimate });
      await expect(meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: 'k3', estimate })).rejects.toMatchObject({
        code: 'budget_exceeded',
      });
    });
  });
}
