/**
 * Billing, support and the platform console in a real browser (playwright-core + Debian's Chromium,
 * headless) against a real runtime (`startServer`, every feature, embedded PGlite) serving a fresh
 * build of the dashboard: the landing page shows the configured plans; a shop owner sets the
 * monthly cap, creates a VietQR top-up (QR image, memo), sees a budget alert as a banner on another
 * page and dismisses it, opens a support ticket; a platform admin confirms the transfer by its memo
 * on Revenue & cost, answers the ticket, reads System and Plans & prices; the owner then sees the
 * credited balance and the reply. Screenshots go to apps/dashboard/test-artifacts/ (gitignored).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BILLING_CONFIG, cycleIdOf } from '@agent-chatbot/billing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/cli/serve';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { createFixtureUser, fixturePassword } from '../http/fixtures';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (apt-get install -y chromium); skipping the billing browser test`;
if (skip) console.warn(skip);

const DASHBOARD = fileURLToPath(new URL('../../../dashboard/', import.meta.url));
const ARTIFACTS = join(DASHBOARD, 'test-artifacts');
type Tree = { [key: string]: string | Tree };
const vi = JSON.parse(readFileSync(join(DASHBOARD, 'src/locales/vi.json'), 'utf8')) as Tree;
/** The Vietnamese text of `key` (the test follows the pages' wording). */
function must(key: string): string {
  let node: string | Tree | undefined = vi;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`vi.json has no ${key}`);
  return node;
}

describe.skipIf(skip !== undefined)('billing, support and the platform console in Chromium', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let dataDir: string;
  let distDir: string;
  let userDataDir: string;
  let context: BrowserContext;

  beforeAll(async () => {
    distDir = mkdtempSync(join(tmpdir(), 'acb-billing-e2e-dist-'));
    execFileSync('pnpm', ['exec', 'vite', 'build', '--outDir', distDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: DASHBOARD, stdio: 'pipe' });
    process.env['DASHBOARD_DIST'] = distDir;
    dataDir = mkdtempSync(join(tmpdir(), 'acb-billing-e2e-data-'));
    const config = loadConfig(
      {
        CHATBOT_DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        CHATBOT_JWT_SECRET: 'billing-e2e-secret-0123456789-0123456789-abcdef',
        CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
        CHATBOT_VIETQR_BANK_BIN: '970436',
        CHATBOT_VIETQR_ACCOUNT_NUMBER: '0071000123456',
        CHATBOT_VIETQR_ACCOUNT_NAME: 'CONG TY TRO LY AO',
        CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
        CHATBOT_PLATFORM_LLM_API_KEY: 'sk-platform-e2e-billing-0123WXYZ',
      },
      dataDir,
    );
    server = await startServer(config, { print: () => undefined });
    mkdirSync(ARTIFACTS, { recursive: true });
    userDataDir = mkdtempSync(join(tmpdir(), 'acb-billing-e2e-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
    });
    context.setDefaultTimeout(30_000);
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    delete process.env['DASHBOARD_DIST'];
    for (const dir of [userDataDir, dataDir, distDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `billing-${name}.png`), fullPage: true });

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
