/**
 * The platform-admin console's read-only views that are not billing: system health (database,
 * job queues, dead letters, error rates) and the platform LLM key (provider, models, masked key;
 * set through `CHATBOT_PLATFORM_LLM_*`, never returned).
 */
import { z } from 'zod';
import type { RuntimeConfig } from '../config';
import type { Db } from '../db/types';
import { defineRoute, type Route } from '../http/route';
import { llmProviders } from '../llm/platform-llm';
import { HEALTH_LIMITS, readSystemHealth } from '../ops/system-health';
import { maskSecret } from '../secrets';

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

const platformLlmSchema = z.object({
  configured: z.boolean(),
  provider: z.enum(llmProviders).nullable(),
  base_url: z.string().nullable(),
  cheap_model: z.string().nullable(),
  premium_model: z.string().nullable(),
  api_key_hint: z.string().nullable().meta({ example: 'sk-…abcd' }),
  env: z.array(z.string()),
});

/** The runtime slice these routes read. */
export interface PlatformConsoleRuntime {
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
        'Đặt bằng biến môi trường CHATBOT_PLATFORM_LLM_*; khoá không bao giờ được trả về · Set with CHATBOT_PLATFORM_LLM_*; the key is never returned.',
      tags: TAGS,
      access: 'platform-admin',
      responses: { 200: { description: 'OK', schema: platformLlmSchema } },
      handler: async () => {
        const llm = runtime.config.platformLlm;
        return {
          status: 200,
          body: {
            configured: llm !== undefined,
            provider: llm?.provider ?? null,
            base_url: llm?.baseUrl ?? null,
            cheap_model: llm?.cheapModel ?? null,
            premium_model: llm?.premiumModel ?? null,
            api_key_hint: llm ? maskSecret(llm.apiKey) : null,
            env: ['CHATBOT_PLATFORM_LLM_PROVIDER', 'CHATBOT_PLATFORM_LLM_API_KEY', 'CHATBOT_PLATFORM_LLM_BASE_URL', 'CHATBOT_PLATFORM_CHEAP_MODEL', 'CHATBOT_PLATFORM_PREMIUM_MODEL'],
          },
        };
      },
    }),
  ];
}
