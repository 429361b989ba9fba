/**
 * Billing controls over real HTTP and Postgres: the invoice job (twice → one invoice, one mail,
 * PDF download), budget alerts (mailed and listed), cost spikes (FAQ-only, platform admins
 * mailed, admin lift), the Free plan gate, rate limits (the plan's bucket for API keys, a roomy
 * bucket of its own for each signed-in person, 429 + Retry-After; one "please wait" per flooding
 * customer) and a cross-tenant 404 on every billing endpoint.
 */
import { randomUUID } from 'node:crypto';
import { cycleOf, previousCycle } from '@agent-chatbot/billing';
import { updateBillingAccount } from '@agent-chatbot/billing/pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCostSpikeJob, runInvoiceJob } from '../../src/billing/billing-jobs';
import { billingIdle, meterForTenant, planGateForTenant, recordBotReplyFor } from '../../src/billing/billing-service';
import { checkCustomerRate } from '../../src/billing/rate-limits';
import { createApiKey } from '../../src/tenants/api-key-service';
import { expectAllCrossTenantDenied } from '../http/cross-tenant';
import { loginAs } from '../http/fixtures';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { billingEnv, startBillingApp, TEST_BILLING_CONFIG, type BillingApp } from './billing-harness';

const unavailable = await postgresUnavailable();
/** The session bucket of this file's app (the default is 600). */
const SESSION_CAPACITY = 150;

