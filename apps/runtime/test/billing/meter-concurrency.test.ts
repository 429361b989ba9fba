/**
 * The hard cap through the runtime meter path, on real Postgres: 200 concurrent replies by the
 * tenant bots (engine → the billing meter → fake OpenAI on the platform key) against a tenant
 * with a small monthly cap never spend past it; every billed call is in usage_events and the
 * ledger, the ledger sums to the balance, no reservation stays open, and every stored bot reply
 * reaches the chat meter. A tenant without credit never reaches the model.
 */
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { updateBillingAccount } from '@agent-chatbot/billing/pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingIdle } from '../../src/billing/billing-service';
import { answerForTenant } from '../../src/bots/answer-for-tenant';
import { configureTenantBots, tenantBotsIdle } from '../../src/bots/tenant-bot';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { billingEnv, startBillingApp, TEST_BILLING_CONFIG, type BillingApp } from './billing-harness';

const unavailable = await postgresUnavailable();
const PLATFORM_KEY = 'sk-platform-billing-0000';
const CAP_VND = 25;

describe.skipIf(unavailable !== undefined)('hard monthly cap through the tenant bots (Postgres)', () => {
  let database: TestDatabase;
  let app: BillingApp;
  let llm: FakeLlmServer;

  const numbers = async (tenantId: string) => {
    const { rows } = await database.db.platform((tx) =>
      tx.query<Record<string, string | null>>(
        `SELECT (SELECT spent_vnd FROM billing_cycle_usage WHERE tenant_id = $1) AS spent,
                (SELECT reserved_vnd FROM billing_cycle_usage WHERE tenant_id = $1) AS reserved,
                (SELECT count(*) FROM billing_reservations WHERE tenant_id = $1 AND status = 'open') AS open,
                (SELECT coalesce(sum(cost_vnd), 0) FROM usage_events WHERE tenant_id = $1 AND billable) AS billed,
                (SELECT count(*) FROM usage_events WHERE tenant_id = $1 AND kind = 'llm') AS llm_events,
                (SELECT count(*) FROM usage_events WHERE tenant_id = $1 AND kind = 'message') AS replies,
                (SELECT coalesce(-sum(amount_vnd), 0) FROM ledger_entries WHERE tenant_id = $1 AND kind = 'usage') AS charged,
                (SELECT coalesce(sum(amount_vnd), 0) FROM ledger_entries WHERE tenant_id = $1) AS ledger,
                (SELECT balance_vnd FROM billing_wallets WHERE tenant_id = $1) AS balance`,
        [tenantId],
      ),
    );
    return Object.fromEntries(Object.entries(rows[0]!).map(([key, value]) => [key, Number(value ?? 0)]));
  };

  beforeAll(async () => {
    database = await createTestDatabase({ max: 20 });
    llm = await startFakeOpenAI({ apiKey: PLATFORM_KEY, responder: () => 'Dạ, giao đến Đà Nẵng mất 3 ngày, phí 30.000đ ạ.' });
    app = await startBillingApp(database.db, billingEnv());
    configureTenantBots(app.runtime, { platformLlm: { provider: 'openai', apiKey: PLATFORM_KEY, baseUrl: llm.baseURL, cheapModel: 'gpt-4o-mini', premiumModel: 'gpt-4o' } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await llm?.close();
    await database?.drop();
  });

  it('200 concurrent replies against a small cap never spend past it', async () => {
    const shop = await app.tenant('capped', 'starter'); // a subscription: the Free chat limit must not be what stops the model
    await updateBillingAccount(database.db, { tenantId: shop.tenantId, config: TEST_BILLING_CONFIG, monthlyCapVnd: CAP_VND });
    await database.db.tenant(shop.tenantId, (tx) =>
      tx.query("INSERT INTO ledger_entries (tenant_id, kind, amount_vnd, idempotency_key) VALUES ($1, 'topup', 1000000, 'seed')", [shop.tenantId]),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        answerForTenant(app.runtime, { tenantId: shop.tenantId, channel: 'api', externalUserId: `khach-${i}`, text: `Giao hàng đến Đà Nẵng mất mấy ngày? (${i})` }, { skipCache: true }),
      ),
    );
    await tenantBotsIdle(app.runtime);
    await billingIdle(app.runtime);
    const answered = results.filter((result) => result.status === 'fulfilled');
    expect(answered.length).toBe(200);
    const n = await numbers(shop.tenantId);
    expect(n.spent).toBeGreaterThan(0);
    expect(n.spent).toBeLessThanOrEqual(CAP_VND);
    expect(n).toMatchObject({ reserved: 0, open: 0, billed: n.spent, charged: n.spent, balance: n.ledger, replies: 200 });
    // Only the calls the cap allowed reached the model; the rest were answered without it.
    const modelCalls = llm.requests.length;
    expect(modelCalls).toBe(n.llm_events);
    expect(modelCalls).toBeGreaterThan(0);
    expect(modelCalls).toBeLessThan(200);
    const byModel = answered.filter((result) => result.status === 'fulfilled' && result.value.model !== undefined).length;
    expect(byModel).toBe(modelCalls);
    const status = await app.call('GET', '/v1/tenant/billing', { token: shop.token });
    expect(status.body.usage).toMatchObject({ chats: 200, messages: 200 });
    expect(status.body.budget.spent_vnd).toBe(n.spent);
  }, 120_000);

  it('Free plan past its included chats: the bot answers without a model and offers a person', async () => {
    const free = await app.tenant('tiny-shop', 'tiny'); // 2 included chats
    await database.db.tenant(free.tenantId, (tx) =>
      tx.query("INSERT INTO ledger_entries (tenant_id, kind, amount_vnd, idempotency_key) VALUES ($1, 'topup', 100000, 'seed')", [free.tenantId]),
    );
    const ask = async (customer: string, text = 'Giao hàng đến Đà Nẵng mất mấy ngày?') => {
      const result = await answerForTenant(app.runtime, { tenantId: free.tenantId, channel: 'api', externalUserId: customer, text }, { skipCache: true });
      await tenantBotsIdle(app.runtime);
      await billingIdle(app.runtime);
      return result;
    };
    const before = llm.requests.length;
    expect((await ask('k1')).model).toBe('openai:gpt-4o-mini');
    expect((await ask('k2')).model).toBe('openai:gpt-4o-mini');
    expect(llm.requests.length).toBe(before + 2);
    const gated = await ask('k3');
    expect(llm.requests.length).toBe(before + 2);
    expect(gated.model).toBeUndefined();
    expect(gated.route).toBe('fallback');
    expect(gated.quickReplies?.length ?? 0).toBeGreaterThan(0); // the offer of a person
    // FAQ answers still work in FAQ-only mode.
    const faq = await ask('k4', 'Shop mở cửa mấy giờ?');
    expect(faq.text).toContain('8h đến 21h');
    expect(llm.requests.length).toBe(before + 2);
  });

  it('a tenant without prepaid credit never reaches the model on the platform key', async () => {
    const broke = await app.tenant('broke');
    const before = llm.requests.length;
    const result = await answerForTenant(app.runtime, { tenantId: broke.tenantId, channel: 'api', externalUserId: 'k', text: 'Giao hàng đến Đà Nẵng mất mấy ngày?' }, { skipCache: true });
    await billingIdle(app.runtime);
    expect(llm.requests.length).toBe(before);
    expect(result.model).toBeUndefined();
    expect(result.text.length).toBeGreaterThan(0);
    expect((await numbers(broke.tenantId)).spent).toBe(0);
  });
});
