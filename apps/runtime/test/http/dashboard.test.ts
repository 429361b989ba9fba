import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgliteDb } from '../../src/db/pglite-db';
import { findDashboardDist } from '../../src/http/dashboard';
import { createTestPglite } from '../helpers/pglite';
import { startTestApp, type TestApp } from './harness';

let db: PgliteDb;
let app: TestApp;
const dist = mkdtempSync(join(tmpdir(), 'acb-dashboard-'));

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>dashboard-shell</title><script src="/assets/app-1.js"></script>');
  writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log("app")');
  db = await createTestPglite();
  app = await startTestApp(db, { app: { dashboardDist: dist } });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('serving the dashboard build', () => {
  it('answers every page path with the shell, so client-side routes like /signup work', async () => {
    for (const path of ['/', '/signup', '/app/settings/team', '/invitations/accept?token=x']) {
      const page = await app.call('GET', path, { headers: { accept: 'text/html' } });
      expect(page.status, path).toBe(200);
      expect(page.text).toContain('dashboard-shell');
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets with a long cache and leaves API paths and JSON requests to the API', async () => {
    const asset = await app.call('GET', '/assets/app-1.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('max-age=31536000');
    expect((await app.call('GET', '/assets/missing.js')).status).toBe(404);
    const api = await app.call('GET', '/v1/nothing-here', { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');
    expect((await app.call('GET', '/signup', { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await app.call('GET', '/healthz', { headers: { accept: 'text/html' } })).body).toEqual({ status: 'ok' });
  });

  it('finds a build through DASHBOARD_DIST and ignores a folder without index.html', () => {
    expect(findDashboardDist({ DASHBOARD_DIST: dist })).toBe(dist);
    const empty = mkdtempSync(join(tmpdir(), 'acb-empty-'));
    expect(findDashboardDist({ DASHBOARD_DIST: empty })).not.toBe(empty);
  });
});
