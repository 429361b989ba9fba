/**
 * `POST /v1/auth/login`, `/refresh`, `/logout` and `GET /v1/me`.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { AuthenticationError, ForbiddenError } from '@agent-chatbot/core';
import type { Tx } from '../db/types';
import { defineRoute, type Route } from '../http/route';
import type { AppContext } from '../http/context';
import { consumeLoginAttempt, resetLoginAttempts } from './login-rate-limit';
import { verifyPassword } from './passwords';
import { tenantSuspended } from './require-role';
import {
  emailSchema,
  membershipSchema,
  passwordInputSchema,
  refreshBodySchema,
  sessionResponseSchema,
  tokenPairSchema,
  userSchema,
} from './schemas';
import { revokeSessionFamily, rotateSession, startSession, type ClientInfo } from './sessions';

/** A membership as the API shows it. */
export type Membership = z.infer<typeof membershipSchema>;

/** Client details of a request, for the sessions table. */
export function clientOf(req: Request): ClientInfo {
  return { userAgent: req.get('user-agent'), ip: req.ip };
}

/** The memberships of a user (through the one-door function), oldest first. */
export async function membershipsOf(tx: Tx, userId: string): Promise<Membership[]> {
  const { rows } = await tx.query<{ tenant_id: string; role: Membership['role']; tenant_slug: string; tenant_name: string; tenant_status: string }>(
    'SELECT tenant_id, role, tenant_slug, tenant_name, tenant_status FROM app.user_memberships($1)',
    [userId],
  );
  return rows
    .filter((r) => r.tenant_status !== 'deleted')
    .map((r) => ({ id: r.tenant_id, slug: r.tenant_slug, name: r.tenant_name, role: r.role, status: r.tenant_status }));
}

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  is_platform_admin: boolean;
  disabled: boolean;
}

const invalidCredentials = () =>
  new AuthenticationError('Wrong e-mail or password', 'Email hoặc mật khẩu không đúng', { code: 'invalid_credentials' });

const loginBody = z.object({
  email: emailSchema,
  password: passwordInputSchema,
  tenant: z.string().trim().min(1).max(63).optional().meta({ description: 'Slug cửa hàng khi bạn thuộc nhiều cửa hàng · tenant slug when you belong to several' }),
});

async function login(app: AppContext, body: z.infer<typeof loginBody>, req: Request) {
  await consumeLoginAttempt(app, body.email, req.ip);
  const users = await app.runtime.db.anonymous((tx) =>
    tx.query<UserRow>(
      `SELECT id, email, name, password_hash, is_platform_admin, disabled_at IS NOT NULL AS disabled
       FROM users WHERE lower(email) = lower($1)`,
      [body.email],
    ),
  );
  const user = users.rows[0];
  const ok = await verifyPassword(user?.password_hash, body.password);
  if (!user || !ok || user.disabled) throw invalidCredentials();
  await resetLoginAttempts(app, body.email);
  return app.runtime.db.anonymous(async (tx) => {
    const tenants = await membershipsOf(tx, user.id);
    let tenant: Membership | null;
    if (body.tenant !== undefined) {
      tenant = tenants.find((t) => t.slug === body.tenant) ?? null;
      if (!tenant) {
        throw new ForbiddenError(`You are not a member of tenant "${body.tenant}"`, `Bạn không phải thành viên của cửa hàng "${body.tenant}"`);
      }
    } else {
      // Several tenants and none named: the oldest active membership; `tenants` lists the others.
      tenant = tenants.find((t) => t.status === 'active') ?? tenants[0] ?? null;
    }
    if (!tenant && !user.is_platform_admin) {
      throw new ForbiddenError('Your account belongs to no tenant', 'Tài khoản của bạn chưa thuộc cửa hàng nào');
    }
    if (tenant?.status === 'suspended' && !user.is_platform_admin) throw tenantSuspended();
    const tokens = await startSession(
      tx,
      app,
      { userId: user.id, tenantId: tenant?.id ?? null, role: tenant?.role ?? null, platformAdmin: user.is_platform_admin },
      clientOf(req),
    );
    return {
      ...tokens,
      user: { id: user.id, email: user.email, name: user.name, platform_admin: user.is_platform_admin },
      tenant,
      tenants,
    };
  });
}

/** The session routes. */
export const sessionRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/v1/auth/login',
    summary: 'Đăng nhập · Log in',
    description: 'Giới hạn số lần thử theo email và theo địa chỉ IP (429 + Retry-After) · Rate limited per e-mail and per IP.',
    tags: ['auth'],
    access: 'public',
    body: loginBody,
    responses: { 200: { description: 'Đã đăng nhập · Signed in', schema: sessionResponseSchema } },
    handler: async ({ app, body, req }) => ({ status: 200, body: await login(app, body, req) }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/refresh',
    summary: 'Làm mới token (dùng một lần) · Rotate refresh token (single use)',
    tags: ['auth'],
    access: 'public',
    body: refreshBodySchema,
    responses: { 200: { description: 'Cặp token mới · New token pair', schema: tokenPairSchema } },
    handler: async ({ app, body, req }) => ({ status: 200, body: await rotateSession(app, body.refresh_token, clientOf(req)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/logout',
    summary: 'Đăng xuất (thu hồi phiên) · Log out (revoke the session)',
    tags: ['auth'],
    access: 'public',
    body: refreshBodySchema,
    responses: { 204: { description: 'Đã đăng xuất · Signed out' } },
    handler: async ({ app, body }) => {
      await revokeSessionFamily(app, body.refresh_token);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/me',
    summary: 'Tài khoản của tôi · Who am I',
    tags: ['auth'],
    access: 'user',
    responses: {
      200: {
        description: 'OK',
        schema: z.object({ user: userSchema, tenant: membershipSchema.nullable(), tenants: z.array(membershipSchema) }),
      },
    },
    handler: async ({ app, caller }) => {
      const result = await app.runtime.db.anonymous(async (tx) => {
        const users = await tx.query<UserRow>('SELECT id, email, name, is_platform_admin FROM users WHERE id = $1', [caller.userId]);
        return { user: users.rows[0], tenants: await membershipsOf(tx, caller.userId) };
      });
      if (!result.user) throw invalidCredentials();
      const u = result.user;
      return {
        status: 200,
        body: {
          user: { id: u.id, email: u.email, name: u.name, platform_admin: u.is_platform_admin },
          tenant: result.tenants.find((t) => t.id === caller.tenantId) ?? null,
          tenants: result.tenants,
        },
      };
    },
  }),
];
