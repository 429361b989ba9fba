/**
 * The platform-admin console's views that are not billing: system health (database, job queues,
 * dead letters, error rates) and the platform LLM account: read (masked key), saved by a platform
 * admin (key validated, stored encrypted, picked up by every process without a restart) or
 * removed (back to `CHATBOT_PLATFORM_LLM_*`). The key is never returned.
 */
import { z } from 'zod';
import type { RuntimeConfig } from '../config';
import type { Db } from '../db/types';
import { defineRoute, type Route } from '../http/route';
import { llmProviders } from '../llm/platform-llm';
import {
  deletePlatformLlm,
  platformLlmInputSchema,
  platformLlmSource,
  platformLlmView,
  savePlatformLlm,
  type PlatformLlmRuntime,
} from '../llm/platform-llm-store';
import { HEALTH_LIMITS, readSystemHealth } from '../ops/system-health';

const TAGS = ['admin', 'ops'] as const;

const queueSchema = z.object({
  name: z.string(),
  queued: z.number(),
  active: z.number(),
  dead_letters: z.number(),
  completed_last_hour: z.number(),
  failed_last_hour: z.number(),
});

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checked_at: z.string(),
  database: z.object({ ok: z.boolean(), latency_ms: z.number() }),
  queues: z.array(queueSchema).nullable(),
  totals: z.object({ queued: z.number(), dead_letters: z.number(), dead_letters_last_day: z.number(), job_error_rate_last_hour: z.number().nullable() }),
  http: z.object({ requests: z.number(), server_errors: z.number(), error_rate: z.number().nullable() }),
  process: z.object({ uptime_seconds: z.number(), rss_bytes: z.number() }),
  limits: z.object({ queued: z.number(), dead_letters_last_day: z.number(), error_rate: z.number() }),
});

const platformLlmAccountSchema = z.object({
  provider: z.enum(llmProviders),
  base_url: z.string().nullable(),
  cheap_model: z.string(),
  premium_model: z.string(),
  api_key_hint: z.string().nullable().meta({ example: 'sk-…abcd' }),
});

const platformLlmSchema = z.object({
  configured: z.boolean(),
  /** `database`: saved by a platform admin; `environment`: CHATBOT_PLATFORM_LLM_*; `none`. */
  source: z.enum(['database', 'environment', 'none']),
  provider: z.enum(llmProviders).nullable(),
  base_url: z.string().nullable(),
  cheap_model: z.string().nullable(),
  premium_model: z.string().nullable(),
  api_key_hint: z.string().nullable().meta({ example: 'sk-…abcd' }),
  failover: platformLlmAccountSchema.nullable(),
  updated_at: z.string().nullable(),
  env: z.array(z.string()),
});

const ENV_NAMES = ['CHATBOT_PLATFORM_LLM_PROVIDER', 'CHATBOT_PLATFORM_LLM_API_KEY', 'CHATBOT_PLATFORM_LLM_BASE_URL', 'CHATBOT_PLATFORM_CHEAP_MODEL', 'CHATBOT_PLATFORM_PREMIUM_MODEL'];

/** The runtime slice these routes read (the platform LLM routes also use the keyring, logger and pub/sub). */
export interface PlatformConsoleRuntime extends PlatformLlmRuntime {
  readonly db: Db;
  readonly config: Partial<Pick<RuntimeConfig, 'platformLlm'>>;
}