describe.skipIf(unavailable !== undefined)('billing controls (Postgres)', () => {
  let database: TestDatabase;
  let app: BillingApp;
  let a: { tenantId: string; token: string; email: string };
  let b: { tenantId: string; token: string; email: string };

  const usage = async (tenantId: string, input: { tokensOut: number; occurredAt?: Date }) => {
    const meter = meterForTenant(app.runtime, tenantId);
    const estimate = { provider: 'openai', modelId: 'gpt-4o-mini', inputTokens: 0, maxOutputTokens: input.tokensOut };
    const authorization = await meter.authorize({ tenantId, keySource: 'platform', idempotencyKey: randomUUID(), estimate });
    await meter.record({
      id: randomUUID(), tenantId, kind: 'llm', provider: 'openai', modelId: 'gpt-4o-mini', keySource: 'platform', billable: true,
      usage: { inputTokens: { total: 0 }, outputTokens: { total: input.tokensOut } }, occurredAt: input.occurredAt ?? new Date(), authorizationId: authorization.id,
    });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    // A smaller person bucket than the default (600, then 10 per second) keeps the burst test short.
    app = await startBillingApp(database.db, { ...billingEnv(), CHATBOT_SESSION_RATE_CAPACITY: String(SESSION_CAPACITY), CHATBOT_SESSION_RATE_PER_SECOND: '0.01' });
    a = await app.tenant('alpha');
    b = await app.tenant('beta');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('the invoice job run twice issues one invoice and one mail; the PDF downloads; another tenant gets 404', async () => {
    // The daily job issues the cycle that just ended (any day of the month; again → nothing new).
    const cycle = previousCycle(cycleOf(new Date())).id;
    const first = await runInvoiceJob(app.runtime);
    const second = await runInvoiceJob(app.runtime);
    expect(first.created).toBeGreaterThanOrEqual(2);
    expect(second).toMatchObject({ created: 0, failed: 0 });
    expect(second.existing).toBe(first.created);
    const invoices = await database.db.platform((tx) => tx.query('SELECT 1 FROM billing_invoices WHERE tenant_id = $1', [a.tenantId]));
    expect(invoices.rowCount).toBe(1);
    const mailsToA = app.mails.filter((mail) => mail.to === a.email && mail.subject.startsWith('Hóa đơn'));
    expect(mailsToA).toHaveLength(1);

    const list = await app.call('GET', '/v1/tenant/billing/invoices', { token: a.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const invoice = list.body.items[0];
    expect(invoice).toMatchObject({ cycle, plan_id: 'free', total_vnd: 0 });
    expect(mailsToA[0]!.text).toContain(invoice.id);
    const pdf = await fetch(`${app.baseUrl}${invoice.pdf_url}`, { headers: { authorization: `Bearer ${a.token}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const unauthenticated = await fetch(`${app.baseUrl}${invoice.pdf_url}`);
    expect(unauthenticated.status).toBe(401);
    await expectAllCrossTenantDenied(app, b.token, [{ method: 'GET', path: invoice.pdf_url }], [a.tenantId, invoice.number]);
  });

  it('budget alerts at 80 % and 100 % are mailed to the tenant admins once and listed in the API', async () => {
    await updateBillingAccount(database.db, { tenantId: a.tenantId, config: TEST_BILLING_CONFIG, monthlyCapVnd: 100 });
    await app.call('POST', `/v1/admin/billing/tenants/${a.tenantId}/adjustments`, {
      token: (await app.platformAdmin()).token,
      body: { amount_vnd: 100_000, reason: 'Tín dụng thử nghiệm', idempotency_key: 'seed-a' },
    });
    // gpt-4o-mini output costs 18,720 VND per million tokens with the margin: 4,500 tokens ≈ 85 VND.
    await usage(a.tenantId, { tokensOut: 4_500 });
    await billingIdle(app.runtime);
    const budgetMails = () => app.mails.filter((mail) => mail.to === a.email && mail.subject.startsWith('Cảnh báo ngân sách'));
    expect(budgetMails().map((mail) => mail.subject)).toEqual(['Cảnh báo ngân sách 80% · Budget alert']);
    await usage(a.tenantId, { tokensOut: 800 });
    await billingIdle(app.runtime);
    expect(budgetMails()).toHaveLength(2);
    // Past the cap: the next platform-key reservation is refused (402), nothing more is spent.
    await expect(usage(a.tenantId, { tokensOut: 1_000 })).rejects.toMatchObject({ status: 402 });
    const status = await app.call('GET', '/v1/tenant/billing', { token: a.token });
    expect(status.body.budget).toMatchObject({ cap_vnd: 100, reserved_vnd: 0 });
    expect(status.body.budget.spent_vnd).toBeLessThanOrEqual(100);
    expect(status.body.alerts.map((alert: { key: string }) => alert.key).sort()).toEqual([`budget:${status.body.cycle}:100`, `budget:${status.body.cycle}:80`]);
    const alertId = status.body.alerts[0].id as string;
    await expectAllCrossTenantDenied(app, b.token, [{ method: 'POST', path: `/v1/tenant/billing/alerts/${alertId}/acknowledge` }], [a.tenantId]);
    expect((await app.call('POST', `/v1/tenant/billing/alerts/${alertId}/acknowledge`, { token: a.token })).status).toBe(204);
    expect((await app.call('GET', '/v1/tenant/billing/alerts?unacknowledged=true', { token: a.token })).body.items).toHaveLength(1);
    // B's own views never show A's money.
    const bStatus = await app.call('GET', '/v1/tenant/billing', { token: b.token });
    expect(bStatus.body).toMatchObject({ tenant_id: b.tenantId, balance_vnd: 0, alerts: [] });
    expect((await app.call('GET', '/v1/tenant/billing/ledger', { token: b.token })).body.items).toEqual([]);
    expect((await app.call('GET', '/v1/tenant/billing/alerts', { token: b.token })).body.items).toEqual([]);
  });

  it('a cost spike switches the tenant to FAQ-only and mails the platform admins; an admin lifts it', async () => {
    const admin = await app.platformAdmin();
    const c = await app.tenant('gamma');
    // A week of quiet usage, then a burst this hour.
    await database.db.platform(async (tx) => {
      for (const [hoursAgo, cost] of [[72, 10], [48, 10], [0.2, 900_000]] as const) {
        await tx.query(
          `INSERT INTO usage_events (id, tenant_id, kind, provider, model, key_source, billable, cost_vnd, occurred_at)
           VALUES ($1, $2, 'llm', 'openai', 'gpt-4o-mini', 'platform', true, $3, now() - $4 * interval '1 hour')`,
          [randomUUID(), c.tenantId, cost, hoursAgo],
        );
      }
    });
    expect((await planGateForTenant(app.runtime, c.tenantId)).mode).toBe('full');
    const alerts = await runCostSpikeJob(app.runtime);
    expect(alerts.map((alert) => alert.tenantId)).toEqual([c.tenantId]);
    expect(app.mails.filter((mail) => mail.to === admin.email && mail.subject.startsWith('Chi phí tăng đột biến'))).toHaveLength(1);
    expect(await planGateForTenant(app.runtime, c.tenantId)).toMatchObject({ mode: 'faq-only', reason: 'cost_spike', offerHuman: true });
    expect((await runCostSpikeJob(app.runtime)).length).toBe(0); // once per tenant and hour
    const lift = await app.call('POST', `/v1/admin/billing/tenants/${c.tenantId}/faq-only/lift`, { token: admin.token });
    expect(lift.body).toEqual({ lifted: true });
    expect((await planGateForTenant(app.runtime, c.tenantId)).mode).toBe('full');
    expect((await app.call('POST', `/v1/admin/billing/tenants/${c.tenantId}/faq-only/lift`, { token: c.token })).status).toBe(403);
  });

  it('Free plan: past its included chats the gate is FAQ-only and offers a person', async () => {
    const d = await app.tenant('delta', 'tiny');
    const conversation = async () => {
      const id = await database.db.tenant(d.tenantId, async (tx) => {
        const contact = await tx.query<{ id: string }>('INSERT INTO contacts (tenant_id, name) VALUES ($1, $2) RETURNING id', [d.tenantId, 'Khách']);
        const conv = await tx.query<{ id: string }>("INSERT INTO conversations (tenant_id, contact_id, channel) VALUES ($1, $2, 'web') RETURNING id", [d.tenantId, contact.rows[0]!.id]);
        return conv.rows[0]!.id;
      });
      await recordBotReplyFor(app.runtime, { tenantId: d.tenantId, conversationId: id, messageId: randomUUID() });
      await recordBotReplyFor(app.runtime, { tenantId: d.tenantId, conversationId: id, messageId: randomUUID() });
    };
    await conversation();
    expect(await planGateForTenant(app.runtime, d.tenantId)).toMatchObject({ mode: 'full', chatsUsed: 1, chatsIncluded: 2 });
    await conversation();
    expect(await planGateForTenant(app.runtime, d.tenantId)).toMatchObject({ mode: 'faq-only', reason: 'free_limit_reached', offerHuman: true, chatsUsed: 2 });
    const status = await app.call('GET', '/v1/tenant/billing', { token: d.token });
    expect(status.body).toMatchObject({ mode: 'faq-only', offer_human: true, usage: { chats: 2, chats_included: 2, messages: 4 } });
  });

  it('API keys are limited per plan: 429 with Retry-After past the plan bucket; the tenant\'s people and other tenants are unaffected', async () => {
    const e = await app.tenant('epsilon', 'tiny');
    const key = await createApiKey(database.db, e.tenantId, { name: 'flood' });
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 5; i++) {
      const res = await app.call('GET', '/v1/tenant/billing', { token: key.key });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    // tiny: 3 requests, then 429 (the route itself refuses API keys with 403, but they still spend).
    expect(statuses.slice(0, 3).every((status) => status !== 429)).toBe(true);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited!.body.error.code).toBe('rate_limited');
    expect(typeof limited!.body.error.message_vi).toBe('string');
    // The shop's exhausted API bucket does not lock its owner out of the dashboard.
    expect((await app.call('GET', '/v1/tenant/billing', { token: e.token })).status).toBe(200);
    expect((await app.call('GET', '/v1/tenant/billing', { token: b.token })).status).toBe(200);
    // A forged token naming the tenant is not verified, so it spends nothing (401 from the one door).
    expect((await app.call('GET', '/v1/tenant/billing', { token: 'eyJhbGciOiJIUzI1NiJ9.eyJ0aWQiOiJ4In0.x' })).status).toBe(401);
  });

  it('Free plan: a signed-in session doing 100 quick requests is not throttled, an API key of the same tenant is', async () => {
    const g = await app.tenant('eta', 'free');
    const key = await createApiKey(database.db, g.tenantId, { name: 'shop-client' });
    const sessionStatuses: number[] = [];
    for (let i = 0; i < 100; i++) sessionStatuses.push((await app.call('GET', '/v1/tenant/billing', { token: g.token })).status);
    expect(sessionStatuses.filter((status) => status !== 200)).toEqual([]);
    // The Free plan's API bucket (30, then one every 2 s) is untouched by the session and still applies to the key.
    const keyStatuses: number[] = [];
    for (let i = 0; i < 40; i++) keyStatuses.push((await app.call('GET', '/v1/tenant/billing', { token: key.key })).status);
    expect(keyStatuses.slice(0, 30).includes(429)).toBe(false);
    expect(keyStatuses.slice(30).filter((status) => status === 429).length).toBeGreaterThanOrEqual(8);
    // …and the throttled key leaves the person's own bucket alone.
    expect((await app.call('GET', '/v1/tenant/billing', { token: g.token })).status).toBe(200);
  });

  it('a session has its own bucket per person: an abusive burst past it gets 429, other people of the tenant and its API key do not', async () => {
    const h = await app.tenant('theta', 'free');
    const key = await createApiKey(database.db, h.tenantId, { name: 'shop-client' });
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < SESSION_CAPACITY + 5; i++) {
      const res = await app.call('GET', '/v1/tenant/billing', { token: h.token });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.slice(0, SESSION_CAPACITY).includes(429)).toBe(false);
    expect(statuses.slice(SESSION_CAPACITY)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited!.body.error.code).toBe('rate_limited');
    // Another session of the same person (same user id) shares the bucket: a new login does not reset it.
    const again = (await loginAs(app, h.email)).access;
    expect((await app.call('GET', '/v1/tenant/billing', { token: again })).status).toBe(429);
    // The tenant's API key and another tenant's people keep working.
    expect((await app.call('GET', '/v1/tenant/billing', { token: key.key })).status).toBe(403);
    expect((await app.call('GET', '/v1/tenant/billing', { token: b.token })).status).toBe(200);
  });

  it('a customer flooding a channel gets one polite Vietnamese "please wait", then silence', async () => {
    const f = await app.tenant('zeta', 'tiny');
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push(await checkCustomerRate(app.runtime, { tenantId: f.tenantId, customerKey: 'zalo:user-1' }));
    expect(decisions.map((decision) => decision.action)).toEqual(['allow', 'allow', 'notice', 'drop', 'drop', 'drop']);
    const notice = decisions[2]!;
    expect(notice.action === 'notice' && notice.text).toMatch(/vui lòng đợi/i);
    // Another customer of the same tenant is not affected.
    expect((await checkCustomerRate(app.runtime, { tenantId: f.tenantId, customerKey: 'zalo:user-2' })).action).toBe('allow');
  });
});
