/**
 * The caller's own tenant: `GET/PATCH /v1/tenant` and `GET /v1/tenant/audit-log`. Every handler
 * works inside `db.tenant(caller.tenantId, …)`, so row-level security confines it to that tenant.
 */
import { z } from 'zod';
import { NotFoundError, ValidationError } from '@agent-chatbot/core';
import { recordAudit } from './audit';
import { defineRoute, type Route } from './route';

/** A tenant as its members see it. */
export const tenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  plan: z.string(),
  status: z.string(),
  settings: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});

interface TenantRow {
  id: string;
  name: string;
  slug: string;
  plan: string;
  status: string;
  settings: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const tenantColumns = 'id, name, slug, plan, status, settings, created_at, updated_at';

/** Serialises a tenant row for the API. */
export function tenantJson(row: TenantRow): z.infer<typeof tenantSchema> {
  return { ...row, created_at: new Date(row.created_at).toISOString(), updated_at: new Date(row.updated_at).toISOString() };
}

const settingsSchema = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine((s) => JSON.stringify(s).length <= 32_768, { message: 'settings must be at most 32 KB of JSON' })
  .meta({ description: 'Gộp vào cài đặt hiện có; giá trị null xoá khoá · merged into current settings; null removes a key' });

const patchBody = z
  .object({ name: z.string().trim().min(1).max(200).optional(), settings: settingsSchema.optional() })
  .strict();

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional().meta({ description: 'id trước đó (phân trang) · previous page cursor' }),
});

const auditEntrySchema = z.object({
  id: z.number(),
  actor_user_id: z.string().nullable(),
  actor_kind: z.string(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  created_at: z.string(),
});

/** Tenant routes. */
export const tenantRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/tenant',
    summary: 'Thông tin cửa hàng · Get my tenant',
    tags: ['tenant'],
    access: 'tenant-member',
    apiKey: true,
    responses: { 200: { description: 'OK', schema: tenantSchema } },
    handler: async ({ app, caller }) => {
      const rows = await app.runtime.db.tenant(caller.tenantId, async (tx) =>
        (await tx.query<TenantRow>(`SELECT ${tenantColumns} FROM tenants WHERE id = $1`, [caller.tenantId])).rows,
      );
      if (!rows[0]) throw new NotFoundError('Tenant not found', 'Không tìm thấy cửa hàng');
      return { status: 200, body: tenantJson(rows[0]) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/tenant',
    summary: 'Đổi tên, cài đặt cửa hàng · Update tenant name and settings',
    tags: ['tenant'],
    access: 'tenant-admin',
    body: patchBody,
    responses: { 200: { description: 'OK', schema: tenantSchema } },
    handler: async ({ app, caller, body, req }) => {
      if (body.name === undefined && body.settings === undefined) {
        throw new ValidationError('Nothing to update', 'Không có gì để cập nhật');
      }
      const row = await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        // jsonb || merges; jsonb_strip_nulls then drops keys the caller set to null.
        const { rows } = await tx.query<TenantRow>(
          `UPDATE tenants SET name = coalesce($2, name),
                  settings = CASE WHEN $3::jsonb IS NULL THEN settings ELSE jsonb_strip_nulls(settings || $3::jsonb) END,
                  updated_at = now(), config_version = config_version + 1
           WHERE id = $1 RETURNING ${tenantColumns}`,
          [caller.tenantId, body.name ?? null, body.settings === undefined ? null : JSON.stringify(body.settings)],
        );
        await recordAudit(tx, {
          tenantId: caller.tenantId,
          caller,
          action: 'tenant.update',
          targetType: 'tenant',
          targetId: caller.tenantId,
          details: { fields: Object.keys(body), settings_keys: Object.keys(body.settings ?? {}) },
          ip: req.ip,
        });
        return rows[0];
      });
      if (!row) throw new NotFoundError('Tenant not found', 'Không tìm thấy cửa hàng');
      return { status: 200, body: tenantJson(row) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tenant/audit-log',
    summary: 'Nhật ký thao tác · Audit log',
    tags: ['tenant'],
    access: 'tenant-admin',
    query: auditQuery,
    responses: { 200: { description: 'OK', schema: z.object({ items: z.array(auditEntrySchema), next_before: z.number().nullable() }) } },
    handler: async ({ app, caller, query }) => {
      const rows = await app.runtime.db.tenant(caller.tenantId, async (tx) =>
        (
          await tx.query<Omit<z.infer<typeof auditEntrySchema>, 'created_at' | 'id'> & { id: string | number; created_at: Date }>(
            `SELECT id, actor_user_id, actor_kind, action, target_type, target_id, details, ip, created_at
             FROM audit_log WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
            [query.before ?? null, query.limit],
          )
        ).rows,
      );
      const items = rows.map((r) => ({ ...r, id: Number(r.id), created_at: new Date(r.created_at).toISOString() }));
      return {
        status: 200,
        body: { items, next_before: items.length === query.limit ? (items[items.length - 1]?.id ?? null) : null },
      };
    },
  }),
];
