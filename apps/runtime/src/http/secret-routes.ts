/**
 * Generic tenant secrets (tokens a shop keeps for its integrations), write-only:
 * `PUT /v1/tenant/secrets/:name` stores the value encrypted (AES-256-GCM), and every response —
 * including the PUT's own — carries only the mask (`sk-…abcd`). The value never reaches a
 * response, the audit log or a log. The bot's LLM and embedding keys are NOT set here: they have
 * their own routes that check the key with the provider first (`PUT /v1/tenant/llm`,
 * `PUT /v1/tenant/knowledge/embedding`), so their names are refused (400) by PUT and DELETE.
 */
import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { EMBEDDING_KEY_SECRET } from '../knowledge/embedding-settings';
import { LLM_KEY_SECRET } from '../llm/llm-settings';
import type { TenantSecretInfo } from '../secrets/tenant-secret-store';
import { recordAudit } from './audit';
import { defineRoute, type Route } from './route';

const secretInfoSchema = z.object({
  name: z.string(),
  mask: z.string().meta({ example: 'sk-…abcd' }),
  updated_at: z.string(),
});

const secretJson = (s: TenantSecretInfo) => ({ name: s.name, mask: s.hint, updated_at: new Date(s.updatedAt).toISOString() });

const nameParams = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lower-case letters, digits, "_", ".", "-" (max 64)')
    .meta({ example: 'openai_api_key' }),
});

/** Secrets managed by a dedicated, validating route: the generic routes must not write them. */
const managedSecrets: Readonly<Record<string, string>> = {
  [LLM_KEY_SECRET]: 'PUT /v1/tenant/llm',
  [EMBEDDING_KEY_SECRET]: 'PUT /v1/tenant/knowledge/embedding',
};

function refuseManaged(name: string): void {
  const route = managedSecrets[name];
  if (route === undefined) return;
  throw new ValidationError(
    `The secret "${name}" is managed by ${route} (the key is checked with the provider there)`,
    `Bí mật "${name}" được quản lý qua ${route} (khoá được kiểm tra với nhà cung cấp ở đó)`,
    { details: { name, route } },
  );
}

/** Secret routes. */
export const secretRoutes: readonly Route[] = [
  defineRoute({
    method: 'put',
    path: '/v1/tenant/secrets/:name',
    summary: 'Lưu bí mật (chỉ ghi) · Store a secret (write-only)',
    tags: ['secrets'],
    access: 'tenant-admin',
    params: nameParams,
    body: z.object({ value: z.string().min(1).max(8192) }).strict(),
    responses: { 200: { description: 'Đã lưu; chỉ trả về mặt nạ · Stored; only the mask is returned', schema: secretInfoSchema } },
    handler: async ({ app, caller, params, body, req }) => {
      refuseManaged(params.name);
      const info = await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        const stored = await app.runtime.secrets.put(tx, caller.tenantId, params.name, body.value);
        await recordAudit(tx, {
          tenantId: caller.tenantId,
          caller,
          action: 'secret.put',
          targetType: 'secret',
          targetId: params.name,
          details: { mask: stored.hint },
          ip: req.ip,
        });
        return stored;
      });
      return { status: 200, body: secretJson(info) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/tenant/secrets/:name',
    summary: 'Xoá bí mật · Delete a secret',
    tags: ['secrets'],
    access: 'tenant-admin',
    params: nameParams,
    responses: { 204: { description: 'Đã xoá · Deleted' } },
    handler: async ({ app, caller, params, req }) => {
      refuseManaged(params.name);
      await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        await app.runtime.secrets.remove(tx, params.name);
        await recordAudit(tx, {
          tenantId: caller.tenantId,
          caller,
          action: 'secret.delete',
          targetType: 'secret',
          targetId: params.name,
          ip: req.ip,
        });
      });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tenant/secrets',
    summary: 'Danh sách bí mật (chỉ mặt nạ) · List secrets (masks only)',
    tags: ['secrets'],
    access: 'tenant-admin',
    responses: { 200: { description: 'OK', schema: z.object({ items: z.array(secretInfoSchema) }) } },
    handler: async ({ app, caller }) => {
      const items = await app.runtime.db.tenant(caller.tenantId, (tx) => app.runtime.secrets.list(tx));
      return { status: 200, body: { items: items.map(secretJson) } };
    },
  }),
];
