/**
 * Security headers, CORS (same-origin /v1, per-tenant allowed domains for public-key routes), and
 * the worker's /healthz and /metrics.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/cli/serve';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { Db } from '../../src/db/types';
import { errorHandler } from '../../src/http/errors';
import { createLogger } from '../../src/secrets/logger';
import { allowedDomainsForPublicKey, isAllowedOrigin, tenantCors } from '../../src/ops/security';
import { startTestApp, type TestApp } from '../http/harness';
import { createTestPglite } from '../helpers/pglite';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';

describe('security headers and CORS', { timeout: 60_000 }, () => {
  let db: Db;
  let app: TestApp;
  let seed: TwoTenants;
  let widgetServer: Server;
  let widgetUrl: string;
  let publicKey: string;

  beforeAll(async () => {
    db = await createTestPglite();
    seed = await seedTwoTenants(db);
    app = await startTestApp(db);
    publicKey = await db.platform(async (tx) => {
      await tx.query(`UPDATE tenants SET settings = jsonb_build_object('allowed_domains', jsonb_build_array('shop-a.vn', '*.cdn-a.vn')) WHERE id = $1`, [seed.a.tenantId]);
      const { rows } = await tx.query<{ public_key: string }>('SELECT public_key FROM channel_connections WHERE id = $1', [seed.a.connectionId]);
      return rows[0]!.public_key;
    });
    const widget = express();
    widget.use('/widget', tenantCors((req) => allowedDomainsForPublicKey(db, String(req.query['key'] ?? ''))));
    widget.get('/widget/config', (_req, res) => {
      res.json({ ok: true });
    });
    widget.use(errorHandler(createLogger({ level: 'silent' })));
    widgetServer = await new Promise((resolve) => {
      const s = widget.listen(0, '127.0.0.1', () => resolve(s));
    });
    widgetUrl = `http://127.0.0.1:${(widgetServer.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    widgetServer?.closeAllConnections();
    await new Promise((r) => widgetServer?.close(r));
    await db?.close();
  }, 60_000);

  it('sends helmet headers with a CSP the docs page and dashboard work under', async () => {
    const docs = await app.call('GET', '/docs');
    expect(docs.status).toBe(200);
    const csp = docs.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    expect(docs.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    const widget = await app.call('GET', '/widget/frame');
    expect(widget.headers.get('content-security-policy')).toBeNull();
    expect(widget.headers.get('x-content-type-options')).toBe('nosniff');
    const home = await app.call('GET', '/');
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    expect(home.headers.get('content-security-policy')).toBeTruthy();
  });

  it('keeps /v1 same-origin: refuses foreign preflights, allows its own', async () => {
    const foreign = await app.call('OPTIONS', '/v1/me', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message_vi).toMatch(/tên miền khác/);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const own = await app.call('OPTIONS', '/v1/me', { headers: { origin: 'http://127.0.0.1:8000', 'access-control-request-method': 'GET' } });
    expect(own.status).toBe(204);
    const plain = await app.call('GET', '/healthz', { headers: { origin: 'https://evil.example' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows a tenant\'s own domains on public-key routes and nobody else', async () => {
    const ask = (origin: string, key = publicKey, method = 'OPTIONS') =>
      fetch(`${widgetUrl}/widget/config?key=${encodeURIComponent(key)}`, {
        method,
        headers: { origin, ...(method === 'OPTIONS' ? { 'access-control-request-method': 'POST' } : {}) },
      });
    const ok = await ask('https://shop-a.vn');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop-a.vn');
    const sub = await ask('https://img.cdn-a.vn', publicKey, 'GET');
    expect(sub.status).toBe(200);
    expect(sub.headers.get('access-control-allow-origin')).toBe('https://img.cdn-a.vn');
    const other = await ask('https://shop-b.vn');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const unknownKey = await ask('https://shop-a.vn', 'pk_unknown');
    expect(unknownKey.status).toBe(403);
    expect(isAllowedOrigin('https://cdn-a.vn', ['*.cdn-a.vn'])).toBe(false);
    expect(isAllowedOrigin('http://localhost:5173', ['localhost:5173'])).toBe(true);
    expect(isAllowedOrigin('https://x.vn', ['https://x.vn'])).toBe(true);
    expect(isAllowedOrigin('http://x.vn', ['https://x.vn'])).toBe(false);
  });
});

describe('worker ops server', { timeout: 60_000 }, () => {
  it('serves /healthz, /readyz and /metrics on PORT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acb-worker-ops-'));
    const worker = await startWorker(
      loadConfig({ CHATBOT_DATA_DIR: dir, PORT: '0', CHATBOT_JWT_SECRET: 'w'.repeat(40), CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]), LOG_LEVEL: 'silent' }),
    );
    try {
      expect(worker.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${worker.opsUrl}/healthz`);
      expect(await health.json()).toMatchObject({ status: 'ok', role: 'worker', jobs: 'started' });
      expect((await fetch(`${worker.opsUrl}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${worker.opsUrl}/metrics`)).text();
      expect(metrics).toContain('# TYPE jobs_queue_depth gauge');
      expect(metrics).toContain('process_cpu_user_seconds_total');
    } finally {
      await worker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
