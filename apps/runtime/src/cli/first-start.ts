import { randomBytes } from 'node:crypto';
import { AgentChatbotError } from '@agent-chatbot/core';
import { hashNewPassword } from '../auth/accounts';
import type { Db } from '../db/types';
import { createTenantWithAdmin } from '../tenants/tenant-service';
import { createUser } from '../users/user-service';

/** The logins created on first start, printed once. */
export interface FirstStartLogins {
  platformAdmin: { email: string; password: string };
  demo: { tenantId: string; slug: string; email: string; password: string };
}

const PLATFORM_ADMIN_EMAIL = 'admin@agent-chatbot.local';
const DEMO_ADMIN_EMAIL = 'demo@agent-chatbot.local';

function generatedPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** The first start's two generated passwords, each with its argon2id hash (started, not awaited). */
export interface FirstStartCredentials {
  readonly platformAdmin: { readonly password: string; readonly hash: Promise<string> };
  readonly demo: { readonly password: string; readonly hash: Promise<string> };
}

/**
 * Generates the first start's two passwords and starts hashing them at once, on libuv's thread
 * pool (argon2id, ~0.1–0.25 s on two cores). `serve` calls it before opening a database it is
 * about to create, so the hashing overlaps restoring and opening it instead of following it.
 */
export function prepareFirstStartCredentials(): FirstStartCredentials {
  const prepare = (email: string) => {
    const password = generatedPassword();
    const hash = hashNewPassword(password, email);
    // Unused when the database turns out to have users already; a failure surfaces where awaited.
    hash.catch(() => undefined);
    return { password, hash };
  };
  return { platformAdmin: prepare(PLATFORM_ADMIN_EMAIL), demo: prepare(DEMO_ADMIN_EMAIL) };
}

/**
 * On a database with no users yet: creates a platform admin and a demo tenant ("Cửa hàng Demo",
 * slug `demo`) with its tenant-admin, with generated passwords (`credentials`, or new ones), and
 * returns them for printing. Returns undefined on every later start (or when another process won
 * the race).
 */
export async function bootstrapFirstStart(db: Db, credentials?: FirstStartCredentials): Promise<FirstStartLogins | undefined> {
  const users = await db.platform(async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n);
  if (users > 0) return undefined;
  // Both hashes run at once (argon2 on libuv's thread pool), so they take the time of one on a
  // machine with two cores.
  const { platformAdmin, demo } = credentials ?? prepareFirstStartCredentials();
  try {
    const [, { tenant }] = await Promise.all([
      createUser(db, { email: PLATFORM_ADMIN_EMAIL, password: platformAdmin.password, name: 'Platform admin', platformAdmin: true }, { passwordHash: platformAdmin.hash }),
      createTenantWithAdmin(
        db,
        { name: 'Cửa hàng Demo', slug: 'demo', adminEmail: DEMO_ADMIN_EMAIL, adminPassword: demo.password, adminName: 'Chủ cửa hàng Demo' },
        { kind: 'system' },
        { passwordHash: demo.hash },
      ),
    ]);
    return {
      platformAdmin: { email: PLATFORM_ADMIN_EMAIL, password: platformAdmin.password },
      demo: { tenantId: tenant.id, slug: tenant.slug, email: DEMO_ADMIN_EMAIL, password: demo.password },
    };
  } catch (error) {
    // Two processes starting at once on one Postgres: the loser finds the accounts already there.
    if (AgentChatbotError.isInstance(error) && error.status === 409) return undefined;
    throw error;
  }
}

/** The banner `serve` prints once with the first-start logins (stdout, never the logger). */
export function firstStartBanner(logins: FirstStartLogins, publicUrl: string): string {
  return [
    '',
    '──────────────────────────────────────────────────────────────',
    ' Lần chạy đầu tiên — đã tạo tài khoản (chỉ hiển thị MỘT lần)',
    ' First start — accounts created (shown ONCE; save them now)',
    '',
    ` Cửa hàng demo / Demo tenant: ${logins.demo.slug}  (${logins.demo.tenantId})`,
    `   email:    ${logins.demo.email}`,
    `   mật khẩu / password: ${logins.demo.password}`,
    '',
    ' Quản trị nền tảng / Platform admin:',
    `   email:    ${logins.platformAdmin.email}`,
    `   mật khẩu / password: ${logins.platformAdmin.password}`,
    '',
    ` Đăng nhập tại / Log in at: ${publicUrl}`,
    '──────────────────────────────────────────────────────────────',
    '',
  ].join('\n');
}
