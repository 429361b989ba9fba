/**
 * Role checks. `checkAccess` is what every mounted route runs after `resolveCaller`;
 * `requireRole` is the same rule as plain Express middleware for hand-written routes.
 */
import type { RequestHandler } from 'express';
import { AuthenticationError, ForbiddenError } from '@agent-chatbot/core';
import type { Access } from '../http/route';
import type { Caller, TenantRole } from './caller';

/** Every role a caller can hold. */
export type Role = TenantRole | 'platform-admin';

/** 401 when a route needs a caller and there is none. */
export function authenticationRequired(): AuthenticationError {
  return new AuthenticationError('Authentication required', 'Vui lòng đăng nhập để tiếp tục', { code: 'unauthenticated' });
}

/** 403 for a suspended tenant. */
export function tenantSuspended(): ForbiddenError {
  return new ForbiddenError(
    'This tenant is suspended; contact the platform operator',
    'Cửa hàng này đang bị tạm ngưng; vui lòng liên hệ nhà cung cấp dịch vụ',
    { details: { reason: 'tenant_suspended' } },
  );
}

/**
 * Throws 401/403 unless `caller` may use a route with `access` (see {@link Access}).
 * `allowApiKey` lets tenant API keys through on tenant routes.
 */
export function checkAccess(caller: Caller | null, access: Access, allowApiKey: boolean): void {
  if (access === 'public') return;
  if (!caller) throw authenticationRequired();
  if (access === 'user' || access === 'platform-admin') {
    if (caller.kind !== 'user') {
      throw new ForbiddenError('API keys cannot call this endpoint', 'API key không được gọi chức năng này');
    }
    if (access === 'platform-admin' && !caller.platformAdmin) throw roleForbidden(['platform-admin']);
    return;
  }
  if (caller.kind === 'api_key') {
    if (!allowApiKey) throw new ForbiddenError('API keys cannot call this endpoint', 'API key không được gọi chức năng này');
  } else if (caller.tenantId === null || caller.role === null) {
    throw new ForbiddenError('Sign in to a tenant first', 'Vui lòng đăng nhập vào một cửa hàng trước');
  } else if (access === 'tenant-admin' && caller.role !== 'tenant-admin') {
    throw roleForbidden(['tenant-admin']);
  }
  if (caller.tenantSuspended) throw tenantSuspended();
}

function roleForbidden(roles: readonly Role[]): ForbiddenError {
  return new ForbiddenError(
    `This action needs the role ${roles.join(' or ')}`,
    `Thao tác này cần quyền ${roles.join(' hoặc ')}`,
    { details: { required_roles: roles } },
  );
}

/**
 * Express middleware: lets the request through when `res.locals.caller` holds one of `roles`
 * (a platform admin passes `platform-admin`; tenant roles are checked on the acting tenant).
 *
 * @example router.post('/v1/tenant/things', authenticate(app), requireRole('tenant-admin'), handler)
 */
export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const caller = res.locals['caller'] as Caller | null | undefined;
    if (!caller) throw authenticationRequired();
    const ok = roles.some((role) =>
      role === 'platform-admin'
        ? caller.platformAdmin
        : caller.kind === 'user' && caller.tenantId !== null && caller.role === role && !caller.tenantSuspended,
    );
    if (!ok) {
      if (caller.kind === 'user' && caller.tenantSuspended && roles.some((r) => r !== 'platform-admin')) throw tenantSuspended();
      throw roleForbidden(roles);
    }
    next();
  };
}
