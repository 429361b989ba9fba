/**
 * Analytics API (`/v1/tenant/analytics/…`) and tracked links (`/v1/tenant/tracked-links`). Every
 * request is one tenant transaction under row-level security.
 */
import { NotFoundError } from '@agent-chatbot/core';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route';
import { createFaqEntry } from '../knowledge/catalog';
import { faqJson, faqSchema } from '../knowledge/json';
import type { KnowledgeService } from '../knowledge/service';
import { overview, topQuestions, unansweredQuestions } from './analytics-queries';
import { rangeQuery, resolveRange } from './date-range';
import { createLink, createLinkBody, deleteLink, listLinks, trackedLinkSchema } from './tracked-links';

const messages = z.object({ customer: z.number().int(), bot: z.number().int(), agent: z.number().int() });

const daySchema = z.object({
  date: z.string(),
  conversations: z.number().int(),
  messages,
  fallback: z.number().int(),
  first_response_median_seconds: z.number().nullable(),
  tokens_in: z.number().int(),
  tokens_out: z.number().int(),
  cost_vnd: z.number().int(),
  conversions: z.number().int(),
});

const overviewSchema = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  days: z.array(daySchema),
  totals: z.object({
    conversations: z.number().int(),
    messages,
    bot_share: z.number().nullable(),
    human_share: z.number().nullable(),
    fallback: z.number().int(),
    fallback_rate: z.number().nullable(),
    first_response: z.object({ median_seconds: z.number().nullable(), p90_seconds: z.number().nullable(), samples: z.number().int() }),
    tokens_in: z.number().int(),
    tokens_out: z.number().int(),
    cost_vnd: z.number().int(),
    conversions: z.number().int(),
  }),
});

const groupSchema = z.object({
  question: z.string(),
  count: z.number().int(),
  examples: z.array(z.string()),
  last_asked_at: z.string(),
  message_id: z.string(),
  conversation_id: z.string(),
});

const listQuery = rangeQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(20) });

const notFoundMessage = () => new NotFoundError('Customer question not found', 'Không tìm thấy câu hỏi của khách');

/** The analytics and tracked-link routes. */
export function analyticsRoutes(knowledge: KnowledgeService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/tenant/analytics/overview',
      summary: 'Thống kê theo ngày · Daily analytics',
      description:
        'Cuộc trò chuyện, tin nhắn (khách/bot/nhân viên), tỉ lệ bot/người, tỉ lệ fallback, thời gian phản hồi đầu, token, chi phí, chuyển đổi · ' +
        'conversations, messages, bot-vs-human share, fallback rate, first-response time, tokens, cost and conversions per day.',
      tags: ['analytics'],
      access: 'tenant-member',
      apiKey: true,
      query: rangeQuery,
      responses: { 200: { description: 'OK', schema: overviewSchema } },
      handler: async ({ app, caller, query }) => ({
        status: 200,
        body: await app.runtime.db.tenant(caller.tenantId, async (tx) => overview(tx, await resolveRange(tx, query))),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/analytics/top-questions',
      summary: 'Câu hỏi thường gặp nhất (gom theo nghĩa) · Top questions grouped by meaning',
      tags: ['analytics'],
      access: 'tenant-member',
      apiKey: true,
      query: listQuery,
      responses: { 200: { description: 'OK', schema: z.object({ items: z.array(groupSchema), sampled: z.number().int() }) } },
      handler: async ({ app, caller, query }) => {
        const result = await app.runtime.db.tenant(caller.tenantId, async (tx) => topQuestions(tx, await resolveRange(tx, query), query.limit));
        return { status: 200, body: { items: result.groups, sampled: result.sampled } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/analytics/unanswered',
      summary: 'Câu hỏi bot chưa trả lời được · Unanswered questions',
      description: 'Trả lời bằng fallback hoặc không có nguồn; nhóm giống một câu FAQ đã có bị ẩn · fallback or no-source answers; groups matching an existing FAQ are hidden.',
      tags: ['analytics'],
      access: 'tenant-member',
      apiKey: true,
      query: listQuery,
      responses: {
        200: { description: 'OK', schema: z.object({ items: z.array(groupSchema.extend({ reason: z.enum(['fallback', 'no_sources']) })) }) },
      },
      handler: async ({ app, caller, query }) => {
        const result = await app.runtime.db.tenant(caller.tenantId, async (tx) => unansweredQuestions(tx, await resolveRange(tx, query), query.limit));
        return { status: 200, body: { items: result.groups } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/analytics/unanswered/:messageId/faq',
      summary: 'Thêm câu hỏi chưa trả lời vào FAQ · Add an unanswered question to the FAQ',
      tags: ['analytics'],
      access: 'tenant-admin',
      params: z.object({ messageId: z.uuid() }),
      body: z
        .object({
          answer: z.string().trim().min(1).max(20_000),
          question: z.string().trim().min(1).max(4000).optional().meta({ description: 'Mặc định: nguyên văn câu của khách · default: the customer\'s words' }),
        })
        .strict(),
      responses: { 201: { description: 'Đã thêm vào FAQ · Added to the FAQ', schema: faqSchema }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ app, caller, params, body }) => {
        const asked = await app.runtime.db.tenant(caller.tenantId, async (tx) =>
          (await tx.query<{ content: string }>(`SELECT content FROM messages WHERE id = $1 AND role = 'customer'`, [params.messageId])).rows[0],
        );
        if (!asked) throw notFoundMessage();
        const question = body.question ?? asked.content.trim().slice(0, 4000);
        const created = await createFaqEntry(knowledge, caller.tenantId, { question, answer: body.answer, tags: ['analytics'] });
        return { status: 201, body: faqJson(created) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/tracked-links',
      summary: 'Liên kết theo dõi chuyển đổi · Conversion tracking links',
      tags: ['analytics'],
      access: 'tenant-member',
      apiKey: true,
      responses: { 200: { description: 'OK', schema: z.object({ items: z.array(trackedLinkSchema) }) } },
      handler: async ({ app, caller }) => ({
        status: 200,
        body: { items: await app.runtime.db.tenant(caller.tenantId, (tx) => listLinks(tx, app.runtime.config.publicUrl)) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/tracked-links',
      summary: 'Tạo liên kết theo dõi · Create a tracking link',
      description: 'Gửi `url` cho khách; thêm `?c=<conversation id>` để gắn lượt bấm với cuộc trò chuyện · send `url`; append `?c=<conversation id>` to attribute the click.',
      tags: ['analytics'],
      access: 'tenant-admin',
      body: createLinkBody,
      responses: { 201: { description: 'Đã tạo · Created', schema: trackedLinkSchema } },
      handler: async ({ app, caller, body }) => {
        const createdBy = caller.kind === 'user' ? caller.userId : null;
        const link = await app.runtime.db.tenant(caller.tenantId, (tx) => createLink(tx, caller.tenantId, body, createdBy, app.runtime.config.publicUrl));
        return { status: 201, body: link };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/tenant/tracked-links/:id',
      summary: 'Xoá liên kết theo dõi · Delete a tracking link',
      tags: ['analytics'],
      access: 'tenant-admin',
      params: z.object({ id: z.uuid() }),
      responses: { 204: { description: 'Đã xoá · Deleted' }, 404: { description: 'Không tìm thấy · Not found' } },
      handler: async ({ app, caller, params }) => {
        await app.runtime.db.tenant(caller.tenantId, (tx) => deleteLink(tx, params.id));
        return { status: 204 };
      },
    }),
  ];
}
