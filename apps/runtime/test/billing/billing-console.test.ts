/**
 * The billing console routes over real HTTP, on PGlite and Postgres: public plans for the landing
 * page, the tenant's own monthly cap, and for platform admins the money overview (cost, revenue,
 * margin computed from usage events), a tenant's plan, and saving plans and prices to the config
 * file. Non-admins get 403; another tenant's id is 404 only for platform admins.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMarginBp, cycleIdOf, parseBillingConfig, DEFAULT_BILLING_CONFIG } from '@agent-chatbot/billing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingOf, configureBilling, onBillingConfigChange, type BillingRuntime } from '../../src/billing/billing-service';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { createLogger } from '../../src/secrets';
import { testDrivers } from '../helpers/drivers';
import { startSupportApp, type SupportApp } from '../support/support-harness';
import { TEST_BILLING_CONFIG } from './billing-harness';

const CONFIG = parseBillingConfig({
  ...TEST_BILLING_CONFIG,
  plans: [
    ...TEST_BILLING_CONFIG.plans,
    {
      id: 'mini',
      kind: 'subscription',
      name: 'Mini',
      nameVi: 'Gói nhỏ',
      monthlyFeeVnd: 50_000,
      includedChats: 1,
      overagePerChatVnd: 1_000,
      rateLimits: { tenant: { capacity: 100, refillPerSecond: 1 }, customer: { capacity: 10, refillPerSecond: 1 } },
    },
  ],
});

for (const driver of await testDrivers()) {
  describe.skipIf(driver.skip !== undefined)(`billing console routes (${driver.name})`, { timeout: 60_000 }, () => {
    let database: Awaited<ReturnType<typeof driver.open>>;
    let app: SupportApp;
    let configPath: string;
    let a: Awaited<ReturnType<SupportApp['tenant']>>;
    let b: Awaited<ReturnType<SupportApp['tenant']>>;
    let admin: Awaited<ReturnType<SupportApp['platformAdmin']>>;

    beforeAll(async () => {
      database = await driver.open();
      configPath = join(mkdtempSync(join(tmpdir(), 'billing-config-')), 'billing.json');
      writeFileSync(configPath, JSON.stringify(CONFIG));
      app = await startSupportApp(database.db, { config: CONFIG, env: { CHATBOT_BILLING_CONFIG: configPath } });
      a = await app.tenant('alpha', 'mini');
      b = await app.tenant('beta');
      admin = await app.platformAdmin();
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await database?.close();
    });

    it('lists the configured plans and credit prices publicly (no sign-in)', async () => {
      const res = await app.call('GET', '/v1/plans');
      expect(res.status).toBe(200);
      expect(res.body.plans.map((p: { id: string }) => p.id)).toEqual(CONFIG.plans.map((p) => p.id));
      expect(res.body.plans.find((p: { id: string }) => p.id === 'free')).toMatchObject({ name_vi: 'Miễn phí', monthly_fee_vnd: 0, included_chats: 100, overage_per_chat_vnd: null });
      expect(res.body.plans.find((p: { id: string }) => p.id === 'mini')).toMatchObject({ monthly_fee_vnd: 50_000, included_chats: 1, overage_per_chat_vnd: 1_000 });
      const mini = res.body.credit_prices.find((p: { model: string }) => p.model === 'openai:gpt-4o-mini');
      expect(mini.output_vnd_per_million_tokens).toBe(applyMarginBp(15_600, CONFIG.marginBasisPoints));
    });

    it('a tenant admin sets and resets the monthly cap; an agent cannot', async () => {
      const set = await app.call('PUT', '/v1/tenant/billing/budget', { token: a.token, body: { monthly_cap_vnd: 123_000 } });
      expect(set.status, set.text).toBe(200);
      expect(set.body.budget.cap_vnd).toBe(123_000);
      expect((await app.call('GET', '/v1/tenant/billing', { token: a.token })).body.budget.cap_vnd).toBe(123_000);
      // B's cap is untouched (its own row, the default).
      expect((await app.call('GET', '/v1/tenant/billing', { token: b.token })).body.budget.cap_vnd).toBe(CONFIG.defaultMonthlyCapVnd);
      const reset = await app.call('PUT', '/v1/tenant/billing/budget', { token: a.token, body: { monthly_cap_vnd: null } });
      expect(reset.body.budget.cap_vnd).toBe(CONFIG.defaultMonthlyCapVnd);
      expect((await app.call('PUT', '/v1/tenant/billing/budget', { token: a.token, body: { monthly_cap_vnd: -1 } })).status).toBe(400);
      const agent = await app.member(a.tenantId, 'tenant-agent');
      expect((await app.call('PUT', '/v1/tenant/billing/budget', { token: agent.token, body: { monthly_cap_vnd: 1 } })).status).toBe(403);
    });

    it('the overview computes cost, revenue and margin per tenant from the usage events', async () => {
      const now = new Date();
      const billed = applyMarginBp(15_600, CONFIG.marginBasisPoints); // 1M output tokens of gpt-4o-mini at price
      await database.db.platform(async (tx) => {
        for (const [i, conversation] of ['c1', 'c1', 'c2', 'c3'].entries()) {
          const conversationId = `00000000-0000-4000-8000-0000000000${conversation === 'c1' ? '01' : conversation === 'c2' ? '02' : '03'}`;
          await tx.query(`INSERT INTO usage_events (id, tenant_id, kind, conversation_id, quantity, occurred_at) VALUES ($1, $2, 'message', $3, 1, $4)`, [
            `m-${a.tenantId}-${i}`, a.tenantId, conversationId, now,
          ]);
        }
        await tx.query(
          `INSERT INTO usage_events (id, tenant_id, kind, provider, model, key_source, billable, tokens_in, tokens_out, cost_vnd, occurred_at)
           VALUES ($1, $2, 'llm', 'openai', 'gpt-4o-mini', 'platform', true, 0, 1000000, $3, $4),
                  ($5, $2, 'llm', 'openai', 'gpt-4o', 'own', false, 500, 500, 0, $4)`,
          [`llm-${a.tenantId}`, a.tenantId, billed, now, `own-${a.tenantId}`],
        );
      });
      const res = await app.call('GET', '/v1/admin/billing/overview', { token: admin.token });
      expect(res.status, res.text).toBe(200);
      expect(res.body.cycle).toBe(cycleIdOf(now));
      const lineA = res.body.items.find((l: { tenant_id: string }) => l.tenant_id === a.tenantId);
      // 3 chats on Mini (1 included, 1,000 ₫ each beyond), 50,000 ₫ fee, the platform-key usage at price.
      expect(lineA).toMatchObject({
        plan_id: 'mini', plan_known: true, chats: 3, messages: 4, subscription_vnd: 50_000, overage_vnd: 2_000, usage_vnd: billed,
        revenue_vnd: 52_000 + billed, cost_vnd: 15_600, margin_vnd: 52_000 + billed - 15_600, tokens_in: 500, tokens_out: 1_000_500, platform_tokens: 1_000_000,
      });
      const lineB = res.body.items.find((l: { tenant_id: string }) => l.tenant_id === b.tenantId);
      expect(lineB).toMatchObject({ plan_id: 'free', revenue_vnd: 0, cost_vnd: 0, margin_vnd: 0, chats: 0 });
      expect(res.body.totals.margin_vnd).toBe(res.body.items.reduce((s: number, l: { margin_vnd: number }) => s + l.margin_vnd, 0));
      const past = await app.call('GET', '/v1/admin/billing/overview?cycle=2020-01', { token: admin.token });
      expect(past.body.items.find((l: { tenant_id: string }) => l.tenant_id === a.tenantId)).toMatchObject({ chats: 0, revenue_vnd: 0 });
    });

    it("a platform admin changes a tenant's plan and cap; unknown tenants are 404, unknown plans 400", async () => {
      const res = await app.call('PUT', `/v1/admin/billing/tenants/${b.tenantId}/account`, { token: admin.token, body: { plan_id: 'starter', monthly_cap_vnd: 9_000 } });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ plan: { id: 'starter' }, budget: { cap_vnd: 9_000 } });
      expect((await app.call('GET', '/v1/tenant/billing', { token: b.token })).body.plan.id).toBe('starter');
      expect((await app.call('PUT', `/v1/admin/billing/tenants/${b.tenantId}/account`, { token: admin.token, body: { plan_id: 'khong-co' } })).status).toBe(400);
      const missing = await app.call('PUT', '/v1/admin/billing/tenants/00000000-0000-4000-8000-000000000000/account', { token: admin.token, body: { monthly_cap_vnd: 1 } });
      expect(missing.status).toBe(404);
    });

    it('non-admins get 403 on the admin billing console routes', async () => {
      const calls: Array<[string, string, unknown?]> = [
        ['GET', '/v1/admin/billing/overview'],
        ['PUT', `/v1/admin/billing/tenants/${b.tenantId}/account`, { monthly_cap_vnd: 1 }],
        ['PUT', '/v1/admin/billing/config', { config: DEFAULT_BILLING_CONFIG }],
      ];
      for (const [method, path, body] of calls) {
        const res = await app.call(method, path, { token: a.token, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${path}`).toBe(403);
      }
      expect((await app.call('GET', '/v1/tenant/billing', { token: b.token })).body.budget.cap_vnd).toBe(9_000);
    });

    it('another process (a worker) reading the same file picks up saved prices without a restart', async () => {
      const config = loadConfig(
        { CHATBOT_JWT_SECRET: 'worker-secret-0123456789-0123456789-abcdef', CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]), CHATBOT_BILLING_CONFIG: configPath },
        join(tmpdir(), 'worker-data'),
      );
      const worker = { config, db: database.db, rateLimiter: app.runtime.rateLimiter, logger: createLogger({ level: 'silent' }) } as unknown as BillingRuntime;
      configureBilling(worker, { mailer: { send: async () => ({ messageId: 'x', delivered: true }), close: () => undefined }, reloadMs: 0 });
      const before = billingOf(worker).config.plans.find((p) => p.id === 'mini');
      const seen: number[] = [];
      onBillingConfigChange(worker, (next) => seen.push(next.marginBasisPoints));
      await new Promise((resolve) => setTimeout(resolve, 20)); // a later mtime than the file the worker read
      const current = JSON.parse(readFileSync(configPath, 'utf8'));
      const saved = await app.call('PUT', '/v1/admin/billing/config', { token: admin.token, body: { config: { ...current, marginBasisPoints: 3_000 } } });
      expect(saved.status, saved.text).toBe(200);
      expect(billingOf(worker).config.marginBasisPoints).toBe(3_000);
      expect(seen).toEqual([3_000]);
      expect(billingOf(worker).config.plans.find((p) => p.id === 'mini')).toEqual(before);
      // A broken file keeps the running prices.
      writeFileSync(configPath, '{ "plans": [');
      expect(billingOf(worker).config.marginBasisPoints).toBe(3_000);
      writeFileSync(configPath, JSON.stringify({ ...current, marginBasisPoints: 3_000 }));
    });

    it('saves plans and prices to the config file and applies them at once; invalid configs are 400', async () => {
      const next = { ...CONFIG, plans: CONFIG.plans.map((p) => (p.id === 'mini' ? { ...p, nameVi: 'Gói nhỏ mới', monthlyFeeVnd: 60_000 } : p)) };
      const saved = await app.call('PUT', '/v1/admin/billing/config', { token: admin.token, body: { config: next } });
      expect(saved.status, saved.text).toBe(200);
      expect(JSON.parse(readFileSync(configPath, 'utf8')).plans.find((p: { id: string }) => p.id === 'mini').monthlyFeeVnd).toBe(60_000);
      const plans = await app.call('GET', '/v1/plans');
      expect(plans.body.plans.find((p: { id: string }) => p.id === 'mini')).toMatchObject({ name_vi: 'Gói nhỏ mới', monthly_fee_vnd: 60_000 });
      const config = await app.call('GET', '/v1/admin/billing/config', { token: admin.token });
      expect(config.body.source).toBe('file');

      const bad = await app.call('PUT', '/v1/admin/billing/config', { token: admin.token, body: { config: { ...next, plans: [] } } });
      expect(bad.status).toBe(400);
      expect(JSON.parse(readFileSync(configPath, 'utf8')).plans).toHaveLength(next.plans.length);
    });
  });
}
