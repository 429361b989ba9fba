/**
 * The five-minute path in a real browser (playwright-core + Debian's Chromium, headless) against a
 * real runtime (`startServer`, every feature, embedded PGlite) serving a fresh build of the
 * dashboard, with testkit's fake Telegram and fake OpenAI servers: sign-up at /signup → the wizard
 * opens by itself → (1) connect Telegram, see the webhook URL, test the connection; allow a website
 * domain and see the widget snippet → (2) upload a file with a progress bar and apply the spa
 * template → (3) platform credits → (4) ask a suggested question in the live test chat, save tone
 * and length → finish; then the Channels and White-label pages. Screenshots go to
 * apps/dashboard/test-artifacts/onboarding-*.png (gitignored).
 */
import { request } from 'node:http';
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { createFakeTelegram, type FakeTelegram } from '@agent-chatbot/testkit/fake-channels';
import type { RunningServer } from '../../src/cli/serve';
import { industryTemplates } from '../../src/templates/catalog';
import { chromiumSkip, mustVi, startBrowserRig, type BrowserRig } from './browser-rig';

const skip = chromiumSkip('the onboarding end-to-end test');

const LLM_KEY = 'sk-e2e-onboarding-0123456789abcdef';
const BOT_TOKEN = '7011223344:AAH-onboarding-e2e-token';
const spa = industryTemplates.find((t) => t.id === 'spa')!;
const OPENING = spa.faq.find((f) => f.question === 'Spa mở cửa mấy giờ?')!;

/** The Vietnamese text of `key` (with `{{x}}` placeholders filled from `values`). */
const t = (key: string, values: Record<string, string | number> = {}): string => mustVi(key, values, 'empty');

