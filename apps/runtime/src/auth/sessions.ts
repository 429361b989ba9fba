/**
 * Refresh-token sessions. Each refresh token is single-use: refreshing marks it rotated and issues
 * a new one in the same family. Presenting a rotated (or revoked) token again means it was copied,
 * so the whole family is revoked and every access token of the family stops working at once
 * (`resolveCaller` checks the family on each request).
 */
import { randomUUID } from 'node:crypto';
import { AuthenticationError } from '@agent-chatbot/core';
import type { Tx } from '../db/types';
import type { AppContext } from '../http/context';
import type { TenantRole } from './caller';
import { randomToken, sha256Hex } from './tokens';

/** Prefix of refresh tokens (recognisable in leaks and scanners). */
export const refreshTokenPrefix = 'acr_';

/** What sign-up, login, refresh and invitation acceptance answer with. */
export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  /** Seconds until the access token expires. */
  expires_in: number;
}

/** Who a session is for. */
export interface SessionSubject {
  userId: string;
  tenantId: string | null;
  role: TenantRole | null;
  platformAdmin: boolean;
}

/** Client details stored with the session (shown in a future "devices" list). */
export interface ClientInfo {
  userAgent: string | undefined;
  ip: string | undefined;
}

interface SessionRow {
  id: string;
  user_id: string;
  active_tenant_id: string | null;
  family_id: string;
  expired: boolean;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

/** Inserts a session row in `tx` and returns its refresh token (plaintext, shown once). */
async function insertSession(
  tx: Tx,
  app: AppContext,
  subject: Pick<SessionSubject, 'userId' | 'tenantId'>,
  familyId: string,
  client: ClientInfo,
): Promise<string> {
  const refreshToken = randomToken(refreshTokenPrefix);
  await tx.query(
    `INSERT INTO sessions (user_id, active_tenant_id, family_id, token_hash, expires_at, user_agent, ip)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6, $7)`,
    [subject.userId, subject.tenantId, familyId, sha256Hex(refreshToken), app.options.refreshTtlSeconds,
      client.userAgent?.slice(0, 400) ?? null, client.ip ?? null],
  );
  return refreshToken;
}

async function accessTokenFor(app: AppContext, subject: SessionSubject, familyId: string, refreshToken: string): Promise<IssuedTokens> {
  const signed = await app.tokens.sign({
    sub: subject.userId,
    tid: subject.tenantId,
    role: subject.role,
    pa: subject.platformAdmin,
    sid: familyId,
  });
  return { access_token: signed.token, refresh_token: refreshToken, token_type: 'Bearer', expires_in: signed.expiresIn };
}

/**
 * Starts a new session family inside `tx` and signs its first access token. Call it in the same
 * transaction that created or verified the user, so a failure leaves no orphan session.
 */
export async function startSession(tx: Tx, app: AppContext, subject: SessionSubject, client: ClientInfo): Promise<IssuedTokens> {
  const familyId = randomUUID();
  const refreshToken = await insertSession(tx, app, subject, familyId, client);
  return accessTokenFor(app, subject, familyId, refreshToken);
}

function refreshRejected(reused: boolean): AuthenticationError {
  return reused
    ? new AuthenticationError(
        'Refresh token was already used; every session of this sign-in is revoked',
        'Refresh token đã được dùng; mọi phiên của lần đăng nhập này đã bị thu hồi, vui lòng đăng nhập lại',
        { code: 'refresh_token_reused' },
      )
    : new AuthenticationError('Invalid or expired refresh token', 'Refresh token không hợp lệ hoặc đã hết hạn', {
        code: 'invalid_refresh_token',
      });
}

type RotateOutcome = { kind: 'ok'; subject: SessionSubject; familyId: string; refreshToken: string } | { kind: 'reused' | 'invalid' };

/**
 * Exchanges a refresh token for a new pair. Reuse of a rotated token revokes its family and
 * answers 401; the revocation commits before the error is thrown.
 */
export async function rotateSession(app: AppContext, refreshToken: string, client: ClientInfo): Promise<IssuedTokens> {
  const outcome = await app.runtime.db.anonymous(async (tx): Promise<RotateOutcome> => {
    const { rows } = await tx.query<SessionRow>(
      `SELECT id, user_id, active_tenant_id, family_id, expires_at <= now() AS expired, rotated_at, revoked_at
       FROM sessions WHERE token_hash = $1`,
      [sha256Hex(refreshToken)],
    );
    const row = rows[0];
    if (!row) return { kind: 'invalid' };
    const revokeFamily = () =>
      tx.query('UPDATE sessions SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id]);
    if (row.rotated_at !== null || row.revoked_at !== null) {
      await revokeFamily();
      return { kind: 'reused' };
    }
    if (row.expired) return { kind: 'invalid' };
    // The WHERE makes rotation atomic: of two concurrent refreshes with one token, one loses and
    // is treated as reuse.
    const claimed = await tx.query(
      'UPDATE sessions SET rotated_at = now() WHERE id = $1 AND rotated_at IS NULL AND revoked_at IS NULL',
      [row.id],
    );
    if (claimed.rowCount === 0) {
      await revokeFamily();
      return { kind: 'reused' };
    }
    const subject = await currentSubject(tx, row.user_id, row.active_tenant_id);
    if (!subject) {
      await revokeFamily();
      return { kind: 'invalid' };
    }
    const next = await insertSession(tx, app, subject, row.family_id, client);
    return { kind: 'ok', subject, familyId: row.family_id, refreshToken: next };
  });
  if (outcome.kind !== 'ok') throw refreshRejected(outcome.kind === 'reused');
  return accessTokenFor(app, outcome.subject, outcome.familyId, outcome.refreshToken);
}

/** The user's standing now (enabled, platform admin, role in the session's tenant), or null. */
async function currentSubject(tx: Tx, userId: string, tenantId: string | null): Promise<SessionSubject | null> {
  const users = await tx.query<{ is_platform_admin: boolean; disabled: boolean }>(
    'SELECT is_platform_admin, disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1',
    [userId],
  );
  const user = users.rows[0];
  if (!user || user.disabled) return null;
  if (tenantId === null) return { userId, tenantId: null, role: null, platformAdmin: user.is_platform_admin };
  const memberships = await tx.query<{ role: TenantRole; tenant_status: string }>(
    'SELECT role, tenant_status FROM app.user_memberships($1) WHERE tenant_id = $2',
    [userId, tenantId],
  );
  const membership = memberships.rows[0];
  if (!membership || membership.tenant_status === 'deleted') return null;
  return { userId, tenantId, role: membership.role, platformAdmin: user.is_platform_admin };
}

/** Revokes the family of `refreshToken` (logout). Unknown tokens are ignored: logout is idempotent. */
export async function revokeSessionFamily(app: AppContext, refreshToken: string): Promise<void> {
  await app.runtime.db.anonymous((tx) =>
    tx.query(
      `UPDATE sessions SET revoked_at = now()
       WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM sessions WHERE token_hash = $1)`,
      [sha256Hex(refreshToken)],
    ),
  );
}

/** Revokes every session of a user inside `tx` (password reset, account disabled). */
export async function revokeUserSessions(tx: Tx, userId: string): Promise<void> {
  await tx.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}
