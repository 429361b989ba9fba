/**
 * Staff of the tenant: `GET /v1/tenant/members`, `PATCH/DELETE /v1/tenant/members/:userId`.
 * Another tenant's user id is simply not found here (RLS on memberships), so it answers 404.
 */
import { z } from 'zod';
import { ConflictError, NotFoundError } from '@agent-chatbot/core';
import type { Tx } from '../db/types';
import { roleSchema, uuidSchema } from '../auth/schemas';
import { recordAudit } from './audit';
import { defineRoute, type Route } from './route';

const memberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  joined_at: z.string(),
});

interface MemberRow {
  user_id: string;
  email: string;
  name: string | null;
  role: z.infer<typeof roleSchema>;
  joined_at: Date;
}

const memberJson = (r: MemberRow) => ({ ...r, joined_at: new Date(r.joined_at).toISOString() });

const memberSelect = `SELECT m.user_id, u.email, u.name, m.role, m.created_at AS joined_at
  FROM memberships m JOIN users u ON u.id = m.user_id`;

const memberNotFound = () => new NotFoundError('Member not found', 'Không tìm thấy thành viên');

/** Refuses a change that would leave the tenant with no tenant-admin. */
async function assertAnotherAdmin(tx: Tx, userId: string): Promise<void> {
  const { rows } = await tx.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM memberships WHERE role = 'tenant-admin' AND user_id <> $1`,
    [userId],
  );
  if (Number(rows[0]?.n ?? 0) === 0) {
    throw new ConflictError('A tenant needs at least one tenant-admin', 'Cửa hàng cần ít nhất một quản trị viên', {
      code: 'last_admin',
    });
  }
}

const params = z.object({ userId: uuidSchema });

/** Member routes. */
export const memberRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/tenant/members',
    summary: 'Danh sách nhân viên · List members',
    tags: ['members'],
    access: 'tenant-member',
    responses: { 200: { description: 'OK', schema: z.object({ items: z.array(memberSchema) }) } },
    handler: async ({ app, caller }) => {
      const rows = await app.runtime.db.tenant(caller.tenantId, async (tx) =>
        (await tx.query<MemberRow>(`${memberSelect} ORDER BY m.created_at`)).rows,
      );
      return { status: 200, body: { items: rows.map(memberJson) } };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/tenant/members/:userId',
    summary: 'Đổi quyền nhân viên · Change a member role',
    tags: ['members'],
    access: 'tenant-admin',
    params,
    body: z.object({ role: roleSchema }).strict(),
    responses: { 200: { description: 'OK', schema: memberSchema } },
    handler: async ({ app, caller, params: p, body, req }) => {
      const row = await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        const current = (await tx.query<MemberRow>(`${memberSelect} WHERE m.user_id = $1 FOR UPDATE OF m`, [p.userId])).rows[0];
        if (!current) throw memberNotFound();
        if (current.role === 'tenant-admin' && body.role !== 'tenant-admin') await assertAnotherAdmin(tx, p.userId);
        await tx.query('UPDATE memberships SET role = $2 WHERE user_id = $1', [p.userId, body.role]);
        await recordAudit(tx, {
          tenantId: caller.tenantId,
          caller,
          action: 'member.role_change',
          targetType: 'user',
          targetId: p.userId,
          details: { from: current.role, to: body.role },
          ip: req.ip,
        });
        return { ...current, role: body.role };
      });
      return { status: 200, body: memberJson(row) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/tenant/members/:userId',
    summary: 'Xoá nhân viên khỏi cửa hàng · Remove a member',
    tags: ['members'],
    access: 'tenant-admin',
    params,
    responses: { 204: { description: 'Đã xoá · Removed' } },
    handler: async ({ app, caller, params: p, req }) => {
      await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        const current = (await tx.query<MemberRow>(`${memberSelect} WHERE m.user_id = $1 FOR UPDATE OF m`, [p.userId])).rows[0];
        if (!current) throw memberNotFound();
        if (current.role === 'tenant-admin') await assertAnotherAdmin(tx, p.userId);
        await tx.query('DELETE FROM memberships WHERE user_id = $1', [p.userId]);
        // Their sessions in this tenant end now (access tokens are re-checked on every request).
        await tx.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND active_tenant_id = $2 AND revoked_at IS NULL', [
          p.userId,
          caller.tenantId,
        ]);
        await recordAudit(tx, {
          tenantId: caller.tenantId,
          caller,
          action: 'member.remove',
          targetType: 'user',
          targetId: p.userId,
          details: { role: current.role },
          ip: req.ip,
        });
      });
      return { status: 204 };
    },
  }),
];
