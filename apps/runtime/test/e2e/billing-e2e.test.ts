/**
 * Billing, support and the platform console in a real browser (playwright-core + Debian's Chromium,
 * headless) against a real runtime (`startServer`, every feature, embedded PGlite) serving a fresh
 * build of the dashboard: the landing page shows the configured plans; a shop owner sets the
 * monthly cap, creates a VietQR top-up (QR image, memo), sees a budget alert as a banner on another
 * page and dismisses it, opens a support ticket; a platform admin confirms the transfer by its memo
 * on Revenue & cost, answers the ticket, reads System and Plans & prices; the owner then sees the
 * credited balance and the reply. Screenshots go to apps/dashboard/test-artifacts/ (gitignored).
 */
import { DEFAULT_BILLING_CONFIG, cycleIdOf } from '@agent-chatbot/billing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/cli/serve';
import { createFixtureUser, fixturePassword } from '../http/fixtures';
import { CHROMIUM, chromiumSkip, mustVi as must, startBrowserRig, type BrowserRig } from './browser-rig';

const skip = chromiumSkip('the billing browser test');

describe.skipIf(skip !== undefined)('billing, support and the platform console in Chromium', { timeout: 300_000 }, () => {
  let rig: BrowserRig;
  let server: RunningServer;
  let context: BrowserContext;

  beforeAll(async () => {
    rig = await startBrowserRig({
      label: 'billing',
      env: {
        CHATBOT_VIETQR_BANK_BIN: '970436',
        CHATBOT_VIETQR_ACCOUNT_NUMBER: '0071000123456',
        CHATBOT_VIETQR_ACCOUNT_NAME: 'CONG TY TRO LY AO',
        CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
        CHATBOT_PLATFORM_LLM_API_KEY: 'sk-platform-e2e-billing-0123WXYZ',
      },
    });
    ({ server, context } = rig);
  }, 240_000);

  afterAll(async () => {
    await rig?.close();
  });

  const shot = (page: Page, name: string) => rig.shot(page, name);

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.getByLabel(must('common.email'), { exact: true }).fill(email);
    await page.getByLabel(must('common.password'), { exact: true }).fill(password);
    await page.getByRole('button', { name: must('login.submit') }).click();
    await page.waitForURL(/\/app(\/.*)?$/);
  }

  it('pricing, cap, VietQR top-up, alert banner, ticket; the admin credits the transfer and answers', async () => {
    const page = await context.newPage();
    try {
      // The landing page's pricing from the configured plans.
      await page.goto(`${server.url}/`);
      const pricing = page.locator('section', { has: page.getByRole('heading', { name: must('landing.pricing.title') }) });
      await pricing.getByText('Khởi đầu').waitFor();
      expect(await pricing.getByRole('listitem').count()).toBe(DEFAULT_BILLING_CONFIG.plans.length);
      await shot(page, '01-pricing');

      // A shop signs up (API) and its owner signs in.
      const email = `chu-shop-${Date.now()}@example.vn`;
      const password = 'Mat-khau-that-dai-2026!';
      const signup = await fetch(`${server.url}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant_name: 'Tiệm Hoa Đào', email, password }),
      });
      expect(signup.status).toBe(201);
      const tenantId = ((await signup.json()) as { tenant: { id: string } }).tenant.id;
      await signIn(page, email, password);

      // Billing: cap and a VietQR top-up.
      await page.goto(`${server.url}/app/billing`);
      await page.getByRole('heading', { level: 1, name: must('billing.title') }).waitFor();
      await page.getByLabel(must('billing.budget.capLabel')).fill('300000');
      await page.getByRole('button', { name: must('billing.budget.save') }).click();
      await page.getByText(must('billing.budget.saved')).waitFor();
      await page.getByLabel(must('billing.topup.amountLabel')).fill('200000');
      await page.getByRole('button', { name: must('billing.topup.createQr') }).click();
      const qr = page.getByRole('img', { name: /VietQR/ });
      await qr.waitFor();
      expect(await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
      const memo = (await page.locator('dd strong.font-mono').textContent())!.trim();
      expect(memo.length).toBeGreaterThan(3);
      await shot(page, '02-topup-vietqr');

      // A budget alert of this cycle shows as a banner on every page; "Đã xem" dismisses it.
      const cycle = cycleIdOf(new Date());
      await server.runtime.db.platform((tx) =>
        tx.query(`INSERT INTO billing_alerts (tenant_id, kind, dedupe_key, details) VALUES ($1, 'budget', $2, $3)`, [
          tenantId,
          `budget:${cycle}:80`,
          JSON.stringify({ cycle, percent: 80, spentVnd: 240_000, capVnd: 300_000 }),
        ]),
      );
      await page.goto(`${server.url}/app/settings/team`);
      const banner = page.getByRole('region', { name: must('billing.alerts.label') });
      await banner.getByText(/80%/).waitFor();
      await shot(page, '03-alert-banner');
      await banner.getByRole('button', { name: must('billing.alerts.acknowledge') }).click();
      await banner.waitFor({ state: 'detached' });

      // Support: open a ticket.
      await page.goto(`${server.url}/app/support`);
      await page.getByLabel(must('support.subject')).fill('Cần xuất hoá đơn VAT');
      await page.getByLabel(must('support.body')).fill('Cho em hỏi cách lấy hoá đơn đỏ ạ.');
      await page.getByRole('button', { name: must('support.submit') }).click();
      await page.getByRole('list', { name: must('support.messages') }).getByText('Cho em hỏi cách lấy hoá đơn đỏ ạ.').waitFor();
      await shot(page, '04-support');

      // The platform admin: confirm the transfer, answer the ticket, read System and Plans.
      const admin = await createFixtureUser(server.runtime.db, { platformAdmin: true });
      const adminPage = await (await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] })).newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
      try {
        await signIn(adminPage, admin.email, fixturePassword);
        await adminPage.goto(`${server.url}/app/admin/billing`);
        await adminPage.getByText('Tiệm Hoa Đào').waitFor();
        await adminPage.getByLabel(must('adminConsole.billing.memo')).fill(memo);
        await adminPage.getByLabel(must('adminConsole.billing.amount')).fill('200000');
        await adminPage.getByLabel(must('adminConsole.billing.bankRef')).fill('FT26112600001');
        await adminPage.getByRole('button', { name: must('adminConsole.billing.confirm'), exact: true }).click();
        await adminPage.getByText(must('adminConsole.billing.outcomes.credited')).waitFor();
        await shot(adminPage, '05-admin-billing');

        await adminPage.goto(`${server.url}/app/admin/support`);
        await adminPage.getByRole('button', { name: /Cần xuất hoá đơn VAT/ }).click();
        await adminPage.getByLabel(must('support.replyLabel')).fill('Dạ, hoá đơn PDF ở trang Thanh toán ạ.');
        await adminPage.getByRole('button', { name: must('support.send'), exact: true }).click();
        await adminPage.getByRole('list', { name: must('support.messages') }).getByText('Dạ, hoá đơn PDF ở trang Thanh toán ạ.').waitFor();
        await shot(adminPage, '06-admin-support');

        await adminPage.goto(`${server.url}/app/admin/system`);
        await adminPage.getByText('sk-…WXYZ').waitFor();
        await shot(adminPage, '07-admin-system');
        await adminPage.goto(`${server.url}/app/admin/plans`);
        await adminPage.getByLabel(must('adminConsole.plans.json')).waitFor();
        await shot(adminPage, '08-admin-plans');
      } finally {
        await adminPage.context().browser()?.close();
      }

      // The owner sees the credited balance and the reply.
      await page.goto(`${server.url}/app/billing`);
      await page.getByText(/200\.000/).first().waitFor();
      await page.getByRole('cell', { name: must('billing.ledger.kinds.topup'), exact: true }).waitFor();
      await page.goto(`${server.url}/app/support`);
      await page.getByRole('button', { name: /Cần xuất hoá đơn VAT/ }).click();
      await page.getByText('Dạ, hoá đơn PDF ở trang Thanh toán ạ.').waitFor();
      await shot(page, '09-support-reply');
    } catch (error) {
      await shot(page, 'failure').catch(() => undefined);
      throw error;
    }
  });
});
