/**
 * Industry templates, the onboarding state and white-label settings through the real HTTP app, on
 * PGlite (the embedded default) and Postgres: applying a template is one transaction and
 * idempotent, its FAQ is searchable at once, and nothing reaches another tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { industryTemplates } from '../../src/templates/catalog';
import { industryTemplateSchema } from '../../src/templates/template-types';
import { testDrivers } from '../helpers/drivers';
import { createFixtureUser, fixturePassword } from '../http/fixtures';
import { startOnboardingRig, type OnboardingRig } from './onboarding-rig';

const drivers = await testDrivers();
const spa = industryTemplates.find((t) => t.id === 'spa')!;

describe('the template data', () => {
  it('has shop, spa, restaurant and education, each a valid Vietnamese template with at least 8 FAQ entries', () => {
    expect(industryTemplates.map((t) => t.id)).toEqual(['shop', 'spa', 'restaurant', 'education']);
    for (const template of industryTemplates) {
      expect(() => industryTemplateSchema.parse(template), template.id).not.toThrow();
      expect(template.faq.length, template.id).toBeGreaterThanOrEqual(8);
      expect(new Set(template.faq.map((f) => f.question.toLowerCase())).size, `${template.id} repeats a question`).toBe(template.faq.length);
      // Vietnamese: every persona greeting and FAQ answer carries Vietnamese diacritics.
      for (const text of [template.persona.greeting, ...template.faq.map((f) => f.answer)]) expect(text, template.id).toMatch(/[ạảãàáâậầấẩẫăắằặẳẵêềếểễệôồốổỗộơờớởỡợưừứửữựđ]/i);
    }
    const skus = industryTemplates.flatMap((t) => t.products.map((p) => p.sku));
    expect(new Set(skus).size).toBe(skus.length);
  });
});

describe.each(drivers)('templates, onboarding and white-label on $name', (driver) => {
  describe.skipIf(driver.skip)('API', { timeout: 60_000 }, () => {
    let rig: OnboardingRig;
    let close: () => Promise<void>;
    let a: { tenantId: string; token: string };
    let b: { tenantId: string; token: string };

    beforeAll(async () => {
      const opened = await driver.open({ max: 4 });
      close = opened.close;
      rig = await startOnboardingRig(opened.db as Parameters<typeof startOnboardingRig>[0]);
      a = await rig.signup('a');
      b = await rig.signup('b');
    }, 120_000);
    afterAll(async () => {
      await rig?.close();
      // PGlite is closed with the runtime; Postgres still drops its test database here.
      await close?.().catch(() => undefined);
    });

    it('lists the templates publicly', async () => {
      const res = await rig.call('GET', '/v1/templates');
      expect(res.status).toBe(200);
      expect(res.body.items.map((t: { id: string }) => t.id)).toEqual(['shop', 'spa', 'restaurant', 'education']);
      expect(res.body.items[1].faq).toHaveLength(spa.faq.length);
    });

    it('starts the wizard as pending with nothing done', async () => {
      const res = await rig.call('GET', '/v1/tenant/onboarding', { token: a.token });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ status: 'pending', finished_at: null, checklist: { channel: false, knowledge: false, llm: false, template: null } });
    });

    it('applies a template once: persona, suggested questions, FAQ and services; a second apply adds nothing', async () => {
      // An entry the owner already wrote (different case and spacing) is not duplicated.
      const own = await rig.call('POST', '/v1/tenant/faq', { token: a.token, body: { question: '  spa MỞ CỬA mấy giờ?', answer: 'Từ 8h đến 22h.' } });
      expect(own.status, own.text).toBe(201);

      const first = await rig.call('POST', '/v1/tenant/templates/spa/apply', { token: a.token });
      expect(first.status, first.text).toBe(200);
      expect(first.body).toEqual({ template_id: 'spa', faq_added: spa.faq.length - 1, faq_skipped: 1, products: spa.products.length, suggested_questions: spa.suggested_questions });

      const faq = await rig.call('GET', '/v1/tenant/faq?limit=100', { token: a.token });
      expect(faq.body.total).toBe(spa.faq.length);
      expect(faq.body.items.find((f: { question: string }) => f.question.includes('MỞ CỬA')).answer).toBe('Từ 8h đến 22h.');
      const products = await rig.call('GET', '/v1/tenant/products?limit=100', { token: a.token });
      expect(products.body.items.map((p: { sku: string }) => p.sku).sort()).toEqual(spa.products.map((p) => p.sku).sort());

      const tenant = await rig.call('GET', '/v1/tenant', { token: a.token });
      expect(tenant.body.settings.persona).toMatchObject({ name: 'Lan', tone: 'friendly', greeting: spa.persona.greeting });
      expect(tenant.body.settings.suggested_questions).toEqual(spa.suggested_questions);
      expect(tenant.body.settings.template.id).toBe('spa');

      // Searchable at once (accent-free customer spelling).
      const hit = await rig.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('goi dau duong sinh gia bao nhieu')}`, { token: a.token });
      expect(hit.status, hit.text).toBe(200);
      expect(JSON.stringify(hit.body.hits.slice(0, 3))).toContain('Gội đầu dưỡng sinh');

      const second = await rig.call('POST', '/v1/tenant/templates/spa/apply', { token: a.token });
      expect(second.body).toMatchObject({ faq_added: 0, faq_skipped: spa.faq.length, products: spa.products.length });
      expect((await rig.call('GET', '/v1/tenant/faq?limit=100', { token: a.token })).body.total).toBe(spa.faq.length);
      expect((await rig.call('GET', '/v1/tenant/products?limit=100', { token: a.token })).body.total).toBe(spa.products.length);

      const audit = await rig.call('GET', '/v1/tenant/audit-log', { token: a.token });
      expect(audit.body.items.filter((e: { action: string }) => e.action === 'template.apply')).toHaveLength(2);
    });

    it('answers 404 in both languages for an unknown template, and 401 without a session', async () => {
      const res = await rig.call('POST', '/v1/tenant/templates/karaoke/apply', { token: a.token });
      expect(res.status).toBe(404);
      expect(res.body.error.message_vi).toContain('karaoke');
      expect((await rig.call('POST', '/v1/tenant/templates/spa/apply')).status).toBe(401);
    });

    it('lets a tenant-agent read the wizard state and the white-label settings but change none of them', async () => {
      const agent = await createFixtureUser(rig.runtime.db, { tenantId: a.tenantId, role: 'tenant-agent' });
      const login = await rig.call('POST', '/v1/auth/login', { body: { email: agent.email, password: fixturePassword } });
      expect(login.status, login.text).toBe(200);
      const token = login.body.access_token as string;
      expect((await rig.call('GET', '/v1/tenant/onboarding', { token })).status).toBe(200);
      expect((await rig.call('GET', '/v1/tenant/white-label', { token })).status).toBe(200);
      for (const [method, path, body] of [
        ['POST', '/v1/tenant/templates/shop/apply', undefined],
        ['PUT', '/v1/tenant/onboarding', { status: 'skipped' }],
        ['PUT', '/v1/tenant/white-label', { brand_name: 'Của nhân viên' }],
      ] as const) {
        const res = await rig.call(method, path, { token, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(typeof res.body.error.message_vi).toBe('string');
      }
      expect((await rig.call('GET', '/v1/tenant', { token: a.token })).body.settings.template.id).toBe('spa');
    });

    it("never touches tenant B: B's FAQ, products, settings and onboarding stay empty", async () => {
      expect((await rig.call('GET', '/v1/tenant/faq', { token: b.token })).body.total).toBe(0);
      expect((await rig.call('GET', '/v1/tenant/products', { token: b.token })).body.total).toBe(0);
      const tenant = await rig.call('GET', '/v1/tenant', { token: b.token });
      expect(tenant.body.settings.template).toBeUndefined();
      expect(tenant.body.settings.persona).toBeUndefined();
      expect((await rig.call('GET', '/v1/tenant/onboarding', { token: b.token })).body.checklist).toEqual({ channel: false, knowledge: false, llm: false, template: null });
      const hit = await rig.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('gội đầu dưỡng sinh')}`, { token: b.token });
      expect(hit.body.hits).toEqual([]);
    });

    it('records completion of the wizard and shows what is done', async () => {
      const before = await rig.call('GET', '/v1/tenant/onboarding', { token: a.token });
      expect(before.body.checklist).toEqual({ channel: false, knowledge: true, llm: false, template: 'spa' });
      const llm = await rig.call('PUT', '/v1/tenant/llm', { token: a.token, body: { provider: 'openai', key_mode: 'platform' } });
      expect(llm.status, llm.text).toBe(200);
      const done = await rig.call('PUT', '/v1/tenant/onboarding', { token: a.token, body: { status: 'completed' } });
      expect(done.status, done.text).toBe(200);
      expect(done.body.status).toBe('completed');
      expect(Date.parse(done.body.finished_at)).toBeGreaterThan(Date.now() - 60_000);
      expect(done.body.checklist.llm).toBe(true);
      expect((await rig.call('GET', '/v1/tenant/onboarding', { token: a.token })).body.status).toBe('completed');
      expect((await rig.call('GET', '/v1/tenant/onboarding', { token: b.token })).body.status).toBe('pending');
      const again = await rig.call('PUT', '/v1/tenant/onboarding', { token: a.token, body: { status: 'pending' } });
      expect(again.body).toMatchObject({ status: 'pending', finished_at: null });
      expect((await rig.call('PUT', '/v1/tenant/onboarding', { token: a.token, body: { status: 'done' } })).status).toBe(400);
    });

    it('stores white-label settings, keeps domains unique across tenants and resolves the Host header', async () => {
      const put = await rig.call('PUT', '/v1/tenant/white-label', {
        token: a.token,
        body: { brand_name: 'Spa Hoa Sen', primary_color: '#0F766E', subdomain: 'spa1', custom_domain: 'Chat.SpaHoaSen.vn' },
      });
      expect(put.status, put.text).toBe(200);
      expect(put.body).toMatchObject({
        brand_name: 'Spa Hoa Sen',
        primary_color: '#0f766e',
        subdomain: 'spa1',
        custom_domain: 'chat.spahoasen.vn',
        platform_domain: 'bot.example.vn',
        subdomain_host: 'spa1.bot.example.vn',
        dns_records: [{ type: 'CNAME', name: 'chat.spahoasen.vn', value: 'bot.example.vn' }],
      });
      const taken = await rig.call('PUT', '/v1/tenant/white-label', { token: b.token, body: { subdomain: 'SPA1' } });
      expect(taken.status).toBe(409);
      expect((await rig.call('PUT', '/v1/tenant/white-label', { token: b.token, body: { custom_domain: 'chat.spahoasen.vn' } })).status).toBe(409);
      expect((await rig.call('PUT', '/v1/tenant/white-label', { token: b.token, body: { subdomain: 'www' } })).status).toBe(400);
      expect((await rig.call('PUT', '/v1/tenant/white-label', { token: b.token, body: { primary_color: 'red' } })).status).toBe(400);
      expect((await rig.call('PUT', '/v1/tenant/white-label', { token: b.token, body: { logo_url: 'javascript:alert(1)' } })).status).toBe(400);
      expect((await rig.call('GET', '/v1/tenant/white-label', { token: b.token })).body).toMatchObject({ subdomain_host: null, dns_records: [] });

      const bySub = await rig.call('GET', '/v1/public/branding', { host: 'spa1.bot.example.vn' });
      expect(bySub.status, bySub.text).toBe(200);
      expect(bySub.body).toEqual({ tenant_name: 'Cửa hàng a', tenant_slug: expect.any(String), brand_name: 'Spa Hoa Sen', primary_color: '#0f766e' });
      expect((await rig.call('GET', '/v1/public/branding', { host: 'chat.spahoasen.vn:443' })).body.brand_name).toBe('Spa Hoa Sen');
      expect((await rig.call('GET', '/v1/public/branding', { host: 'bot.example.vn' })).status).toBe(404);
      expect((await rig.call('GET', '/v1/public/branding', { host: 'spa2.bot.example.vn' })).status).toBe(404);

      // null removes; the freed subdomain can be taken by B.
      const cleared = await rig.call('PUT', '/v1/tenant/white-label', { token: a.token, body: { subdomain: null } });
      expect(cleared.body.subdomain).toBeUndefined();
      expect(cleared.body.brand_name).toBe('Spa Hoa Sen');
      expect((await rig.call('PUT', '/v1/tenant/white-label', { token: b.token, body: { subdomain: 'spa1' } })).status).toBe(200);
      expect((await rig.call('GET', '/v1/public/branding', { host: 'spa1.bot.example.vn' })).body.tenant_name).toBe('Cửa hàng b');
    });
  });
});
