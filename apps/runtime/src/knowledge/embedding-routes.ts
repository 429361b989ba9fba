/**
 * `GET/PUT /v1/tenant/knowledge/embedding`: the tenant's embedding model for hybrid search
 * (provider, model, base URL, dimensions, key mode, write-only key). Saving a setting that changes
 * the model the tenant's knowledge is embedded with queues a re-index of everything it knows.
 */
import { AgentChatbotError, UnprocessableError } from '@agent-chatbot/core';
import { z } from 'zod';
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import type { Tx } from '../db/types';
import type { JobQueue } from '../jobs/index';
import { keyModes } from '../llm/llm-settings';
import { REINDEX_JOB } from './documents';
import {
  EMBEDDING_KEY_SECRET,
  effectiveIdentity,
  embeddingProviders,
  loadTenantEmbedding,
  meteredEmbeddingModel,
  resolveEmbedding,
  tenantEmbeddingSettingsSchema,
  type TenantEmbeddingSettings,
} from './embedding-settings';
import type { KnowledgeService } from './service';

/** Cloud metadata endpoints a tenant must never make the server call (keys would be sent there). */
const METADATA_HOSTS = /^(169\.254\.\d{1,3}\.\d{1,3}|\[?fd00:ec2::254\]?|metadata\.google\.internal|metadata)$/i;

const baseUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .refine((value) => URL.canParse(value) && !METADATA_HOSTS.test(new URL(value).hostname), {
    message: 'this address is not allowed (địa chỉ này không được phép)',
  });

/** What a caller may change; omitted fields keep their value, `null` clears an optional one. */
export const embeddingSettingsInputSchema = z
  .object({
    enabled: z.boolean().optional(),
    provider: z.enum(embeddingProviders).nullable().optional(),
    model: z.string().trim().min(1).max(200).nullable().optional(),
    base_url: baseUrl.nullable().optional(),
    dimensions: z.number().int().min(8).max(8192).nullable().optional(),
    key_mode: z.enum(keyModes).optional(),
    /** Write-only; `null` removes the stored key. */
    api_key: z.string().trim().min(1).max(8192).nullable().optional(),
  })
  .strict();

const effectiveSchema = z
  .object({
    provider: z.enum(embeddingProviders),
    model: z.string(),
    base_url: z.string(),
    dimensions: z.number().int().nullable(),
    key_source: z.enum(['own', 'platform']),
  })
  .nullable();

const viewSchema = z.object({
  enabled: z.boolean(),
  provider: z.enum(embeddingProviders).nullable(),
  model: z.string().nullable(),
  base_url: z.string().nullable(),
  dimensions: z.number().int().nullable(),
  key_mode: z.enum(keyModes),
  api_key_set: z.boolean(),
  api_key_hint: z.string().nullable().meta({ example: 'sk-…abcd' }),
  /** The model in use now (null: keyword search only). */
  effective: effectiveSchema,
  /** `provider:model:dimensions` the knowledge was last (re-)indexed with. */
  indexed_with: z.string().nullable(),
  /** True when the model in use differs from the one the knowledge was indexed with. */
  reindex_required: z.boolean(),
  /** Set by PUT: a re-index was queued because the model changed (`required`: no queue here, run `tenant reindex`). */
  reindex: z.enum(['queued', 'not_needed', 'required']).optional(),
});

/** The settings as the API shows them. */
export type EmbeddingSettingsView = z.infer<typeof viewSchema>;

/** What GET shows: settings, key mask, the model in use and whether a re-index is due. */
export async function loadEmbeddingView(service: KnowledgeService, tenantId: string): Promise<EmbeddingSettingsView> {
  const secrets = service.secrets;
  return service.db.tenant(tenantId, async (tx) => {
    const loaded = await loadTenantEmbedding(tx, secrets, tenantId);
    const key = secrets ? await secrets.describe(tx, EMBEDDING_KEY_SECRET) : undefined;
    const effective = resolveEmbedding(loaded.settings, loaded.ownKey, service.platformEmbedding, loaded.llmKey);
    const identity = effectiveIdentity(effective);
    return {
      enabled: loaded.settings.enabled,
      provider: loaded.settings.provider ?? null,
      model: loaded.settings.model ?? null,
      base_url: loaded.settings.base_url ?? null,
      dimensions: loaded.settings.dimensions ?? null,
      key_mode: loaded.settings.key_mode,
      api_key_set: key !== undefined,
      api_key_hint: key?.hint ?? null,
      effective: effective
        ? { provider: effective.provider, model: effective.model, base_url: effective.baseUrl, dimensions: effective.dimensions ?? null, key_source: effective.keySource }
        : null,
      indexed_with: loaded.indexed,
      reindex_required: identity !== null && loaded.indexed !== null && identity !== loaded.indexed,
    };
  });
}

function merge(current: TenantEmbeddingSettings, input: z.output<typeof embeddingSettingsInputSchema>): TenantEmbeddingSettings {
  const pick = <K extends 'provider' | 'model' | 'base_url' | 'dimensions'>(key: K) => {
    const given = input[key];
    const value = given === undefined ? current[key] : (given ?? undefined);
    return value === undefined ? {} : { [key]: value };
  };
  return tenantEmbeddingSettingsSchema.parse({
    enabled: input.enabled ?? current.enabled,
    key_mode: input.key_mode ?? current.key_mode,
    ...pick('provider'),
    ...pick('model'),
    ...pick('base_url'),
    ...pick('dimensions'),
  });
}

/** Input of {@link saveEmbeddingSettings}. */
export type EmbeddingSettingsInput = z.output<typeof embeddingSettingsInputSchema>;

