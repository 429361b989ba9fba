/**
 * The one door (ARCHITECTURE §6): the single function that decides who a request's caller is and
 * which tenant it may act for. Access tokens are verified and then re-checked against the database
 * on every request (user still enabled, session family not revoked, membership and role as they
 * are now, not as they were when the token was signed); API keys resolve through the SECURITY
 * DEFINER function `app.tenant_for_api_key` (via the API-key service), the runtime role's only way to find a tenant by key.
 *
 * On the embedded database the re-check's rows are kept per process until any of them changes
 * (ADR 0017): a change committed there is seen before its request answers, so a revoked session or
 * membership gets its 401 on the very next request, as on Postgres, where every request reads them.
 */
import type { Request } from 'express';
import { AuthenticationError } from '@agent-chatbot/core';
import { createRowsCache, type RowsCache } from '../db/rows-cache';
import type { Db } from '../db/types';
import type { AppContext } from '../http/context';
import { tenantRoles, type Caller, type TenantRole } from './caller';
import { API_KEY_PREFIX, resolveApiKey as findApiKey } from '../tenants/api-key-service';
import { invalidToken } from './tokens';

interface UserRow {
  email: string;
  is_platform_admin: boolean;
  disabled: boolean;
  session_live: boolean;
}

interface MembershipRow {
  role: string;
  tenant_status: string;
}

type IdentityRow = UserRow & { role: string | null; tenant_status: string | null };

/** Per database: the identity check's row per (user, session family, tenant) (ADR 0017). */
const identityChecks = new WeakMap<Db, RowsCache<IdentityRow | undefined>>();

function identityChecksOf(db: Db): RowsCache<IdentityRow | undefined> {
  let cache = identityChecks.get(db);
  if (!cache) {
    cache = createRowsCache(db);
    identityChecks.set(db, cache);
  }
  return cache;
}

/**
 * Resolves the caller of `req`, or null when it sent no credentials. Throws 401 for credentials
 * that are malformed, forged, expired, revoked or no longer backed by a membership.
 */
export async function resolveCaller(req: Request, app: AppContext): Promise<Caller | null> {
  const header = req.get('authorization');
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) {
    throw new AuthenticationError(
      'Authorization header must be "Bearer <token>"',
      'Header Authorization phải có dạng "Bearer <token>"',
      { code: 'invalid_authorization_header' },
    );
  }
  const token = match[1];
  return token.startsWith(API_KEY_PREFIX) ? resolveApiKey(token, app) : resolveAccessToken(token, app);
}

async function resolveApiKey(key: string, app: AppContext): Promise<Caller> {
  const row = await findApiKey(app.runtime.db, key);
  if (!row || row.tenantStatus === 'deleted') {
    throw new AuthenticationError('Invalid or revoked API key', 'API key không hợp lệ hoặc đã bị thu hồi', {
      code: 'invalid_api_key',
    });
  }
  await touchApiKey(app, row.tenantId, row.apiKeyId);
  return {
    kind: 'api_key',
    apiKeyId: row.apiKeyId,
    tenantId: row.tenantId,
    role: null,
    platformAdmin: false,
    tenantSuspended: row.tenantStatus === 'suspended',
  };
}

/**
 * Records when a key was last used (shown in the key list), at most once a minute per key so a
 * busy integration does not turn every request into a write. Best effort: never fails a request.
 */
async function touchApiKey(app: AppContext, tenantId: string, apiKeyId: string): Promise<void> {
  await app.runtime.db
    .tenant(tenantId, (tx) =>
      tx.query(
        `UPDATE api_keys SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [apiKeyId],
      ),
    )
    .catch(() => undefined);
}

async function resolveAccessToken(token: string, app: AppContext): Promise<Caller> {
  const claims = await app.tokens.verify(token);
  const { db } = app.runtime;
  // One statement: the user, the session family and the membership (none without a tenant).
  const user = await identityChecksOf(db).read(`${claims.sub}/${claims.sid}/${claims.tid ?? ''}`, async () => {
    const { rows } = await db.statement<IdentityRow>(
      { kind: 'anonymous' },
      `SELECT u.email, u.is_platform_admin, u.disabled_at IS NOT NULL AS disabled,
              EXISTS (SELECT 1 FROM sessions s
                      WHERE s.family_id = $2 AND s.user_id = u.id AND s.revoked_at IS NULL) AS session_live,
              m.role, m.tenant_status
       FROM users u
       LEFT JOIN LATERAL (SELECT role, tenant_status FROM app.user_memberships(u.id) WHERE tenant_id = $3 LIMIT 1) m ON true
       WHERE u.id = $1`,
      [claims.sub, claims.sid, claims.tid],
    );
    return rows[0];
  });
  const membership: MembershipRow | undefined = user?.role && user.tenant_status ? { role: user.role, tenant_status: user.tenant_status } : undefined;
  if (!user || user.disabled) throw invalidToken();
  if (!user.session_live) {
    throw new AuthenticationError('Session was signed out or revoked', 'Phiên đăng nhập đã đăng xuất hoặc bị thu hồi', {
      code: 'session_revoked',
    });
  }
  if (claims.tid !== null && (!membership || membership.tenant_status === 'deleted')) {
    throw new AuthenticationError('You are no longer a member of this tenant', 'Bạn không còn là thành viên của cửa hàng này', {
      code: 'membership_revoked',
    });
  }
  const role = membership && isTenantRole(membership.role) ? membership.role : null;
  return {
    kind: 'user',
    userId: claims.sub,
    email: user.email,
    platformAdmin: user.is_platform_admin,
    tenantId: claims.tid,
    role,
    sessionFamilyId: claims.sid,
    tokenId: claims.jti,
    tenantSuspended: membership?.tenant_status === 'suspended',
  };
}

function isTenantRole(value: string): value is TenantRole {
  return (tenantRoles as readonly string[]).includes(value);
}
