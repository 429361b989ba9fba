// @vitest-environment node
/**
 * The Billing, Support and platform-console pages' requests against the real runtime (billing and
 * support features over in-memory PGlite, started with the runtime's own support test harness):
 * the bodies the pages send are accepted, and the answers have the shapes the pages read
 * (`billing-types.ts` names the billing answers the runtime documents as free-form JSON).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from './api-error';
import type { BillingAlert, BillingStatus, LedgerEntry, VietQrTopUp } from './billing-types';
import { alertsToShow } from './billing-types';
import { createApiClient, type ApiClient } from './client';
import { createSessionStore } from './session-store';

interface SupportApp {
  baseUrl: string;
  db: { platform<T>(fn: (tx: { query(sql: string, params?: unknown[]): Promise<unknown> }) => Promise<T>): Promise<T> };
  tenant(label: string): Promise<{ tenantId: string; token: string; email: string }>;
  platformAdmin(): Promise<{ token: string }>;
  close(): Promise<void>;
}
interface Harness {
  startSupportApp(db: unknown, options: { env: Record<string, string> }): Promise<SupportApp>;
}
interface Pglite {
  createTestPglite(): Promise<{ close(): Promise<void> }>;
}

const runtimeTest = (file: string) => pathToFileURL(fileURLToPath(new URL(`../../../runtime/test/${file}`, import.meta.url))).href;

// Like runtime-contract.test.ts: when the runtime's sources do not load (edited in parallel), skip with the reason.
let modules: { pglite: Pglite; harness: Harness } | undefined;
let unavailable: string | undefined;
try {
  modules = {
    pglite: (await import(runtimeTest('helpers/pglite.ts'))) as Pglite,
    harness: (await import(runtimeTest('support/support-harness.ts'))) as Harness,
  };
} catch (error) {
  unavailable = error instanceof Error ? error.message : String(error);
  console.warn(`[dashboard] billing contract test skipped: the runtime does not load (${unavailable})`);
}

let app: SupportApp;
let db: { close(): Promise<void> };
let shop: ApiClient;
let ops: ApiClient;
let tenantId: string;

function clientFor(baseUrl: string, token: string): ApiClient {
  const session = createSessionStore(null);
  session.setState({ accessToken: token });
  return createApiClient({ baseUrl, session });
}

beforeAll(async () => {
  if (!modules) return;
  db = await modules.pglite.createTestPglite();
  app = await modules.harness.startSupportApp(db, {
    env: { CHATBOT_VIETQR_BANK_BIN: '970436', CHATBOT_VIETQR_ACCOUNT_NUMBER: '0071000123456', CHATBOT_VIETQR_ACCOUNT_NAME: 'CONG TY TRO LY AO' },
  });
  const tenant = await app.tenant('hoa-dao');
  tenantId = tenant.tenantId;
  shop = clientFor(app.baseUrl, tenant.token);
  ops = clientFor(app.baseUrl, (await app.platformAdmin()).token);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe.skipIf(unavailable !== undefined)('billing and support pages against the runtime', () => {
  it('reads the billing status, sets the cap, creates a VietQR top-up, lists an alert of this cycle', async () => {
    const status = (await unwrap(shop.api.GET('/v1/tenant/billing'))) as unknown as BillingStatus;
    expect(status.plan.id).toBe('free');
    expect(typeof status.usage.chats_included).toBe('number');
    expect(status.budget).toEqual(expect.objectContaining({ cap_vnd: expect.any(Number), spent_vnd: 0 }));

    const capped = (await unwrap(shop.api.PUT('/v1/tenant/billing/budget', { body: { monthly_cap_vnd: 250_000 } }))) as unknown as BillingStatus;
    expect(capped.budget.cap_vnd).toBe(250_000);

    const topUp = (await unwrap(shop.api.POST('/v1/tenant/billing/topups', { body: { method: 'vietqr', amount_vnd: 200_000 } }))) as unknown as VietQrTopUp;
    expect(topUp.qr_png_data_url.startsWith('data:image/png;base64,')).toBe(true);
    expect(topUp.payload).toContain('970436');
    expect(topUp.memo.length).toBeGreaterThan(3);
    expect(topUp.account.account_number).toBe('0071000123456');

    const vnpay = await shop.api.POST('/v1/tenant/billing/topups', { body: { method: 'vnpay', amount_vnd: 200_000 } });
    expect(vnpay.response.status).toBe(400);

    await app.db.platform((tx) =>
      tx.query(`INSERT INTO billing_alerts (tenant_id, kind, dedupe_key, details) VALUES ($1, 'budget', $2, $3)`, [
        tenantId,
        `budget:${status.cycle}:80`,
        JSON.stringify({ cycle: status.cycle, percent: 80, spentVnd: 200_000, capVnd: 250_000 }),
      ]),
    );
    const alerts = (await unwrap(shop.api.GET('/v1/tenant/billing/alerts', { params: { query: { unacknowledged: 'true' } } }))) as { items: BillingAlert[] };
    const shown = alertsToShow(alerts.items, status.cycle);
    expect(shown.map((a) => a.details.percent)).toEqual([80]);
    await unwrap(shop.api.POST('/v1/tenant/billing/alerts/{id}/acknowledge', { params: { path: { id: shown[0]!.id } } }));
    const after = (await unwrap(shop.api.GET('/v1/tenant/billing/alerts', { params: { query: { unacknowledged: 'true' } } }))) as { items: BillingAlert[] };
    expect(after.items).toEqual([]);

    const ledger = (await unwrap(shop.api.GET('/v1/tenant/billing/ledger', { params: { query: { limit: 50 } } }))) as { items: LedgerEntry[] };
    expect(Array.isArray(ledger.items)).toBe(true);
  });

  it('support: the shop opens a ticket, the platform answers, the shop reads the reply', async () => {
    const opened = await unwrap(shop.api.POST('/v1/tenant/support/tickets', { body: { subject: 'Cần xuất hoá đơn VAT', body: 'Cho em hỏi cách lấy hoá đơn đỏ ạ.' } }));
    const list = await unwrap(ops.api.GET('/v1/admin/support/tickets', { params: { query: { status: 'open' } } }));
    expect(list.items.map((t) => t.id)).toContain(opened.id);
    await unwrap(ops.api.POST('/v1/admin/support/tickets/{id}/messages', { params: { path: { id: opened.id } }, body: { body: 'Dạ, hoá đơn PDF ở trang Thanh toán ạ.' } }));
    const seen = await unwrap(shop.api.GET('/v1/tenant/support/tickets/{id}', { params: { path: { id: opened.id } } }));
    expect(seen.status).toBe('answered');
    expect(seen.messages.at(-1)).toMatchObject({ author_kind: 'platform', body: 'Dạ, hoá đơn PDF ở trang Thanh toán ạ.' });
  });

  it('the console: plans, overview, health and the platform key answer platform admins only', async () => {
    const plans = await unwrap(shop.api.GET('/v1/plans'));
    expect(plans.plans.some((p) => p.id === 'free' && p.name_vi === 'Miễn phí')).toBe(true);
    const overview = await unwrap(ops.api.GET('/v1/admin/billing/overview', { params: { query: { limit: 500 } } }));
    expect(overview.items.find((l) => l.tenant_id === tenantId)).toMatchObject({ plan_id: 'free', monthly_cap_vnd: 250_000 });
    const health = await unwrap(ops.api.GET('/v1/admin/system/health'));
    expect(health.database.ok).toBe(true);
    const llm = await unwrap(ops.api.GET('/v1/admin/platform-llm'));
    expect(llm.configured).toBe(false);
    expect((await shop.api.GET('/v1/admin/system/health')).response.status).toBe(403);
  });
});