/**
 * Saves a tenant's embedding settings (the API's PUT and `kb embedding`): a new key or server is
 * checked with one embedding call first (422 `embedding_settings_rejected`, nothing stored); the
 * settings and the encrypted key are written in one transaction that bumps `config_version` and,
 * when the model the knowledge is embedded with changes, queues `knowledge.reindex` (with `jobs`;
 * without one the answer says `reindex: 'required'`).
 */
export async function saveEmbeddingSettings(
  service: KnowledgeService,
  tenantId: string,
  body: EmbeddingSettingsInput,
  options: { jobs?: JobQueue; audit?: (tx: Tx, details: Record<string, unknown>) => Promise<void> } = {},
): Promise<EmbeddingSettingsView> {
  const secrets = service.secrets;
  const before = await service.db.tenant(tenantId, (tx) => loadTenantEmbedding(tx, secrets, tenantId));
  const next = merge(before.settings, body);
  const ownKey = body.api_key === null ? undefined : (body.api_key ?? before.ownKey);
  const candidate = resolveEmbedding(next, ownKey, service.platformEmbedding, before.llmKey);
  // A new key or a new server is checked with one call before anything is stored.
  const serverChanged = next.provider !== before.settings.provider || next.base_url !== before.settings.base_url || next.model !== before.settings.model;
  if (candidate && candidate.keySource === 'own' && (typeof body.api_key === 'string' || serverChanged)) {
    const probe = meteredEmbeddingModel(tenantId, candidate, async () => undefined, { timeoutMs: 15_000 });
    try {
      await probe.doEmbed({ values: ['kiểm tra'] });
    } catch (error) {
      const reason = AgentChatbotError.isInstance(error) ? error : undefined;
      throw new UnprocessableError(
        `The embedding provider did not accept these settings: ${reason?.message ?? 'request failed'}`,
        `Dịch vụ embedding không chấp nhận cấu hình này: ${reason?.messageVi ?? 'không gọi được'}`,
        { code: 'embedding_settings_rejected' },
      );
    }
  }
  const oldIdentity = effectiveIdentity(resolveEmbedding(before.settings, before.ownKey, service.platformEmbedding, before.llmKey));
  const newIdentity = effectiveIdentity(candidate);
  const reindex = newIdentity !== null && newIdentity !== (before.indexed ?? oldIdentity);
  await service.db.tenant(tenantId, async (tx) => {
    await tx.query(
      `UPDATE tenants SET settings = jsonb_set(settings, '{embedding}', $2::jsonb), config_version = config_version + 1, updated_at = now() WHERE id = $1`,
      [tenantId, JSON.stringify(next)],
    );
    let keyChange: 'set' | 'removed' | 'kept' = 'kept';
    if (typeof body.api_key === 'string' && secrets) {
      await secrets.put(tx, tenantId, EMBEDDING_KEY_SECRET, body.api_key);
      keyChange = 'set';
    } else if (body.api_key === null && secrets && (await secrets.describe(tx, EMBEDDING_KEY_SECRET))) {
      await secrets.remove(tx, EMBEDDING_KEY_SECRET);
      keyChange = 'removed';
    }
    // Vectors of two models cannot be compared: everything is embedded again.
    if (reindex && options.jobs) await options.jobs.enqueue(tx, REINDEX_JOB, { tenantId }, { singletonKey: `reindex:${tenantId}` });
    await options.audit?.(tx, {
      enabled: next.enabled,
      provider: next.provider ?? null,
      model: next.model ?? null,
      key_mode: next.key_mode,
      key: keyChange,
      reindex,
      identity: newIdentity,
    });
  });
  service.forgetEmbedding(tenantId);
  return { ...(await loadEmbeddingView(service, tenantId)), reindex: !reindex ? 'not_needed' : options.jobs ? 'queued' : 'required' };
}

/** The embedding settings routes. */
export function embeddingRoutes(service: KnowledgeService, jobs: JobQueue | undefined): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/tenant/knowledge/embedding',
      summary: 'Mô hình embedding của kho tri thức · Get the knowledge embedding model',
      tags: ['knowledge'],
      access: 'tenant-admin',
      responses: { 200: { description: 'OK (khoá chỉ hiện mặt nạ · key masked)', schema: viewSchema } },
      handler: async ({ caller }) => ({ status: 200, body: await loadEmbeddingView(service, caller.tenantId) }),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/tenant/knowledge/embedding',
      summary: 'Lưu mô hình embedding (đổi mô hình sẽ lập chỉ mục lại) · Save the embedding model (a change re-indexes)',
      description:
        'Khoá API chỉ ghi, được kiểm tra bằng một lần gọi embedding và lưu mã hoá; đổi mô hình xếp hàng lập chỉ mục lại toàn bộ · ' +
        'The key is write-only, checked with one embedding call and stored encrypted; a model change queues a full re-index. ' +
        'key_mode: own | own_then_platform | platform.',
      tags: ['knowledge'],
      access: 'tenant-admin',
      body: embeddingSettingsInputSchema,
      responses: {
        200: { description: 'Đã lưu · Saved', schema: viewSchema },
        422: { description: 'Nhà cung cấp từ chối khoá hoặc không trả lời · The provider rejected the key or did not answer' },
      },
      handler: async ({ caller, body, req }) => {
        const view = await saveEmbeddingSettings(service, caller.tenantId, body, {
          ...(jobs ? { jobs } : {}),
          audit: (tx, details) =>
            recordAudit(tx, { tenantId: caller.tenantId, caller, action: 'knowledge.embedding.update', targetType: 'tenant', targetId: caller.tenantId, details, ip: req.ip }),
        });
        return { status: 200, body: view };
      },
    }),
  ];
}
