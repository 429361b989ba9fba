/**
 * `GET /v1/templates` (the industry templates, public: they hold no tenant data) and
 * `POST /v1/tenant/templates/:id/apply` (tenant admins; idempotent, see `apply-template.ts`).
 */
import { z } from 'zod';
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import type { KnowledgeService } from '../knowledge/service';
import { applyTemplate } from './apply-template';
import { findTemplate, industryTemplates } from './catalog';
import { industryTemplateSchema, TEMPLATE_IDS } from './template-types';

const applyResultSchema = z.object({
  template_id: z.enum(TEMPLATE_IDS),
  faq_added: z.number().int(),
  faq_skipped: z.number().int(),
  products: z.number().int(),
  suggested_questions: z.array(z.string()),
});

const tags = ['onboarding'] as const;

/** The template routes over the process's knowledge service. */
export function templateRoutes(service: KnowledgeService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/templates',
      summary: 'Mẫu ngành (shop, spa, nhà hàng, giáo dục) · Industry templates',
      tags,
      access: 'public',
      responses: { 200: { description: 'OK', schema: z.object({ items: z.array(industryTemplateSchema) }) } },
      handler: async () => ({ status: 200, body: { items: industryTemplates } }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/templates/:id/apply',
      summary: 'Áp dụng mẫu ngành · Apply an industry template',
      description:
        'Một giao dịch: persona, câu hỏi gợi ý, FAQ (không nhân đôi khi áp dụng lại), sản phẩm/dịch vụ mẫu · ' +
        'One transaction: persona, suggested questions, FAQ (never duplicated on a second apply), sample products or services.',
      tags,
      access: 'tenant-admin',
      params: z.object({ id: z.string().min(1).max(40).meta({ example: 'spa' }) }),
      responses: { 200: { description: 'Đã áp dụng · Applied', schema: applyResultSchema }, 404: { description: 'Không có mẫu này · Unknown template' } },
      handler: async ({ caller, params, req }) => {
        const template = findTemplate(params.id);
        const result = await applyTemplate(service, caller.tenantId, template, (tx, done) =>
          recordAudit(tx, {
            tenantId: caller.tenantId,
            caller,
            action: 'template.apply',
            targetType: 'template',
            targetId: template.id,
            details: { faq_added: done.faqAdded, products: done.products },
            ip: req.ip,
          }),
        );
        return {
          status: 200,
          body: {
            template_id: template.id,
            faq_added: result.faqAdded,
            faq_skipped: result.faqSkipped,
            products: result.products,
            suggested_questions: [...result.suggestedQuestions],
          },
        };
      },
    }),
  ];
}
