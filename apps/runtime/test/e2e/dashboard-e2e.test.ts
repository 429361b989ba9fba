/**
 * The issue's end-to-end journey in a real browser (playwright-core + Debian's Chromium, headless)
 * against a real runtime (`startServer`, every feature, embedded PGlite, in-process workers)
 * serving the freshly built dashboard, with the fake OpenAI server as the platform LLM:
 * sign-up at /signup → onboarding wizard (skipped when present) → upload a file on the Knowledge
 * page and watch its progress → ask the test chat → the Analytics page shows that conversation.
 * Screenshots go to apps/dashboard/test-artifacts/ (gitignored).
 *
 * Texts are read from the dashboard's vi.json, so the test follows the pages' wording. A page that
 * is missing from the build is replaced by the equivalent API call, and the test says so.
 */
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import type { RunningServer } from '../../src/cli/serve';
import { chromiumSkip, mustVi as must, startBrowserRig, viText as text, type BrowserRig } from './browser-rig';

const skip = chromiumSkip('the dashboard end-to-end test');

/** The fake OpenAI account's key: the platform's and, after the key step, the shop's own. */
const LLM_KEY = 'sk-e2e-0123456789abcdef0123456789';
const ANSWER = 'Dạ, shop mở cửa từ 8 giờ sáng đến 9 giờ tối mỗi ngày ạ.';
const QUESTION = 'Shop mở cửa mấy giờ vậy shop?';
const FILE = { name: 'gio-mo-cua.txt', mimeType: 'text/plain', buffer: Buffer.from('Giờ mở cửa: shop mở cửa từ 8 giờ sáng đến 9 giờ tối, tất cả các ngày trong tuần, kể cả Chủ nhật.\n') };

