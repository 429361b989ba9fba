import { z } from 'zod';
import { ValidationError } from '../errors';

const tokenCount = z.number().finite().nonnegative();

/** The shape of {@link MeterV1.authorize}'s request; meters validate it before reserving. */
export const meterAuthorizeRequestSchema = z.object({
  tenantId: z.string().min(1),
  keySource: z.enum(['own', 'platform']),
  idempotencyKey: z.string().min(1),
  estimate: z.object({
    provider: z.string().min(1),
    modelId: z.string().min(1),
    inputTokens: tokenCount,
    maxOutputTokens: tokenCount,
  }),
});

/** The shape of a {@link UsageEventV1}; meters validate it before recording. */
export const usageEventSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  authorizationId: z.string().min(1).optional(),
  kind: z.enum(['llm', 'embedding']),
  provider: z.string().min(1),
  modelId: z.string().min(1),
  keySource: z.enum(['own', 'platform']),
  billable: z.boolean(),
  usage: z.union([
    z.object({ tokens: tokenCount }),
    z.object({
      inputTokens: z.object({ total: tokenCount.optional(), cacheRead: tokenCount.optional() }),
      outputTokens: z.object({ total: tokenCount.optional() }),
    }),
  ]),
  occurredAt: z.date(),
  conversationId: z.string().optional(),
  messageId: z.string().optional(),
});

/** Parses `value` or throws a 400 {@link ValidationError} listing the issues (English and Vietnamese). */
export function parseMeterInput<T>(schema: z.ZodType<T>, value: unknown, what: string, whatVi: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new ValidationError(`Invalid ${what}`, `${whatVi} không hợp lệ`, { details: { issues } });
}