/** GET with a chosen Host header (fetch cannot set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(skip !== undefined)('onboarding end to end: sign-up → wizard → bot answering → settings', { timeout: 300_000 }, () => {
  let llm: FakeLlmServer;
  let telegram: FakeTelegram;
  let rig: BrowserRig;
  let server: RunningServer;
  let context: BrowserContext;

  beforeAll(async () => {
    llm = await startFakeOpenAI({ apiKey: LLM_KEY, responder: () => 'Dạ, em xin phép kiểm tra lại ạ.' });
    telegram = await createFakeTelegram({ botToken: BOT_TOKEN, username: 'spa_hoa_sen_bot' });
    rig = await startBrowserRig({
      label: 'onboarding',
      env: {
        CHATBOT_PUBLIC_URL: 'https://bot.example.vn',
        CHATBOT_TELEGRAM_API_BASE: telegram.url,
        CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
        CHATBOT_PLATFORM_LLM_API_KEY: LLM_KEY,
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
    await telegram?.close();
  });

  const shot = (page: Page, name: string) => rig.shot(page, name);

  it('takes a new shop from sign-up to a bot answering, through every wizard step', async () => {
    const page = await context.newPage();
    try {
      await journey(page);
    } catch (error) {
      await shot(page, 'failure').catch(() => undefined);
      throw error;
    }
  });

  async function journey(page: Page): Promise<void> {
    const email = `spa-${Date.now()}@example.vn`;
    const password = 'Mat-khau-that-dai-2026!';
    await page.goto(`${server.url}/signup`);
    await page.getByLabel(t('signup.tenantName')).fill('Spa Hoa Sen');
    await page.getByLabel(t('common.email'), { exact: true }).fill(email);
    await page.getByLabel(t('common.password'), { exact: true }).fill(password);
    await page.getByRole('button', { name: t('signup.submit') }).click();

    // The wizard opens by itself for a new shop.
    await page.waitForURL(/\/app\/onboarding$/, { timeout: 60_000 });
    await page.getByRole('heading', { level: 1, name: t('onboarding.title') }).waitFor();
    const login = await fetch(`${server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const api = async <T>(path: string): Promise<T> => (await (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;

    // Step 1: Telegram — token, connect (setWebhook on the fake), webhook URL, test (getMe).
    await page.getByRole('radio', { name: t('channels.types.telegram') }).check();
    await page.getByLabel(t('channels.fields.bot_token')).fill(BOT_TOKEN);
    await page.getByRole('button', { name: t('channels.connect'), exact: true }).click();
    const webhook = page.getByText(/^https:\/\/bot\.example\.vn\/webhooks\/telegram\/[0-9a-f-]{36}$/);
    await webhook.waitFor();
    expect(telegram.webhook()?.url).toBe(await webhook.textContent());
    await page.getByRole('button', { name: t('channels.test') }).click();
    await page.getByText(t('channels.testOk')).waitFor();
    await shot(page, '01-channel');
    // …and the website: allow the domain, get the snippet.
    await page.getByRole('radio', { name: t('channels.types.web') }).check();
    await page.getByLabel(t('onboarding.websiteDomain')).fill('spahoasen.vn');
    await page.getByRole('button', { name: t('onboarding.allowDomain') }).click();
    await page.getByText(t('onboarding.allowedDomains', { domains: 'spahoasen.vn' })).waitFor();
    await page.getByText(/data-key="pk_/).waitFor();
    await page.getByRole('button', { name: t('onboarding.next') }).click();

    // Step 2: an upload with a progress bar, then the spa template.
    await page.getByLabel(t('onboarding.chooseFiles')).setInputFiles({ name: 'bang-gia.txt', mimeType: 'text/plain', buffer: Buffer.from('Bảng giá: gội đầu dưỡng sinh 150.000đ, massage đá nóng 550.000đ.\n') });
    await page.getByRole('progressbar', { name: t('onboarding.uploadProgress', { name: 'bang-gia.txt' }) }).waitFor();
    await page.getByText(t('onboarding.uploaded'), { exact: true }).waitFor();
    await page.getByRole('radio', { name: new RegExp(spa.name) }).check();
    await page.getByRole('button', { name: t('onboarding.applyTemplate') }).click();
    await page.getByText(t('onboarding.templateApplied', { faq: spa.faq.length, skipped: 0, products: spa.products.length })).waitFor();
    await shot(page, '02-data');
    await page.getByRole('button', { name: t('onboarding.next') }).click();

    // Step 3: platform credits.
    await page.getByRole('radio', { name: new RegExp(t('onboarding.modes.platform.title')) }).check();
    await page.getByRole('button', { name: t('common.save') }).click();
    await page.getByText(t('onboarding.platformSaved')).waitFor();
    await page.getByRole('button', { name: t('onboarding.next') }).click();

    // Step 4: a suggested question from the template is answered from its FAQ; save the style.
    await page.getByLabel(t('bot.tone')).selectOption('professional');
    await page.getByLabel(t('onboarding.answerLength')).selectOption('short');
    await page.getByRole('button', { name: OPENING.question }).click();
    await page.getByText(OPENING.answer).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: t('onboarding.saveStyle') }).click();
    await page.getByText(t('onboarding.styleSaved')).waitFor();
    await shot(page, '03-test-chat');
    await page.getByRole('button', { name: t('onboarding.finish') }).click();
    await page.waitForURL((url) => url.pathname === '/app');
    await page.waitForTimeout(500);
    expect(new URL(page.url()).pathname).toBe('/app');

    const state = await api<{ status: string; checklist: Record<string, unknown> }>('/v1/tenant/onboarding');
    expect(state).toMatchObject({ status: 'completed', checklist: { channel: true, knowledge: true, llm: true, template: 'spa' } });
    const tenant = await api<{ settings: { persona: { tone: string }; limits: { maxOutputTokens: number } } }>('/v1/tenant');
    expect(tenant.settings.persona.tone).toBe('professional');
    expect(tenant.settings.limits.maxOutputTokens).toBe(150);
    // The website was the channel chosen when the template was applied: its questions are the widget's.
    const widget = await api<{ allowed_domains: string[]; suggested_questions: { vi: string[] } }>('/v1/tenant/widget');
    expect(widget).toMatchObject({ allowed_domains: ['spahoasen.vn'], suggested_questions: { vi: spa.suggested_questions } });

    // Channels page (through the sidebar, as an owner would: no reload).
    await page.getByRole('link', { name: t('nav.channels') }).click();
    await page.getByRole('heading', { level: 1, name: t('channels.title') }).waitFor();
    await page.getByText(/webhooks\/telegram\//).first().waitFor();
    await shot(page, '04-channels');

    // White-label: a subdomain and a colour; the sidebar takes the brand, the Host lookup finds it.
    await page.getByRole('link', { name: t('nav.whiteLabel') }).click();
    await page.getByLabel(t('whiteLabel.brandName')).fill('Spa Hoa Sen Q3');
    await page.getByLabel(t('whiteLabel.primaryColor')).fill('#be185d');
    await page.getByLabel(t('whiteLabel.subdomain')).fill('spahoasen');
    await page.getByLabel(t('whiteLabel.customDomain')).fill('chat.spahoasen.vn');
    await page.getByRole('button', { name: t('common.save') }).click();
    await page.getByRole('cell', { name: 'chat.spahoasen.vn' }).waitFor();
    await page.getByRole('link', { name: 'Spa Hoa Sen Q3' }).waitFor();
    await shot(page, '05-white-label');
    const branding = await getWithHost(`${server.url}/v1/public/branding`, 'spahoasen.bot.example.vn');
    expect(branding.status, branding.body).toBe(200);
    expect(JSON.parse(branding.body)).toMatchObject({ tenant_name: 'Spa Hoa Sen', brand_name: 'Spa Hoa Sen Q3', primary_color: '#be185d' });
  }
});
