/**
 * `GET/PUT /v1/tenant/llm`: the tenant's LLM provider, models and key mode. The key is write-only:
 * validated with the provider on save (422 when rejected, nothing stored), stored encrypted, and
 * only ever shown masked.
 */
import { z } from 'zod';
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import { keyModes, loadLlmSettingsView } from './llm-settings';
import { llmSettingsInputSchema, saveLlmSettings } from './llm-service';
import { llmProviders } from './platform-llm';

const viewSchema = z.object({
  provider: z.enum(llmProviders),
  base_url: z.string().optional(),
  cheap_model: z.string().optional(),
  premium_model: z.string().optional(),
  key_mode: z.enum(keyModes),
  api_key_set: z.boolean(),
  api_key_hint: z.string().nullable().meta({ example: 'sk-…abcd' }),
});

/** The LLM settings routes. */
export const llmRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/tenant/llm',
    summary: 'Cấu hình mô hình AI · Get LLM settings',
    tags: ['llm'],
    access: 'tenant-admin',
    responses: { 200: { description: 'OK (khoá chỉ hiện mặt nạ · key masked)', schema: viewSchema } },
    handler: async ({ app, caller }) => ({
      status: 200,
      body: await app.runtime.db.tenant(caller.tenantId, (tx) => loadLlmSettingsView(tx, app.runtime.secrets, caller.tenantId)),
    }),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/tenant/llm',
    summary: 'Lưu cấu hình mô hình AI (kiểm tra khoá) · Save LLM settings (key validated)',
    description:
      'Khoá API chỉ ghi, được kiểm tra với nhà cung cấp và lưu mã hoá · The API key is write-only, checked with the provider and stored encrypted. ' +
      'key_mode: own | own_then_platform | platform.',
    tags: ['llm'],
    access: 'tenant-admin',
    body: llmSettingsInputSchema,
    responses: {
      200: { description: 'Đã lưu · Saved', schema: viewSchema },
      422: { description: 'Khoá bị từ chối · The provider rejected the key' },
    },
    handler: async ({ app, caller, body, req }) => {
      const view = await saveLlmSettings(app.runtime, caller.tenantId, body, (tx, details) =>
        recordAudit(tx, { tenantId: caller.tenantId, caller, action: 'llm.update', targetType: 'tenant', targetId: caller.tenantId, details, ip: req.ip }),
      );
      return { status: 200, body: view };
    },
  }),
];
