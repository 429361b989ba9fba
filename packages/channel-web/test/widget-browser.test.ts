import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryPubSub } from '@agent-chatbot/core';
import { createRecordingHost, type RecordingHost } from '@agent-chatbot/testkit/fake-channels';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidgetAssets } from '../src/assets/build-widget';
import { computeIdentityHash } from '../src/server/identity';
import { createRealtimeHub } from '../src/server/realtime-hub';
import { createWebChannel, type WebChannel } from '../src/server/web-channel';
import { createWidgetHandlers } from '../src/server/widget-handlers';
import { fakeAnswerer, startTestServer, TOKEN_SECRET } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (apt-get install -y chromium); skipping the browser test`;
if (skip) console.warn(skip);
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const IDENTITY_SECRET = 'browser-identity-secret-123';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
/** A question the fake answerer leaves unanswered (still waiting when the page reloads). */
const UNANSWERED = 'Shop ơi, còn màu đỏ không?';

describe.skipIf(skip !== undefined)('widget in a real browser (Chromium, headless)', () => {
  let widgetServer: Awaited<ReturnType<typeof startTestServer>>;
  let otherSite: Awaited<ReturnType<typeof startTestServer>>;
  let context: BrowserContext;
  let userDataDir: string;
  let channel: WebChannel;
  let host: RecordingHost;
  const conversations: string[] = [];

  beforeAll(async () => {
    const assets = await buildWidgetAssets();
    const answer = fakeAnswerer(() => channel, 60);
    channel = createWebChannel({
      hub: createRealtimeHub({ pubsub: createMemoryPubSub() }),
      tokenSecret: TOKEN_SECRET,
      onMessage: async (event) => {
        conversations.push(event.conversationId);
        if (event.message?.text !== UNANSWERED) await answer(event);
      },
    });
    host = createRecordingHost();
    await channel.initialize(host);
    let allowedOrigin = '';
    const handlers = createWidgetHandlers({
      channel,
      tokenSecret: TOKEN_SECRET,
      assets,
      resolveWidget: async (key) =>
        key === 'pk_test'
          ? { publicKey: 'pk_test', allowedOrigins: [allowedOrigin], botName: 'Shop Test', color: '#c2185b', greeting: { vi: 'Chào bạn! Shop Test có thể giúp gì ạ?', en: 'Hi! How can Shop Test help?' }, suggestedQuestions: { vi: ['Áo thun còn size M không?'], en: ['Do you have size M?'] }, identitySecret: IDENTITY_SECRET }
          : null,
    });
    const page = (attrs: string) =>
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trang thử</title></head><body><h1>Cửa hàng thử nghiệm</h1><script src="${widgetServer.url}/widget.js" data-key="pk_test" ${attrs} async></script></body></html>`;
    const pages: Record<string, string> = {
      '/': '',
      '/en': 'data-lang="en"',
      '/signed-in': `data-user-id="42" data-user-hash="${computeIdentityHash('42', IDENTITY_SECRET)}" data-user-name="Chị Lan"`,
      '/forged': `data-user-id="43" data-user-hash="${computeIdentityHash('42', IDENTITY_SECRET)}"`,
    };
    widgetServer = await startTestServer(handlers, (path) => (pages[path] !== undefined ? page(pages[path]) : undefined));
    allowedOrigin = widgetServer.url;
    // Another origin (another port): embeds the same script, and also frames the chat page directly, lying about its origin.
    otherSite = await startTestServer(handlers, (path) =>
      path !== '/' ? undefined : `<!doctype html><html lang="vi"><body><h1>Trang lạ</h1><script src="${widgetServer.url}/widget.js" data-key="pk_test" async></script><iframe id="direct" title="direct" src="${widgetServer.url}/widget-api/frame?key=pk_test&origin=${encodeURIComponent(widgetServer.url)}"></iframe></body></html>`,
    );
    userDataDir = await mkdtemp(join(tmpdir(), 'acb-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1100, height: 800 },
    });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await widgetServer?.close();
    await otherSite?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  async function openChat(page: Page, url: string, label = 'Mở khung chat') {
    await page.goto(url);
    await page.getByRole('button', { name: label }).click();
    return page.frameLocator('iframe[title="Shop Test"]');
  }

  it('asks a question and shows the streamed answer; the conversation survives a reload; an agent reply arrives live', async () => {
    const page = await context.newPage();
    const frame = await openChat(page, `${widgetServer.url}/`);
    await expect.poll(() => frame.getByText('Chào bạn! Shop Test có thể giúp gì ạ?').isVisible()).toBe(true);
    const input = frame.getByLabel('Tin nhắn của bạn');
    await expect.poll(() => frame.locator('#acb-input:focus').count()).toBe(1);
    await frame.getByRole('button', { name: 'Áo thun còn size M không?' }).click();
    // A streaming bubble appears (aria-busy) before the final message replaces it.
    await frame.locator('.msg.bot[aria-busy="true"]').waitFor({ timeout: 10_000 });
    const partial = await frame.locator('.msg.bot[aria-busy="true"]').innerText();
    await frame.locator('.msg.bot:not([aria-busy])', { hasText: '150.000đ' }).waitFor({ timeout: 10_000 });
    expect(partial.length).toBeLessThan((await frame.locator('.msg.bot', { hasText: '150.000đ' }).innerText()).length);
    expect(await frame.locator('.msg.bot[aria-busy="true"]').count()).toBe(0);
    await frame.getByRole('button', { name: 'Đặt hàng' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'widget-answer.png') });

    await input.fill('Ship về Hà Nội mất mấy ngày?');
    await input.press('Enter');
    await frame.locator('.msg.bot', { hasText: 'Ship về Hà Nội' }).last().waitFor({ timeout: 10_000 });
    // An image goes through the upload path (multipart, sniffed) and shows in the visitor's bubble.
    await frame.locator('#acb-file').setInputFiles({ name: 'mau-ao.png', mimeType: 'image/png', buffer: Buffer.from(PNG_1X1, 'base64') });
    await frame.locator('.msg.visitor:not(.sending) img[alt="mau-ao.png"]').waitFor({ timeout: 10_000 });
    expect(await frame.locator('.msg.failed').count()).toBe(0);
    // Three finished answers (greeting aside), none still streaming, before the reload.
    await expect.poll(() => frame.locator('.msg.bot:not([aria-busy])', { hasText: '150.000đ' }).count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => frame.locator('.msg.bot[aria-busy="true"]').count()).toBe(0);

    const reloaded = await openChat(page, `${widgetServer.url}/`);
    await reloaded.locator('.msg.visitor', { hasText: 'Áo thun còn size M không?' }).waitFor({ timeout: 10_000 });
    expect(await reloaded.locator('.msg.bot', { hasText: '150.000đ' }).count()).toBe(3);
    // The latest answer's quick replies come back with the history.
    expect(await reloaded.getByRole('group', { name: 'Câu hỏi gợi ý' }).getByRole('button').allInnerTexts()).toEqual(['Đặt hàng', 'Phí ship?']);
    expect(new Set(conversations).size).toBe(1);
    const conversationId = conversations[0] as string;
    const sent = await channel.doSend({ conversationId, message: { text: 'Chào bạn, mình là Lan bên shop ạ.' }, providerOptions: { web: { role: 'agent' } } });
    expect(sent.status).toBe('sent');
    await reloaded.locator('.msg.agent', { hasText: 'mình là Lan' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'widget-reload-agent.png') });

    // Once the visitor has written after that answer, its buttons do not come back on a reload.
    const reloadedInput = reloaded.getByLabel('Tin nhắn của bạn');
    await reloadedInput.fill(UNANSWERED);
    await reloadedInput.press('Enter');
    await reloaded.locator('.msg.visitor:not(.sending)', { hasText: UNANSWERED }).waitFor({ timeout: 10_000 });
    const again = await openChat(page, `${widgetServer.url}/`);
    await again.locator('.msg.visitor', { hasText: UNANSWERED }).waitFor({ timeout: 10_000 });
    expect(await again.locator('.msg.agent', { hasText: 'mình là Lan' }).count()).toBe(1);
    expect(await again.getByRole('group', { name: 'Câu hỏi gợi ý' }).getByRole('button').count()).toBe(0);
    await again.getByRole('button', { name: 'Đóng khung chat' }).click();
    await expect.poll(() => page.locator('button[aria-label="Mở khung chat"]:focus').count()).toBe(1);
    await page.close();
  }, 60_000);

  it('uses English when the page asks (data-lang="en") and fills a phone screen', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const frame = await openChat(page, `${widgetServer.url}/en`, 'Open chat');
    await frame.getByLabel('Your message').waitFor();
    await frame.getByText('Hi! How can Shop Test help?').waitFor();
    expect(await page.locator('#acb-panel').boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await page.screenshot({ path: join(ARTIFACTS, 'widget-mobile-en.png') });
    await page.close();
  }, 30_000);

  it('verifies the signed-in user (HMAC of the user id) and rejects a forged hash', async () => {
    const page = await context.newPage();
    const frame = await openChat(page, `${widgetServer.url}/signed-in`);
    const input = frame.getByLabel('Tin nhắn của bạn');
    await input.fill('Đơn hàng của tôi tới đâu rồi?');
    await input.press('Enter');
    await expect.poll(() => host.events.at(-1)?.message?.text).toBe('Đơn hàng của tôi tới đâu rồi?');
    expect(host.events.at(-1)?.sender.id).toBe('user:42');
    const forged = await openChat(page, `${widgetServer.url}/forged`);
    await forged.getByText('Không xác minh được danh tính người dùng').waitFor({ timeout: 10_000 });
    await page.close();
  }, 30_000);

  it('refuses to start on a page whose origin is not allowed, even when framed directly', async () => {
    const page = await context.newPage();
    const refusals: string[] = [];
    page.on('console', (message) => refusals.push(message.text()));
    await page.goto(`${otherSite.url}/`);
    await expect.poll(() => refusals.some((text) => text.includes('không được phép')), { timeout: 5000 }).toBe(true);
    expect(await page.getByRole('button', { name: 'Mở khung chat' }).count()).toBe(0);
    // The chat page itself is blocked by frame-ancestors: no composer renders inside any frame.
    await page.waitForTimeout(500);
    for (const frame of page.frames()) {
      expect(await frame.locator('textarea').count().catch(() => 0)).toBe(0);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'widget-refused.png') });
    await page.close();
  }, 30_000);
});
