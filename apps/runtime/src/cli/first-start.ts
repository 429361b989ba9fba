import { randomBytes } from 'node:crypto';
import { AgentChatbotError } from '@agent-chatbot/core';
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

/**
 * On a database with no users yet: creates a platform admin and a demo tenant ("Cửa hàng Demo",
 * slug `demo`) with its tenant-admin, with generated passwords, and returns them for printing.
 * Returns undefined on every later start (or when another process won the race).
 */
export async function bootstrapFirstStart(db: Db): Promise<FirstStartLogins | undefined> {
  const users = await db.platform(async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n);
  if (users > 0) return undefined;
  const adminPassword = generatedPassword();
  const demoPassword = generatedPassword();
  try {
    // Both at once: each hashes its password (argon2, on libuv's thread pool) before its
    // transaction, so the two hashes take the time of one on a machine with two cores.
    const [, { tenant }] = await Promise.all([
      createUser(db, { email: PLATFORM_ADMIN_EMAIL, password: adminPassword, name: 'Platform admin', platformAdmin: true }),
      createTenantWithAdmin(
        db,
        { name: 'Cửa hàng Demo', slug: 'demo', adminEmail: DEMO_ADMIN_EMAIL, adminPassword: demoPassword, adminName: 'Chủ cửa hàng Demo' },
        { kind: 'system' },
      ),
    ]);
    return {
      platformAdmin: { email: PLATFORM_ADMIN_EMAIL, password: adminPassword },
      demo: { tenantId: tenant.id, slug: tenant.slug, email: DEMO_ADMIN_EMAIL, password: demoPassword },
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
