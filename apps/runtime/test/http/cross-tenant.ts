/**
 * The "tenant A cannot see tenant B" assertion for HTTP endpoints (ARCHITECTURE §6): call an
 * endpoint that takes an id, as tenant A, with tenant B's id, and expect the same answer a
 * non-existent id gets — 404 (or 403 where the role gate comes first) — without B's data leaking
 * into the response. Every tenant endpoint that takes an id gets one of these.
 */
import { expect } from 'vitest';
import type { TestApp } from './harness';

/** One cross-tenant probe. */
export interface CrossTenantProbe {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path with tenant B's id already in it. */
  path: string;
  body?: unknown;
  /** 404 (default) for a resource route; 403 when the caller's role is refused first. */
  status?: 404 | 403;
}

/**
 * Calls `probe` with tenant A's `token` and asserts the denial. `secretsOfB` are strings (ids,
 * names, e-mails of B) that must not appear anywhere in the response.
 */
export async function expectCrossTenantDenied(app: TestApp, token: string, probe: CrossTenantProbe, secretsOfB: readonly string[] = []): Promise<void> {
  const res = await app.call(probe.method, probe.path, { token, body: probe.body });
  const label = `${probe.method} ${probe.path}`;
  const status = probe.status ?? 404;
  expect(res.status, `${label} → ${res.text}`).toBe(status);
  expect(res.body?.error?.code, label).toBe(status === 404 ? 'not_found' : 'forbidden');
  expect(typeof res.body?.error?.message_vi, label).toBe('string');
  for (const secret of secretsOfB) expect(res.text, `${label} leaks ${secret}`).not.toContain(secret);
}

/** Same as {@link expectCrossTenantDenied} for a list of probes. */
export async function expectAllCrossTenantDenied(
  app: TestApp,
  token: string,
  probes: readonly CrossTenantProbe[],
  secretsOfB: readonly string[] = [],
): Promise<void> {
  for (const probe of probes) await expectCrossTenantDenied(app, token, probe, secretsOfB);
}
