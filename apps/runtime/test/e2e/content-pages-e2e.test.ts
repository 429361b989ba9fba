/**
 * The Conversations, Customers and Test chat pages in a real browser (playwright-core + Debian's
 * Chromium, headless) against a real runtime (`startServer`, every feature, embedded PGlite) serving
 * a fresh build of the dashboard, with the fake OpenAI server as the platform LLM: the owner chats in
 * the test chat (streamed answer, tier and length cap sent), finds that conversation in the history
 * with the transcript's figures, downloads the CSV export (UTF-8 BOM, Vietnamese intact, formula
 * defused), tags and annotates the customer, and downloads the customers CSV. Screenshots go to
 * apps/dashboard/test-artifacts/ (gitignored).
 */
import { readFileSync } from 'node:fs';
import { type BrowserContext, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import type { RunningServer } from '../../src/cli/serve';
import { parseCsv } from '../contacts/csv-helpers';
import { chromiumSkip, mustVi, startBrowserRig, type BrowserRig } from './browser-rig';

const skip = chromiumSkip('the content pages browser test');

const PLATFORM_KEY = 'sk-platform-e2e-content-0123456789';
const ANSWER = 'Dạ, shop mở cửa từ 8 giờ sáng đến 9 giờ tối mỗi ngày ạ.';
const INJECTION = '=HYPERLINK("http://evil.example","bấm vào đây")';

/** The Vietnamese text of `key` (the test follows the pages' wording). */
const must = (key: string, values: Record<string, string | number> = {}): string => mustVi(key, values, 'empty');

/** Reads a downloaded CSV: checks the BOM, returns the parsed rows and the raw text. */
async function readDownload(download: Download): Promise<{ name: string; rows: string[][]; text: string }> {
  const path = await download.path();
  const bytes = readFileSync(path);
  expect([...bytes.subarray(0, 3)], 'UTF-8 byte-order mark').toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  return { name: download.suggestedFilename(), rows: parseCsv(text), text };
}

describe.skipIf(skip !== undefined)('conversations, customers and test chat pages in a browser', { timeout: 300_000 }, () => {
  let llm: FakeLlmServer;
  let rig: BrowserRig;
  let server: RunningServer;
  let context: BrowserContext;

  beforeAll(async () => {
    llm = await startFakeOpenAI({ apiKey: PLATFORM_KEY, responder: () => ANSWER });
    rig = await startBrowserRig({
      label: 'content',
      acceptDownloads: true,
      env: {
        CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
        CHATBOT_PLATFORM_LLM_API_KEY: PLATFORM_KEY,
        CHATBOT_PLATFORM_LLM_BASE_URL: llm.baseURL,
        CHATBOT_PLATFORM_CHEAP_MODEL: 'gpt-4o-mini',
        CHATBOT_PLATFORM_PREMIUM_MODEL: 'gpt-4o',
      },
    });
    ({ server, context } = rig);
  }, 240_000);

  afterAll(async () => {
    await rig?.close();
    await llm?.close();
  });

  const shot = (page: Page, name: string) => rig.shot(page, name);

  it('chats in the test chat, reads and exports the history, tags the customer and exports the customers', async () => {
    const page = await context.newPage();
    // Intercept file choosers from the start: Playwright turns interception on asynchronously when
    // the first listener appears, and a chooser opened before that is lost in headless Chromium.
    page.on('filechooser', () => undefined);
    try {
      await journey(page);
    } catch (error) {
      await shot(page, 'failure').catch(() => undefined);
      throw error;
    }
  });

  async function journey(page: Page): Promise<void> {
    const email = `chu-shop-${Date.now()}@example.vn`;
    const password = 'Mat-khau-that-dai-2026!';
    const signup = await fetch(`${server.url}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_name: 'Tiệm Áo Dài Lan', email, password }),
    });
    expect(signup.status, await signup.clone().text()).toBe(201);

    // Sign in through the login page.
    await page.goto(`${server.url}/login`);
    await page.getByLabel(must('common.email'), { exact: true }).fill(email);
    await page.getByLabel(must('common.password'), { exact: true }).fill(password);
    await page.getByRole('button', { name: must('login.submit') }).click();
    await page.waitForURL(/\/app(\/.*)?$/, { timeout: 60_000 });

    // 1. Test chat: premium tier and a length cap; the answer streams in with its figures.
    await page.goto(`${server.url}/app/test-chat`);
    await page.getByRole('heading', { level: 1, name: must('testChat.title') }).waitFor();
    await page.getByLabel(must('testChat.tier')).selectOption('premium');
    await page.getByLabel(must('testChat.lengthCap')).fill('300');
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/tenant/test-chat')) requests.push(request.postData() ?? '');
    });
    const box = page.getByLabel(must('testChat.message'));
    await box.fill('Cho hỏi shop mở cửa mấy giờ?');
    await box.press('Enter');
    const log = page.getByRole('log', { name: must('testChat.log') });
    await log.getByText(must('conversations.meta.cost')).first().waitFor({ timeout: 60_000 });
    expect(JSON.parse(requests[0]!)).toMatchObject({ message: 'Cho hỏi shop mở cửa mấy giờ?', stream: true, tier: 'premium', max_output_tokens: 300 });
    const firstAnswer = (await log.locator('li > div p.whitespace-pre-wrap').first().textContent())?.trim() ?? '';
    expect(firstAnswer.length).toBeGreaterThan(0);
    await box.fill(INJECTION);
    await page.getByRole('button', { name: must('testChat.send') }).click();
    await expect.poll(() => log.getByText(must('conversations.meta.cost')).count(), { timeout: 60_000 }).toBe(2);
    await shot(page, '01-test-chat');

    // 2. The history lists that conversation; the search finds it; the transcript shows both turns.
    await page.goto(`${server.url}/app/conversations`);
    await page.getByRole('heading', { level: 1, name: must('conversations.title') }).waitFor();
    await page.getByLabel(must('conversations.search')).fill('mở cửa');
    await page.getByLabel(must('conversations.channel')).selectOption('test');
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    await page.getByLabel(must('conversations.from')).fill(day);
    await page.getByLabel(must('conversations.to')).fill(day);
    await page.getByRole('button', { name: must('common.search'), exact: true }).click();
    const list = page.getByRole('list', { name: must('conversations.list') });
    const item = list.getByRole('button').first();
    await item.waitFor();
    expect(await list.getByRole('button').count()).toBe(1);
    await item.click();
    const transcript = page.getByRole('list', { name: must('conversations.transcript') });
    await transcript.getByText('Cho hỏi shop mở cửa mấy giờ?').waitFor();
    await transcript.getByText(INJECTION).waitFor();
    await transcript.getByText(firstAnswer).first().waitFor();
    expect(await transcript.getByText(`${must('conversations.meta.tokens')}:`).count()).toBe(2);
    await shot(page, '02-conversations');

    // 3. Export CSV: the download is the filtered history, Excel-safe.
    const [historyDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: must('conversations.export') }).click()]);
    const history = await readDownload(historyDownload);
    expect(history.name).toMatch(/^hoi-thoai-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(history.rows[0]![0]).toBe('Mã cuộc trò chuyện · Conversation ID');
    const messages = history.rows.slice(1);
    expect(messages.map((row) => row[4])).toEqual(['customer', 'bot', 'customer', 'bot']);
    expect(messages[0]![5]).toBe('Cho hỏi shop mở cửa mấy giờ?');
    expect(messages[1]![5]).toBe(firstAnswer);
    expect(messages[2]![5]).toBe(`'${INJECTION}`);
    expect(messages.every((row) => row[1] === 'test')).toBe(true);

    // 4. Customers: the test chat's customer, tagged and annotated from the keyboard.
    await page.goto(`${server.url}/app/customers`);
    await page.getByRole('heading', { level: 1, name: must('customers.title') }).waitFor();
    const editButton = page.getByRole('button', { name: must('customers.editNamed', { name: must('customers.unnamed') }) });
    await editButton.waitFor();
    expect(await page.getByRole('table').getByText(must('conversations.channels.test')).count()).toBe(1);
    await editButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(must('customers.name')).fill('Chị Lan');
    await dialog.getByLabel(must('customers.tags')).fill('VIP, khách quen');
    await dialog.getByLabel(must('customers.notes')).fill('+84 thích áo dài lụa màu be');
    await dialog.getByRole('button', { name: must('common.save') }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /Chị Lan/ });
    await row.getByText('khách quen').waitFor();
    await row.getByText('+84 thích áo dài lụa màu be').waitFor();
    await page.getByLabel(must('customers.tagFilter')).fill('VIP');
    await page.getByRole('button', { name: must('common.search'), exact: true }).click();
    await row.waitFor();
    await shot(page, '03-customers');

    const [contactsDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: must('customers.export') }).click()]);
    const contacts = await readDownload(contactsDownload);
    expect(contacts.name).toMatch(/^khach-hang-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(contacts.rows).toHaveLength(2);
    expect(contacts.rows[1]!.slice(1, 2)).toEqual(['Chị Lan']);
    expect(contacts.rows[1]![4]).toMatch(/^test:/);
    expect(contacts.rows[1]![5]).toBe('VIP; khách quen');
    expect(contacts.rows[1]![6]).toBe("'+84 thích áo dài lụa màu be");
    expect(contacts.rows[1]![7]).toBe('1');

    // 5. Knowledge from the keyboard only: focus "Choose files…", Enter opens the file chooser,
    // and the file's bar goes from upload to "Ready".
    await page.goto(`${server.url}/app/knowledge`);
    await page.getByRole('heading', { level: 1, name: must('knowledge.title') }).waitFor();
    const choose = page.getByRole('button', { name: must('knowledge.upload.choose') });
    await choose.focus();
    expect(await choose.evaluate((element) => element === (element.ownerDocument.activeElement as unknown))).toBe(true);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles([
      { name: 'bang-gia.txt', mimeType: 'text/plain', buffer: Buffer.from('Bảng giá: áo dài lụa 450.000đ, áo dài gấm 650.000đ.\n') },
      { name: 'rong.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) },
    ]);
    const uploads = page.getByRole('list', { name: must('knowledge.upload.listLabel') });
    const readyPattern = new RegExp(must('knowledge.upload.ready', { count: 'COUNT' }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('COUNT', '\\d+'));
    await uploads.locator('li', { hasText: 'bang-gia.txt' }).getByText(readyPattern).waitFor({ timeout: 90_000 });
    // The empty file gets its own error while the other one went through.
    const empty = uploads.locator('li', { hasText: 'rong.txt' });
    await expect.poll(async () => (await empty.getByRole('progressbar').getAttribute('aria-valuetext')) ?? '', { timeout: 60_000 }).toMatch(/rỗng|trống|không có nội dung/i);
    await shot(page, '04-knowledge-keyboard');

    // 6. Phones: every page fits a 390 px screen (wide tables scroll inside their card).
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/app/knowledge', '/app/conversations', '/app/customers', '/app/test-chat']) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      // The runtime's tsconfig has no DOM types: the page's globals are described here.
      const overflow = await page.evaluate(() => {
        const view = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
        return view.document.documentElement.scrollWidth - view.innerWidth;
      });
      expect(overflow, `${path} is wider than the phone screen`).toBeLessThanOrEqual(1);
      await shot(page, `05-phone${path.replaceAll('/', '-')}`);
    }
  }
});
