/**
 * White-label on the served dashboard: a page requested on a tenant's subdomain or custom domain
 * carries that tenant's brand (name and logo in `<meta name="acb-brand">`, colours as CSS
 * variables), escaped; the platform's own host and unknown hosts get the plain shell.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brandShell } from '../../src/branding/shell-branding';
import { createTestPglite } from '../helpers/pglite';
import { startOnboardingRig, type OnboardingRig } from './onboarding-rig';

const SHELL = '<!doctype html><html><head><title>agent-chatbot</title></head><body><div id="root"></div></body></html>';

describe('brandShell', () => {
  it('escapes the brand and drops colours that are not #rrggbb', () => {
    const html = brandShell(SHELL, { name: 'Spa "Hoa" <Sen>', primaryColor: 'red;}</style><script>x()</script>', accentColor: '#f59e0b' });
    expect(html).toContain('<meta name="acb-brand" content="{&quot;name&quot;:&quot;Spa \\&quot;Hoa\\&quot; &lt;Sen&gt;&quot;}">');
    expect(html).toContain('<style id="acb-brand">:root{--color-accent:#f59e0b;}</style></head>');
    expect(html).not.toContain('<script>');
  });
});

describe('the dashboard shell on a tenant host (PGlite)', { timeout: 60_000 }, () => {
  let rig: OnboardingRig;
  let dist: string;
  let token: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'acb-shell-'));
    writeFileSync(join(dist, 'index.html'), SHELL);
    rig = await startOnboardingRig(await createTestPglite(), {}, { dashboardDist: dist });
    token = (await rig.signup('brand')).token;
    const saved = await rig.call('PUT', '/v1/tenant/white-label', {
      token,
      body: { brand_name: 'Spa Hoa Sen', primary_color: '#be185d', logo_url: 'https://cdn.spahoasen.vn/logo.png', subdomain: 'spa1', custom_domain: 'chat.spahoasen.vn' },
    });
    expect(saved.status, saved.text).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('brands the shell on the subdomain and the custom domain', async () => {
    for (const host of ['spa1.bot.example.vn', 'chat.spahoasen.vn']) {
      const page = await rig.call('GET', '/login', { host, accept: 'text/html' });
      expect(page.status).toBe(200);
      expect(page.text).toContain('<meta name="acb-brand" content="{&quot;name&quot;:&quot;Spa Hoa Sen&quot;,&quot;logo&quot;:&quot;https://cdn.spahoasen.vn/logo.png&quot;}">');
      expect(page.text).toContain(':root{--color-primary:#be185d;--color-ring:#be185d;}');
      // The CSP lets the https logo load.
      expect(String(page.headers['content-security-policy'])).toContain("img-src 'self' data: https:");
    }
  });

  it('serves the plain shell on the platform host and on unknown hosts', async () => {
    for (const host of ['bot.example.vn', 'spa9.bot.example.vn', 'khac.vn']) {
      const page = await rig.call('GET', '/', { host, accept: 'text/html' });
      expect(page.status).toBe(200);
      expect(page.text).toBe(SHELL);
    }
  });
});