/** A template like "Sẵn sàng · {{count}} đoạn" as a pattern. */
const templatePattern = (template: string) =>
  new RegExp(template.split(/\{\{\w+\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+'));

describe.skipIf(skip !== undefined)('dashboard end to end: sign-up → wizard → upload → test chat → analytics', { timeout: 300_000 }, () => {
  let llm: FakeLlmServer;
  let rig: BrowserRig;
  let server: RunningServer;
  let context: BrowserContext;
  const viaApi: string[] = [];

  beforeAll(async () => {
    llm = await startFakeOpenAI({ apiKey: LLM_KEY, responder: () => ANSWER });
    rig = await startBrowserRig({
      label: 'e2e',
      env: {
        CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
        CHATBOT_PLATFORM_LLM_API_KEY: LLM_KEY,
        CHATBOT_PLATFORM_LLM_BASE_URL: llm.baseURL,
        CHATBOT_PLATFORM_CHEAP_MODEL: 'gpt-4o-mini',
        CHATBOT_PLATFORM_PREMIUM_MODEL: 'gpt-4o',
      },
    });
    ({ server, context } = rig);
    expect(server.runtime.db.kind).toBe('pglite');
  }, 240_000);

  afterAll(async () => {
    await rig?.close();
    await llm?.close();
    if (viaApi.length > 0) console.warn(`dashboard e2e: done through the API instead of a page: ${viaApi.join(', ')}`);
  });

  const shot = (page: Page, name: string) => rig.shot(page, name);

  /** Whether the page shows an h1 with `title` (a built page) rather than the not-found page. */
  async function pageExists(page: Page, title: string | undefined): Promise<boolean> {
    if (!title) return false;
    return page
      .getByRole('heading', { level: 1, name: title })
      .waitFor({ state: 'visible', timeout: 20_000 })
      .then(() => true, () => false);
  }

  it('signs up, uploads with progress, chats, and sees the conversation in Analytics', async () => {
    const page = await context.newPage();
    try {
      await journey(page);
    } catch (error) {
      await shot(page, 'failure').catch(() => undefined);
      throw error;
    }
  });

  // Every form control and every button or link on every page the shop owner can open has an
  // accessible name, as Chromium computes it for screen readers, and can be reached from the
  // keyboard (focusable, no positive tabindex). Runs after the journey, in the same signed-in
  // browser, so the pages hold real data.
  it('every control on every page has an accessible name and is keyboard-focusable', async () => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const paths = [
      '/', '/signup', '/login', '/forgot-password',
      '/app', '/app/inbox', '/app/knowledge', '/app/conversations', '/app/customers', '/app/test-chat', '/app/analytics',
      '/app/onboarding', '/app/settings/bot', '/app/settings/team', '/app/settings/api-keys', '/app/settings/llm-keys',
      '/app/settings/audit-log', '/app/settings/channels', '/app/settings/widget', '/app/settings/white-label',
      '/app/billing', '/app/support',
    ];
    const interactive = new Set(['textbox', 'searchbox', 'combobox', 'listbox', 'checkbox', 'radio', 'switch', 'slider', 'spinbutton', 'button', 'link', 'menuitem', 'tab']);
    type AxNode = { ignored: boolean; role?: { value?: string }; name?: { value?: string }; properties?: Array<{ name: string; value: { value?: unknown } }> };
    const problems: string[] = [];
    let checked = 0;
    try {
      for (const path of paths) {
        await page.goto(`${server.url}${path}`);
        // Signed-in pages redirect new owners to the wizard only from the overview; wait for the page's own heading.
        await page.getByRole('heading', { level: 1 }).first().waitFor({ state: 'visible', timeout: 30_000 });
        await page.waitForTimeout(500);
        const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
        for (const node of nodes) {
          const role = node.role?.value ?? '';
          if (node.ignored || !interactive.has(role)) continue;
          const prop = (name: string) => node.properties?.find((p) => p.name === name)?.value.value;
          if (prop('hidden') === true) continue;
          checked += 1;
          if (!(node.name?.value ?? '').trim()) problems.push(`${path}: a ${role} has no accessible name`);
          if (prop('disabled') !== true && prop('focusable') !== true) problems.push(`${path}: the ${role} "${node.name?.value ?? ''}" cannot take keyboard focus`);
        }
        const positive = (await page.evaluate(`document.querySelectorAll('[tabindex]:not([tabindex="0"]):not([tabindex^="-"])').length`)) as number;
        if (positive > 0) problems.push(`${path}: ${positive} element(s) with a positive tabindex`);
      }
    } catch (error) {
      await shot(page, 'a11y-failure').catch(() => undefined);
      throw error;
    } finally {
      await cdp.detach().catch(() => undefined);
    }
    expect(checked, 'controls were found and checked').toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });

  async function journey(page: Page): Promise<void> {
    const email = `chu-shop-${Date.now()}@example.vn`;
    const password = 'Mat-khau-that-dai-2026!';

    // 1. Sign-up at /signup.
    await page.goto(`${server.url}/signup`);
    await page.getByLabel(must('signup.tenantName')).fill('Tiệm Hoa Đào');
    await page.getByLabel(must('common.email'), { exact: true }).fill(email);
    await page.getByLabel(must('common.password'), { exact: true }).fill(password);
    await shot(page, '01-signup');
    await page.getByRole('button', { name: must('signup.submit') }).click();
    await page.waitForURL(/\/app(\/.*)?$/, { timeout: 60_000 });

    // The API, for the checks below (and for steps whose page is not built yet).
    const login = await fetch(`${server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { access_token: string }).access_token;
    const api = async (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });

    // 2. The onboarding wizard, when the build has one: it opens by itself for a new shop.
    const wizardTitle = text('onboarding.title');
    if (wizardTitle && (await page.waitForURL(/\/app\/onboarding/, { timeout: 15_000 }).then(() => true, () => false))) {
      await page.getByRole('heading', { level: 1, name: wizardTitle }).waitFor({ state: 'visible' });
      await shot(page, '02-onboarding');
      const skipAll = text('onboarding.skipAll');
      if (skipAll) {
        await page.getByRole('button', { name: skipAll }).or(page.getByRole('link', { name: skipAll })).first().click();
        await page.waitForURL((url) => !url.pathname.startsWith('/app/onboarding'));
      }
    } else {
      viaApi.push('onboarding wizard (not in this build)');
    }

    // The wizard's key step, done through the API: the shop's own key (a new shop has no platform
    // credits, so without it the bot only falls back). Validated on save against the fake server.
    const llmSaved = await api('/v1/tenant/llm', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'openai', base_url: llm.baseURL, api_key: LLM_KEY, key_mode: 'own', cheap_model: 'gpt-4o-mini', premium_model: 'gpt-4o' }),
    });
    expect(llmSaved.status, await llmSaved.clone().text()).toBe(200);
    viaApi.push('LLM key mode (own key set with PUT /v1/tenant/llm)');

    // 3. Upload a file on the Knowledge page and watch its progress bar.
    await page.goto(`${server.url}/app/knowledge`);
    if (await pageExists(page, text('knowledge.title'))) {
      // Record every progress value the page shows, however briefly.
      // (A string: this file is type-checked without the DOM library.)
      await page.evaluate(`(() => {
        const seen = [];
        window.__progress = seen;
        const record = () => {
          for (const bar of document.querySelectorAll('[role="progressbar"]')) seen.push((bar.getAttribute('aria-label') ?? '') + '=' + (bar.getAttribute('aria-valuenow') ?? ''));
        };
        new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
      })()`);
      await page.getByLabel(must('knowledge.upload.chooseLabel')).setInputFiles(FILE);
      const ready = templatePattern(must('knowledge.upload.ready'));
      await page.getByText(ready).first().waitFor({ state: 'visible', timeout: 90_000 });
      const progress = (await page.evaluate('window.__progress')) as string[];
      expect(progress.length, 'a progress bar was shown for the upload').toBeGreaterThan(0);
      expect(progress.some((entry) => entry.includes(FILE.name)), progress.join(' | ')).toBe(true);
      await shot(page, '03-knowledge');
    } else {
      viaApi.push('knowledge upload (no /app/knowledge page)');
      const form = new FormData();
      form.append('file', new Blob([FILE.buffer], { type: FILE.mimeType }), FILE.name);
      const up = await api('/v1/tenant/documents', { method: 'POST', body: form });
      expect(up.status).toBe(201);
    }
    // Either way the document must be ready before the bot can use it.
    await expect
      .poll(async () => ((await (await api('/v1/tenant/documents')).json()) as { items: Array<{ status: string }> }).items.map((d) => d.status), { timeout: 90_000 })
      .toEqual(['ready']);

    // 4. Ask the test chat.
    await page.goto(`${server.url}/app/test-chat`);
    if (await pageExists(page, text('testChat.title'))) {
      await page.getByLabel(must('testChat.message')).fill(QUESTION);
      await page.getByRole('button', { name: must('testChat.send') }).click();
      await page.getByText(ANSWER).first().waitFor({ state: 'visible', timeout: 60_000 });
      await shot(page, '04-test-chat');
    } else {
      viaApi.push('test chat (no /app/test-chat page)');
      const res = await api('/v1/tenant/test-chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: QUESTION }) });
      expect(res.status).toBe(200);
    }

    // 5. Analytics shows that conversation: one conversation, the question among the top ones.
    await page.goto(`${server.url}/app/analytics`);
    await page.getByRole('heading', { level: 1, name: must('analytics.title') }).waitFor({ state: 'visible' });
    const figures = page.getByRole('region', { name: must('analytics.summary') });
    await figures.waitFor({ state: 'visible' });
    const conversations = figures.locator('div', { has: page.getByText(must('analytics.stats.conversations'), { exact: true }) }).locator('dd').first();
    await expect.poll(() => conversations.textContent(), { timeout: 30_000 }).toBe('1');
    const top = page.getByRole('list', { name: must('analytics.top.title') });
    await top.getByText(QUESTION).waitFor({ state: 'visible' });
    await page.getByRole('img', { name: new RegExp(must('analytics.charts.conversations')) }).waitFor({ state: 'visible' });
    await shot(page, '05-analytics');

    const overview = (await (await api('/v1/tenant/analytics/overview')).json()) as { totals: { conversations: number; messages: { customer: number; bot: number } } };
    expect(overview.totals.conversations).toBe(1);
    expect(overview.totals.messages).toMatchObject({ customer: 1, bot: 1 });
  }
});
