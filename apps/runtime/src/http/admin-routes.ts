/**
 * Platform-admin console: `GET /v1/admin/tenants`, `POST /v1/admin/tenants/:id/suspend|resume`.
 * The only HTTP routes that work across tenants (the tenant service uses `db.platform`), and only
 * for platform admins.
 */
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import { listTenants, setTenantStatus, type TenantSummary } from '../tenants';
import { defineRoute, type Route } from './route';

const tenantSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  plan: z.string(),
  status: z.enum(['active', 'suspended', 'deleted']),
  created_at: z.string(),
});

const listItemSchema = tenantSummarySchema.extend({ member_count: z.number() });

/** Serialises a tenant summary for the API. */
export function tenantSummaryJson(t: TenantSummary): z.infer<typeof tenantSummarySchema> {
  return { id: t.id, name: t.name, slug: t.slug, plan: t.plan, status: t.status, created_at: new Date(t.createdAt).toISOString() };
}

const listQuery = z.object({
  status: z.enum(['active', 'suspended', 'deleted']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

function statusRoute(action: 'suspend' | 'resume'): Route {
  return defineRoute({
    method: 'post',
    path: `/v1/admin/tenants/:id/${action}`,
    summary: action === 'suspend' ? 'Tạm ngưng cửa hàng · Suspend a tenant' : 'Mở lại cửa hàng · Resume a tenant',
    tags: ['admin'],
    access: 'platform-admin',
    params: z.object({ id: uuidSchema }),
    responses: { 200: { description: 'OK', schema: tenantSummarySchema } },
    handler: async ({ app, caller, params }) => {
      const tenant = await setTenantStatus(app.runtime.db, params.id, action === 'suspend' ? 'suspended' : 'active', {
        kind: 'user',
        userId: caller.userId,
      });
      return { status: 200, body: tenantSummaryJson(tenant) };
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
    responses: { 200: { description: 'OK', schema: z.object({ items: z.array(listItemSchema) }) } },
    handler: async ({ app, query }) => {
      const tenants = await listTenants(app.runtime.db, query);
      return { status: 200, body: { items: tenants.map((t) => ({ ...tenantSummaryJson(t), member_count: t.memberCount })) } };
    },
  }),
  statusRoute('suspend'),
  statusRoute('resume'),
];