/** The platform console routes (platform admins only). */
export function platformConsoleRoutes(runtime: PlatformConsoleRuntime): readonly Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/admin/system/health',
      summary: 'Tình trạng hệ thống · System health',
      description:
        'Cơ sở dữ liệu, hàng đợi (đang chờ, thư chết, lỗi 1 giờ), tỉ lệ lỗi HTTP của tiến trình này · ' +
        'Database, job queues (waiting, dead letters, failures in the last hour), this process HTTP error rate.',
      tags: TAGS,
      access: 'platform-admin',
      responses: { 200: { description: 'OK', schema: healthSchema } },
      handler: async () => {
        const h = await readSystemHealth(runtime.db);
        return {
          status: 200,
          body: {
            status: h.status,
            checked_at: h.checkedAt.toISOString(),
            database: { ok: h.database.ok, latency_ms: h.database.latencyMs },
            queues:
              h.queues?.map((q) => ({
                name: q.name,
                queued: q.queued,
                active: q.active,
                dead_letters: q.deadLetters,
                completed_last_hour: q.completedLastHour,
                failed_last_hour: q.failedLastHour,
              })) ?? null,
            totals: {
              queued: h.totals.queued,
              dead_letters: h.totals.deadLetters,
              dead_letters_last_day: h.totals.deadLettersLastDay,
              job_error_rate_last_hour: h.totals.jobErrorRateLastHour,
            },
            http: { requests: h.http.requests, server_errors: h.http.serverErrors, error_rate: h.http.errorRate },
            process: { uptime_seconds: h.process.uptimeSeconds, rss_bytes: h.process.rssBytes },
            limits: { queued: HEALTH_LIMITS.queued, dead_letters_last_day: HEALTH_LIMITS.deadLettersLastDay, error_rate: HEALTH_LIMITS.errorRate },
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/admin/platform-llm',
      summary: 'Khoá AI của nền tảng (chỉ mặt nạ) · The platform LLM key (masked)',
      description:
        'Cấu hình đã lưu trong cơ sở dữ liệu, nếu không có thì biến môi trường CHATBOT_PLATFORM_LLM_*; khoá không bao giờ được trả về · ' +
        'The saved setting, else CHATBOT_PLATFORM_LLM_*; the key is never returned.',
      tags: TAGS,
      access: 'platform-admin',
      responses: { 200: { description: 'OK', schema: platformLlmSchema } },
      handler: async () => {
        const snapshot = await platformLlmSource(runtime).current();
        return { status: 200, body: { ...platformLlmView(snapshot), env: ENV_NAMES } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/admin/platform-llm',
      summary: 'Lưu khoá AI của nền tảng (kiểm tra khoá) · Save the platform LLM key (validated)',
      description:
        'Nhà cung cấp (openai, anthropic, ollama; OpenAI-tương thích: openai + base_url), khoá, mô hình rẻ/cao cấp, tài khoản dự phòng tuỳ chọn. ' +
        'Khoá được kiểm tra bằng một lệnh gọi rẻ (422 nếu bị từ chối, không lưu gì), lưu mã hoá, ghi nhật ký; mọi tiến trình áp dụng không cần khởi động lại · ' +
        'Provider (openai, anthropic, ollama; OpenAI-compatible: openai + base_url), key, cheap/premium models, optional failover account. ' +
        'The key is checked with one cheap call (422 when refused, nothing stored), stored encrypted and audit-logged; every process applies it without a restart. ' +
        'An omitted api_key keeps the saved key of the same provider.',
      tags: TAGS,
      access: 'platform-admin',
      body: platformLlmInputSchema,
      responses: {
        200: { description: 'Đã lưu · Saved', schema: platformLlmSchema },
        422: { description: 'Khoá bị từ chối hoặc thiếu · The key was refused or is missing' },
      },
      handler: async ({ caller, body, req }) => {
        const view = await savePlatformLlm(runtime, body, { userId: caller.userId, ip: req.ip });
        return { status: 200, body: { ...view, env: ENV_NAMES } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/admin/platform-llm',
      summary: 'Xoá khoá AI đã lưu (dùng lại biến môi trường) · Remove the saved platform LLM key (back to the environment)',
      tags: TAGS,
      access: 'platform-admin',
      responses: { 200: { description: 'Cấu hình đang áp dụng sau khi xoá · The setting in effect afterwards', schema: platformLlmSchema } },
      handler: async ({ caller, req }) => {
        const { view } = await deletePlatformLlm(runtime, { userId: caller.userId, ip: req.ip });
        return { status: 200, body: { ...view, env: ENV_NAMES } };
      },
    }),
  ];
}
