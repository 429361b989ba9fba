/**
 * People for HTTP tests: real argon2id password hashes, so they sign in through the real login.
 */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Db } from '../../src/db/types';
import type { TestApp } from './harness';

/** A password every fixture user has (passes any sane policy). */
export const fixturePassword = 'Mat-khau-rat-dai-2024!';

let cachedHash: Promise<string> | undefined;
const fixtureHash = () => (cachedHash ??= argon2.hash(fixturePassword, { type: argon2.argon2id }));

/** A unique e-mail address for one test. */
export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.vn`;
}

/** Gives an existing user (e.g. a seeded admin) the fixture password. */
export async function setFixturePassword(db: Db, userId: string): Promise<void> {
  const hash = await fixtureHash();
  await db.platform((tx) => tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, hash]));
}

/** Creates a user, optionally a member of `tenantId` with `role`, or a platform admin. */
export async function createFixtureUser(
  db: Db,
  options: { email?: string; tenantId?: string; role?: 'tenant-admin' | 'tenant-agent'; platformAdmin?: boolean } = {},
): Promise<{ userId: string; email: string }> {
  const email = options.email ?? uniqueEmail(options.role ?? 'user');
  const hash = await fixtureHash();
  const userId = await db.platform(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      'INSERT INTO users (email, password_hash, name, is_platform_admin) VALUES ($1, $2, $3, $4) RETURNING id',
      [email, hash, `Người dùng ${email.split('@')[0]}`, options.platformAdmin ?? false],
    );
    const id = rows[0]!.id;
    if (options.tenantId) {
      await tx.query('INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)', [options.tenantId, id, options.role ?? 'tenant-agent']);
    }
    return id;
  });
  return { userId, email };
}

/** Logs in through the API and returns the token pair (fails the test on a non-200). */
export async function loginAs(app: TestApp, email: string, tenant?: string): Promise<{ access: string; refresh: string }> {
  const res = await app.call('POST', '/v1/auth/login', { body: { email, password: fixturePassword, ...(tenant ? { tenant } : {}) } });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${res.text}`);
  return { access: res.body.access_token as string, refresh: res.body.refresh_token as string };
}
