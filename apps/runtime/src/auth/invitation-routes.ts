/**
 * Staff invitations: a tenant-admin invites an address with a role (`POST /v1/tenant/invitations`),
 * which e-mails a one-time link (the token is stored hashed); the invitee accepts with a name and
 * password (`POST /v1/auth/invitations/accept`) and is signed in as a member. The invitation is
 * found through the one-door function `app.tenant_for_invitation`.
 */
import { z } from 'zod';
import { AuthenticationError, ConflictError, NotFoundError, ValidationError } from '@agent-chatbot/core';
import { recordAudit } from '../http/audit';
import type { AppContext } from '../http/context';
import { defineRoute, type Route } from '../http/route';
import { hashNewPassword } from './accounts';
import { verifyPassword } from './passwords';
import { tenantSuspended } from './require-role';
import { emailSchema, passwordInputSchema, roleSchema, sessionResponseSchema, uuidSchema } from './schemas';
import { clientOf, membershipsOf } from './session-routes';
import { startSession } from './sessions';
import { randomToken, sha256Hex } from './tokens';

const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  expires_at: z.string(),
  accepted_at: z.string().nullable(),
  created_at: z.string(),
});

interface InvitationRow {
  id: string;
  email: string;
  role: z.infer<typeof roleSchema>;
  expires_at: Date;
  accepted_at: Date | null;
  created_at: Date;
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
const invitationJson = (r: InvitationRow) => ({
  ...r,
  expires_at: new Date(r.expires_at).toISOString(),
  accepted_at: iso(r.accepted_at),
  created_at: new Date(r.created_at).toISOString(),
});

const invalidInvitation = () =>
  new ValidationError('Invitation is invalid, used or expired', 'Lời mời không hợp lệ, đã dùng hoặc đã hết hạn', {
    details: { reason: 'invalid_invitation' },
  });

function invitationMail(app: AppContext, tenantName: string, token: string) {
  const link = `${app.runtime.config.publicUrl}/invitations/accept?token=${token}`;
  return {
    subject: `Lời mời tham gia ${tenantName} · Invitation to ${tenantName}`,
    text: [
      `Bạn được mời tham gia cửa hàng "${tenantName}" trên agent-chatbot. Mở liên kết để nhận lời mời:`,
      link,
      '',
      '---',
      `You are invited to join "${tenantName}" on agent-chatbot. Open the link to accept:`,
      link,
    ].join('\n'),
  };
}

async function acceptInvitation(app: AppContext, body: { token: string; name: string; password: string }, client: ReturnType<typeof clientOf>) {
  const tokenHash = sha256Hex(body.token);
  const { invitation, existing } = await app.runtime.db.anonymous(async (tx) => {
    const inv = (
      await tx.query<{ invitation_id: string; tenant_id: string; email: string; role: z.infer<typeof roleSchema>; expired: boolean; accepted_at: Date | null }>(
        'SELECT invitation_id, tenant_id, email, role, expires_at <= now() AS expired, accepted_at FROM app.tenant_for_invitation($1)',
        [tokenHash],
      )
    ).rows[0];
    if (!inv) return { invitation: undefined, existing: undefined };
    const user = (
      await tx.query<{ id: string; password_hash: string; is_platform_admin: boolean }>(
        'SELECT id, password_hash, is_platform_admin FROM users WHERE lower(email) = lower($1)',
        [inv.email],
      )
    ).rows[0];
    return { invitation: inv, existing: user };
  });
  if (!invitation || invitation.expired || invitation.accepted_at !== null) throw invalidInvitation();
  // An address that already has an account proves it owns it with that account's password.
  let passwordHash: string | undefined;
  if (existing) {
    if (!(await verifyPassword(existing.password_hash, body.password))) {
      throw new AuthenticationError(
        'This address already has an account; enter its password to accept',
        'Email này đã có tài khoản; hãy nhập đúng mật khẩu của tài khoản đó để nhận lời mời',
        { code: 'invalid_credentials' },
      );
    }
  } else {
    passwordHash = await hashNewPassword(body.password, invitation.email);
  }
  return app.runtime.db.tenant(invitation.tenant_id, async (tx) => {
    const claimed = await tx.query('UPDATE invitations SET accepted_at = now() WHERE id = $1 AND accepted_at IS NULL', [
      invitation.invitation_id,
    ]);
    if (claimed.rowCount === 0) throw invalidInvitation();
    const userId =
      existing?.id ??
      (
        await tx.query<{ id: string }>('INSERT INTO users (email, password_hash, name) VALUES ($1, $2, $3) RETURNING id', [
          invitation.email,
          passwordHash,
          body.name,
        ])
      ).rows[0]!.id;
    await tx.query(
      `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, user_id) DO NOTHING`,
      [invitation.tenant_id, userId, invitation.role],
    );
    await recordAudit(tx, { tenantId: invitation.tenant_id, caller: null, action: 'invitation.accept', targetType: 'user', targetId: userId });
    const tenants = await membershipsOf(tx, userId);
    const tenant = tenants.find((t) => t.id === invitation.tenant_id) ?? null;
    if (!tenant) throw invalidInvitation();
    if (tenant.status === 'suspended') throw tenantSuspended();
    const platformAdmin = existing?.is_platform_admin ?? false;
    const tokens = await startSession(tx, app, { userId, tenantId: tenant.id, role: tenant.role, platformAdmin }, client);
    const user = (await tx.query<{ email: string; name: string | null }>('SELECT email, name FROM users WHERE id = $1', [userId])).rows[0]!;
    return { ...tokens, user: { id: userId, email: user.email, name: user.name, platform_admin: platformAdmin }, tenant, tenants };
  });
}

/** Invitation routes. */
export const invitationRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/v1/tenant/invitations',
    summary: 'Mời nhân viên (gửi email) · Invite a staff member (sends an e-mail)',
    tags: ['members'],
    access: 'tenant-admin',
    body: z.object({ email: emailSchema, role: roleSchema.default('tenant-agent') }).strict(),
    responses: { 201: { description: 'Đã tạo lời mời · Created', schema: invitationSchema.extend({ email_sent: z.boolean() }) } },
    handler: async ({ app, caller, body, req, log }) => {
      const token = randomToken();
      const { row, tenantName } = await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        const member = await tx.query(
          'SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE lower(u.email) = lower($1)',
          [body.email],
        );
        if (member.rowCount) {
          throw new ConflictError('This person is already a member', 'Người này đã là thành viên của cửa hàng', { code: 'already_member' });
        }
        const inserted = await tx.query<InvitationRow>(
          `INSERT INTO invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
           VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
           RETURNING id, email, role, expires_at, accepted_at, created_at`,
          [caller.tenantId, body.email.toLowerCase(), body.role, sha256Hex(token), caller.kind === 'user' ? caller.userId : null,
            app.options.invitationTtlSeconds],
        );
        const tenant = await tx.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [caller.tenantId]);
        await recordAudit(tx, {
          tenantId: caller.tenantId, caller, action: 'invitation.create', targetType: 'invitation',
          targetId: inserted.rows[0]!.id, details: { email: body.email, role: body.role }, ip: req.ip,
        });
        return { row: inserted.rows[0]!, tenantName: tenant.rows[0]?.name ?? '' };
      });
      let emailSent = true;
      try {
        await app.mailer.send({ to: row.email, ...invitationMail(app, tenantName, token) });
      } catch (error) {
        emailSent = false;
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'invitation mail failed');
      }
      return { status: 201, body: { ...invitationJson(row), email_sent: emailSent } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tenant/invitations',
    summary: 'Danh sách lời mời · List invitations',
    tags: ['members'],
    access: 'tenant-admin',
    responses: { 200: { description: 'OK', schema: z.object({ items: z.array(invitationSchema) }) } },
    handler: async ({ app, caller }) => {
      const rows = await app.runtime.db.tenant(caller.tenantId, async (tx) =>
        (await tx.query<InvitationRow>('SELECT id, email, role, expires_at, accepted_at, created_at FROM invitations ORDER BY created_at DESC LIMIT 200')).rows,
      );
      return { status: 200, body: { items: rows.map(invitationJson) } };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/tenant/invitations/:id',
    summary: 'Huỷ lời mời · Revoke an invitation',
    tags: ['members'],
    access: 'tenant-admin',
    params: z.object({ id: uuidSchema }),
    responses: { 204: { description: 'Đã huỷ · Revoked' } },
    handler: async ({ app, caller, params, req }) => {
      await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        const deleted = await tx.query('DELETE FROM invitations WHERE id = $1 AND accepted_at IS NULL', [params.id]);
        if (deleted.rowCount === 0) throw new NotFoundError('Invitation not found', 'Không tìm thấy lời mời');
        await recordAudit(tx, { tenantId: caller.tenantId, caller, action: 'invitation.revoke', targetType: 'invitation', targetId: params.id, ip: req.ip });
      });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/invitations/accept',
    summary: 'Nhận lời mời và đăng nhập · Accept an invitation and sign in',
    tags: ['auth'],
    access: 'public',
    body: z.object({ token: z.string().min(20).max(200), name: z.string().trim().min(1).max(200), password: passwordInputSchema }),
    responses: { 201: { description: 'Đã tham gia · Joined', schema: sessionResponseSchema } },
    handler: async ({ app, body, req }) => ({ status: 201, body: await acceptInvitation(app, body, clientOf(req)) }),
  }),
];
