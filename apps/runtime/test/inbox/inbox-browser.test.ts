/**
 * Issue 6 in a real browser (`playwright-core` + /usr/bin/chromium, headless): a shop page embeds
 * the runtime's widget; the visitor asks for a person; in the dashboard (built with Vite and served
 * by the same runtime) the agent signs in, sees the conversation in the live inbox under "needs a
 * human", takes over and replies; the reply appears in the visitor's widget. Screenshots go to
 * apps/runtime/test-artifacts/ (gitignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetFeature } from '../../src/widget/index';
import { createTestPglite } from '../helpers/pglite';
import { fixturePassword } from '../http/fixtures';
import { startInboxRig, type InboxRig } from './inbox-rig';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DASHBOARD = join(import.meta.dirname, '..', '..', '..', 'dashboard');
const VITE = join(DASHBOARD, 'node_modules', 'vite', 'bin', 'vite.js');
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} not found` : !existsSync(VITE) ? 'the dashboard has no vite installed' : undefined;
if (skip) console.warn(`inbox browser test skipped: ${skip}`);
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

describe.skipIf(skip !== undefined)('agent takes over in the dashboard, the widget shows the reply (Chromium)', { timeout: 120_000 }, () => {
  let rig: InboxRig;
  let shopSite: Server;
  let shopPort: number;
  let context: BrowserContext;
  let dirs: string[] = [];
  let shop: { tenantId: string; token: string; email: string };

  beforeAll(async () => {
    // The dashboard as shipped: a Vite production build, served by the runtime at /app/….
    const dist = await mkdtemp(join(tmpdir(), 'acb-inbox-dashboard-'));
    const built = spawnSync(process.execPath, [VITE, 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], { cwd: DASHBOARD, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`dashboard build failed:\n${built.stderr}`);
    rig = await startInboxRig(await createTestPglite(), { extraFeatures: [widgetFeature], app: { dashboardDist: dist } });
    shop = await rig.signup('browser-inbox');

    const key = (await rig.call('GET', '/v1/tenant/widget', { token: shop.token })).body.public_key as string;
    const page = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Shop Hoa Sen</title></head><body><h1>Shop Hoa Sen</h1><script src="${rig.baseUrl}/widget.js" data-key="${key}" async></script></body></html>`;
    shopSite = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(page);
    });
    await new Promise<void>((resolve) => shopSite.listen(0, '127.0.0.1', () => resolve()));
    shopPort = (shopSite.address() as AddressInfo).port;
    const saved = await rig.call('PUT', '/v1/tenant/widget', { token: shop.token, body: { allowed_domains: [`http://127.0.0.1:${shopPort}`], bot_name: 'Shop Hoa Sen' } });
    expect(saved.status, saved.text).toBe(200);

    const userDataDir = await mkdtemp(join(tmpdir(), 'acb-inbox-chromium-'));
    dirs = [dist, userDataDir];
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
    });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((resolve) => (shopSite ? shopSite.close(() => resolve()) : resolve()));
    await rig?.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('visitor asks for a person; the agent takes over and replies from the inbox; the widget shows it', async () => {
    // The visitor, on the shop's website.
    const visitor = await context.newPage();
    await visitor.goto(`http://127.0.0.1:${shopPort}/`);
    await visitor.getByRole('button', { name: 'Mở khung chat' }).click();
    const widget = visitor.frameLocator('iframe[title="Shop Hoa Sen"]');
    await widget.getByLabel('Tin nhắn của bạn').fill('Cho mình nói chuyện với người thật nhé');
    await widget.getByRole('button', { name: 'Gửi', exact: true }).click();
    await widget.locator('.msg.bot', { hasText: 'chuyển cuộc trò chuyện tới nhân viên' }).waitFor({ timeout: 20_000 });
    // The greeting and the handoff message: the bot says nothing more once a person holds the conversation.
    const botMessages = await widget.locator('.msg.bot').count();

    // The agent, in the dashboard.
    const agent = await context.newPage();
    await agent.goto(`${rig.baseUrl}/login`);
    await agent.getByLabel('Email').fill(shop.email);
    await agent.getByLabel('Mật khẩu').fill(fixturePassword);
    await agent.getByRole('button', { name: 'Đăng nhập' }).click();
    await agent.waitForURL(/\/app/, { timeout: 20_000 });
    await agent.goto(`${rig.baseUrl}/app/inbox`);
    await agent.getByText('Đang cập nhật trực tiếp').waitFor({ timeout: 20_000 });
    await agent.getByLabel('Cần nhân viên', { exact: true }).check();
    const list = agent.getByRole('list', { name: 'Danh sách cuộc trò chuyện' });
    const item = list.getByRole('button').first();
    await item.waitFor({ timeout: 20_000 });
    await item.click();
    await agent.getByText('Cho mình nói chuyện với người thật nhé', { exact: true }).waitFor({ timeout: 20_000 });
    await agent.getByRole('button', { name: 'Tiếp nhận (bot ngừng trả lời)' }).click();
    await agent.getByRole('button', { name: 'Trả lại cho bot' }).waitFor({ timeout: 20_000 });

    // The visitor writes again: it shows up live in the inbox, and the bot stays silent.
    await widget.getByLabel('Tin nhắn của bạn').fill('Mình muốn đổi size áo');
    await widget.getByRole('button', { name: 'Gửi', exact: true }).click();
    await agent.getByText('Mình muốn đổi size áo', { exact: true }).first().waitFor({ timeout: 20_000 });

    await agent.getByLabel('Trả lời khách').fill('Dạ em là Lan bên shop, em đổi size giúp chị nhé');
    await agent.getByRole('button', { name: 'Gửi cho khách' }).click();
    await widget.locator('.msg.agent', { hasText: 'em đổi size giúp chị' }).waitFor({ timeout: 20_000 });
    await agent.screenshot({ path: join(ARTIFACTS, 'inbox-agent-replied.png') });
    await visitor.screenshot({ path: join(ARTIFACTS, 'inbox-widget-shows-agent-reply.png') });
    expect(await widget.locator('.msg.bot').count()).toBe(botMessages);
  });
});
