/**
 * Platform-admin console: `GET /v1/admin/tenants`, `POST /v1/admin/tenants/:id/suspend|resume`.
 * The only HTTP routes that work across tenants (`db.platform`), and only for platform admins.
 */
import { z } from 'zod';
import { NotFoundError } from '@agent-chatbot/core';
import { uuidSchema } from '../auth/schemas';
import { recordAudit } from './audit';
import { defineRoute, type Route } from './route';
import { tenantJson, tenantSchema } from './tenant-routes';

const adminTenantSchema = tenantSchema.extend({ member_count: z.number() });

interface AdminTenantRow {
  id: string;
  name: string;
  slug: string;
  plan: string;
  status: string;
  settings: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  member_count: string | number;
}

const listQuery = z.object({
  status: z.enum(['active', 'suspended', 'deleted']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const selectTenants = `SELECT t.id, t.name, t.slug, t.plan, t.status, t.settings, t.created_at, t.updated_at,
  (SELECT count(*) FROM memberships m WHERE m.tenant_id = t.id) AS member_count FROM tenants t`;

const adminJson = (r: AdminTenantRow) => ({ ...tenantJson(r), member_count: Number(r.member_count) });

function statusRoute(action: 'suspend' | 'resume'): Route {
  const target = action === 'suspend' ? 'suspended' : 'active';
  return defineRoute({
    method: 'post',
    path: `/v1/admin/tenants/:id/${action}`,
    summary: action === 'suspend' ? 'Tạm ngưng cửa hàng · Suspend a tenant' : 'Mở lại cửa hàng · Resume a tenant',
    tags: ['admin'],
    access: 'platform-admin',
    params: z.object({ id: uuidSchema }),
    responses: { 200: { description: 'OK', schema: adminTenantSchema } },
    handler: async ({ app, caller, params, req }) => {
      const row = await app.runtime.db.platform(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `UPDATE tenants SET status = $2, updated_at = now() WHERE id = $1 AND status <> 'deleted' RETURNING id`,
          [params.id, target],
        );
        if (!rows[0]) return undefined;
        await recordAudit(tx, {
          tenantId: params.id,
          caller,
          action: `tenant.${action}`,
          targetType: 'tenant',
          targetId: params.id,
          ip: req.ip,
        });
        return (await tx.query<AdminTenantRow>(`${selectTenants} WHERE t.id = $1`, [params.id])).rows[0];
      });
      if (!row) throw new NotFoundError('Tenant not found', 'Không tìm thấy cửa hàng');
      return { status: 200, body: adminJson(row) };
    },
  });
}

/** Platform-admin routes. */
export const adminRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/admin/tenants',
    summary: 'Tất cả cửa hàng · List all tenants',
    tags: ['admin'],
    access: 'platform-admin',
    query: listQuery,
    responses: { 200: { description: 'OK', schema: z.object({ items: z.array(adminTenantSchema) }) } },
    handler: async ({ app, query }) => {
      const rows = await app.runtime.db.platform(async (tx) =>
        (
          await tx.query<AdminTenantRow>(
            `${selectTenants} WHERE ($1::text IS NULL OR t.status = $1) ORDER BY t.created_at DESC LIMIT $2 OFFSET $3`,
            [query.status ?? null, query.limit, query.offset],
          )
        ).rows,
      );
      return { status: 200, body: { items: rows.map(adminJson) } };
    },
  }),
  statusRoute('suspend'),
  statusRoute('resume'),
];
