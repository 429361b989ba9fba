/**
 * The widget served by a real runtime, in headless Chromium (`playwright-core` + /usr/bin/chromium):
 * a shop page on http://127.0.0.1:<port> embeds `<script src="<runtime>/widget.js" data-key=…>`,
 * the visitor asks a question and sees the answer stream in (fake OpenAI, platform key), a staff
 * reply queued through the delivery job appears live, and the same page served from
 * http://localhost:<port> (an origin the tenant did not allow) shows the widget refusing to start.
 * Screenshots go to apps/runtime/test-artifacts/ (gitignored).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueDelivery } from '../../src/channels/delivery-job';
import { formatKeyring, generateSecretKey } from '../../src/config';
import { createTestPglite } from '../helpers/pglite';
import { startWidgetRig, type WidgetRig } from './widget-rig';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found; skipping the runtime widget browser test`;
if (skip) console.warn(skip);
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const ANSWER =
  'Dạ, shop giao hàng đến Đà Nẵng mất 3 ngày, phí giao hàng 30.000đ ạ. Shop gửi qua GHTK, anh/chị được kiểm tra hàng trước khi thanh toán. ' +
  'Đơn từ 500.000đ được miễn phí giao hàng, và shop có gói giao nhanh trong 1 ngày với phí 50.000đ. ' +
  'Nhân viên sẽ gọi xác nhận đơn trong vòng 30 phút, từ 8h đến 21h hằng ngày ạ. Shop cảm ơn anh/chị nhiều ạ!';

describe.skipIf(skip !== undefined)('widget served by the runtime, in Chromium', { timeout: 90_000 }, () => {
  let rig: WidgetRig;
  let llm: FakeLlmServer;
  let shop: Server;
  let shopPort: number;
  let context: BrowserContext;
  let userDataDir: string;
  let tenant: { tenantId: string; token: string };

  beforeAll(async () => {
    llm = await startFakeOpenAI({ apiKey: 'sk-platform-browser', responder: () => ANSWER, chunkDelayMs: 40 });
    rig = await startWidgetRig(await createTestPglite(), {
      env: {
        CHATBOT_JWT_SECRET: 'widget-browser-secret-0123456789-0123456789-abcdef',
        CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
        CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
        CHATBOT_PLATFORM_LLM_API_KEY: 'sk-platform-browser',
        CHATBOT_PLATFORM_LLM_BASE_URL: llm.baseURL,
        CHATBOT_PLATFORM_CHEAP_MODEL: 'gpt-4o-mini',
        CHATBOT_PLATFORM_PREMIUM_MODEL: 'gpt-4o',
      },
    });
    tenant = await rig.signup('browser');
    expect((await rig.call('PUT', '/v1/tenant/llm', { token: tenant.token, body: { provider: 'openai', key_mode: 'platform' } })).status).toBe(200);
    const key = (await rig.call('GET', '/v1/tenant/widget', { token: tenant.token })).body.public_key as string;

    // The shop's own website: one page embedding the runtime's widget.
    const page = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Shop Hoa Mai</title></head><body><h1>Shop Hoa Mai</h1><p>Áo dài, áo thun, giao toàn quốc.</p><script src="${rig.baseUrl}/widget.js" data-key="${key}" async></script></body></html>`;
    shop = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(page);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', () => resolve()));
    shopPort = (shop.address() as AddressInfo).port;
    const saved = await rig.call('PUT', '/v1/tenant/widget', {
      token: tenant.token,
      body: {
        allowed_domains: [`http://127.0.0.1:${shopPort}`],
        bot_name: 'Shop Hoa Mai',
        color: '#c2185b',
        greeting: { vi: 'Chào bạn! Shop Hoa Mai giúp gì được ạ?' },
        suggested_questions: { vi: ['Giao hàng đến Đà Nẵng mất mấy ngày?'] },
      },
    });
    expect(saved.status, saved.text).toBe(200);

    userDataDir = await mkdtemp(join(tmpdir(), 'acb-runtime-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1100, height: 800 },
    });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((resolve) => (shop ? shop.close(() => resolve()) : resolve()));
    await rig?.close();
    await llm?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('asks a question on the shop page and sees the answer stream in; a staff reply arrives live', async () => {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${shopPort}/`);
    await page.getByRole('button', { name: 'Mở khung chat' }).click();
    const frame = page.frameLocator('iframe[title="Shop Hoa Mai"]');
    await frame.getByText('Chào bạn! Shop Hoa Mai giúp gì được ạ?').waitFor({ timeout: 15_000 });
    await frame.getByRole('button', { name: 'Giao hàng đến Đà Nẵng mất mấy ngày?' }).click();
    // The answer streams: a busy bubble with part of the text, then the final message replaces it.
    const streaming = frame.locator('.msg.bot[aria-busy="true"]');
    await streaming.waitFor({ timeout: 20_000 });
    const partial = await streaming.innerText();
    const final = frame.locator('.msg.bot:not([aria-busy])', { hasText: 'Shop cảm ơn anh/chị nhiều ạ!' });
    await final.waitFor({ timeout: 20_000 });
    expect(partial.length).toBeLessThan((await final.innerText()).length);
    expect(await streaming.count()).toBe(0);
    expect(await frame.locator('.msg.bot:not([aria-busy])', { hasText: 'Đà Nẵng mất 3 ngày' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'runtime-widget-answer.png') });

    // A staff member answers through the delivery job (what the inbox does): the widget shows it.
    await rig.runtime.db.tenant(tenant.tenantId, async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO messages (tenant_id, conversation_id, role, content, delivery_status)
         SELECT $1, id, 'agent', 'Chào chị, em là Lan bên shop, em hỗ trợ chị đặt hàng nhé.', 'pending' FROM conversations WHERE channel = 'web' RETURNING id`,
        [tenant.tenantId],
      );
      expect(rows).toHaveLength(1);
      await enqueueDelivery(tx, rig.runtime.jobs, { messageId: rows[0]!.id });
    });
    await frame.locator('.msg.agent', { hasText: 'em là Lan bên shop' }).waitFor({ timeout: 15_000 });

    // The conversation survives a reload (visitor token in localStorage, history from the runtime).
    await page.reload();
    await page.getByRole('button', { name: 'Mở khung chat' }).click();
    const reloaded = page.frameLocator('iframe[title="Shop Hoa Mai"]');
    await reloaded.locator('.msg.agent', { hasText: 'em là Lan bên shop' }).waitFor({ timeout: 15_000 });
    expect(await reloaded.locator('.msg.visitor', { hasText: 'Giao hàng đến Đà Nẵng mất mấy ngày?' }).count()).toBe(1);
    expect(await reloaded.locator('.msg.bot', { hasText: 'Shop cảm ơn anh/chị nhiều ạ!' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'runtime-widget-agent-reload.png') });
    await page.close();
  });

  it('refuses to start on an origin the tenant did not allow (localhost instead of 127.0.0.1)', async () => {
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (message) => logs.push(message.text()));
    await page.goto(`http://localhost:${shopPort}/`);
    await expect.poll(() => logs.some((text) => text.includes('không được phép')), { timeout: 10_000 }).toBe(true);
    expect(await page.getByRole('button', { name: 'Mở khung chat' }).count()).toBe(0);
    expect(page.frames().filter((frame) => frame.url().includes('/widget-api/frame'))).toHaveLength(0);
    await page.screenshot({ path: join(ARTIFACTS, 'runtime-widget-refused.png') });
    await page.close();
  });
});
