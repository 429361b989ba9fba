import express from 'express';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller';
import { checkAccess, requireRole } from '../../src/auth/require-role';

const user = (over: Partial<Extract<Caller, { kind: 'user' }>> = {}): Caller => ({
  kind: 'user',
  userId: 'u',
  email: 'u@example.vn',
  platformAdmin: false,
  tenantId: 't',
  role: 'tenant-agent',
  sessionFamilyId: 's',
  tokenId: 'j',
  tenantSuspended: false,
  ...over,
});
const apiKey: Caller = { kind: 'api_key', apiKeyId: 'k', tenantId: 't', role: null, platformAdmin: false, tenantSuspended: false };

const statusOf = (fn: () => void): number => {
  try {
    fn();
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
};

describe('checkAccess', () => {
  it('applies the access levels', () => {
    expect(statusOf(() => checkAccess(null, 'public', false))).toBe(200);
    expect(statusOf(() => checkAccess(null, 'user', false))).toBe(401);
    expect(statusOf(() => checkAccess(user(), 'tenant-member', false))).toBe(200);
    expect(statusOf(() => checkAccess(user(), 'tenant-admin', false))).toBe(403);
    expect(statusOf(() => checkAccess(user({ role: 'tenant-admin' }), 'tenant-admin', false))).toBe(200);
    expect(statusOf(() => checkAccess(user({ role: 'tenant-admin', tenantSuspended: true }), 'tenant-admin', false))).toBe(403);
    expect(statusOf(() => checkAccess(user({ tenantId: null, role: null, platformAdmin: true }), 'tenant-member', false))).toBe(403);
    expect(statusOf(() => checkAccess(user({ platformAdmin: true }), 'platform-admin', false))).toBe(200);
    expect(statusOf(() => checkAccess(user({ role: 'tenant-admin' }), 'platform-admin', false))).toBe(403);
    expect(statusOf(() => checkAccess(apiKey, 'tenant-member', false))).toBe(403);
    expect(statusOf(() => checkAccess(apiKey, 'tenant-member', true))).toBe(200);
    expect(statusOf(() => checkAccess(apiKey, 'user', true))).toBe(403);
  });
});

describe('requireRole middleware', () => {
  it('lets matching roles through and answers 401/403 otherwise', async () => {
    const app = express();
    app.use((req, res, next) => {
      const who = req.get('x-who');
      res.locals['caller'] =
        who === 'admin' ? user({ role: 'tenant-admin' }) : who === 'agent' ? user() : who === 'pa' ? user({ platformAdmin: true, tenantId: null, role: null }) : null;
      next();
    });
    app.get('/admin', requireRole('tenant-admin'), (_req, res) => void res.json({ ok: true }));
    app.get('/ops', requireRole('platform-admin', 'tenant-admin'), (_req, res) => void res.json({ ok: true }));
    app.use((error: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(error.status ?? 500).json({});
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = async (path: string, who?: string) => (await fetch(`${base}${path}`, { headers: who ? { 'x-who': who } : {} })).status;
    try {
      expect(await get('/admin', 'admin')).toBe(200);
      expect(await get('/admin', 'agent')).toBe(403);
      expect(await get('/admin')).toBe(401);
      expect(await get('/ops', 'pa')).toBe(200);
      expect(await get('/ops', 'admin')).toBe(200);
      expect(await get('/ops', 'agent')).toBe(403);
    } finally {
      server.close();
    }
  });
});
