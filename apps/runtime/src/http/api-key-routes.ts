/**
 * Tenant API keys: `POST/GET /v1/tenant/api-keys`, `DELETE /v1/tenant/api-keys/:id`. The key is
 * returned once, at creation; afterwards only its prefix is ever shown (stored as SHA-256).
 */
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeySummary } from '../tenants';
import { recordAudit } from './audit';
import { defineRoute, type Route } from './route';

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().meta({ example: 'acb_3kF9xQ2a' }),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
const apiKeyJson = (k: ApiKeySummary) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  created_at: new Date(k.createdAt).toISOString(),
  last_used_at: iso(k.lastUsedAt),
  revoked_at: iso(k.revokedAt),
});

/** API key routes (tenant-admin; API keys cannot mint API keys). */
export const apiKeyRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/v1/tenant/api-keys',
    summary: 'Tạo API key (chỉ hiện một lần) · Create an API key (shown once)',
    tags: ['api-keys'],
    access: 'tenant-admin',
    body: z.object({ name: z.string().trim().min(1).max(100).default('default') }).strict(),
    responses: {
      201: {
        description: 'Lưu `key` ngay: sẽ không hiện lại · Save `key` now: it is never shown again',
        schema: apiKeySchema.extend({ key: z.string() }),
      },
    },
    handler: async ({ app, caller, body }) => {
      const created = await app.runtime.db.tenant(caller.tenantId, (tx) =>
        insertApiKey(tx, caller.tenantId, { name: body.name, ...(caller.kind === 'user' ? { createdBy: caller.userId } : {}) }),
      );
      return { status: 201, body: { ...apiKeyJson(created), key: created.key } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tenant/api-keys',
    summary: 'Danh sách API key (chỉ tiền tố) · List API keys (prefixes only)',
    tags: ['api-keys'],
    access: 'tenant-admin',
    responses: { 200: { description: 'OK', schema: z.object({ items: z.array(apiKeySchema) }) } },
    handler: async ({ app, caller }) => {
      const keys = await app.runtime.db.tenant(caller.tenantId, (tx) => listApiKeys(tx));
      return { status: 200, body: { items: keys.map(apiKeyJson) } };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/tenant/api-keys/:id',
    summary: 'Thu hồi API key · Revoke an API key',
    tags: ['api-keys'],
    access: 'tenant-admin',
    params: z.object({ id: uuidSchema }),
    responses: { 204: { description: 'Đã thu hồi · Revoked' } },
    handler: async ({ app, caller, params, req }) => {
      await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        await revokeApiKey(tx, params.id);
        await recordAudit(tx, { tenantId: caller.tenantId, caller, action: 'api_key.revoke', targetType: 'api_key', targetId: params.id, ip: req.ip });
      });
      return { status: 204 };
    },
  }),
];
