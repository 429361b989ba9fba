/**
 * Billing routes for the dashboard's Billing page and the platform-admin console: the public plan
 * list (landing page pricing), the tenant's own monthly hard cap, and for platform admins the
 * money overview (usage, cost, revenue, margin per tenant), a tenant's plan/cap, and saving the
 * plans and prices.
 */
import { writeFileSync, renameSync } from 'node:fs';
import { ConflictError, NotFoundError } from '@agent-chatbot/core';
import { cycleIdOf, parseBillingConfig, platformPriceTable, type BillingConfig, type Plan } from '@agent-chatbot/billing';
import { getBillingStatus, updateBillingAccount } from '@agent-chatbot/billing/pg';
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import { moneyOverview } from './billing-overview';
import { billingOf, forgetBillingCache, replaceBillingConfig, type BillingRuntime } from './billing-service';
import { statusJson } from './billing-json';

const anyJson = z.record(z.string(), z.unknown());
const capSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable();

const publicPlanSchema = z.object({
  id: z.string(),
  kind: z.enum(['free', 'subscription']),
  name: z.string(),
  name_vi: z.string(),
  monthly_fee_vnd: z.number(),
  included_chats: z.number(),
  overage_per_chat_vnd: z.number().nullable(),
});

const publicPlan = (plan: Plan): z.infer<typeof publicPlanSchema> => ({
  id: plan.id,
  kind: plan.kind,
  name: plan.name,
  name_vi: plan.nameVi,
  monthly_fee_vnd: plan.kind === 'subscription' ? plan.monthlyFeeVnd : 0,
  included_chats: plan.includedChats,
  overage_per_chat_vnd: plan.kind === 'subscription' ? plan.overagePerChatVnd : null,
});

const lineSchema = z.object({
  tenant_id: z.string(),
  name: z.string(),
  slug: z.string(),
  status: z.string(),
  plan_id: z.string(),
  plan_known: z.boolean(),
  monthly_cap_vnd: z.number().nullable(),
  faq_only: z.boolean(),
  balance_vnd: z.number(),
  chats: z.number(),
  messages: z.number(),
  tokens_in: z.number(),
  tokens_out: z.number(),
  platform_tokens: z.number(),
  cost_vnd: z.number(),
  revenue_vnd: z.number(),
  subscription_vnd: z.number(),
  overage_vnd: z.number(),
  usage_vnd: z.number(),
  margin_vnd: z.number(),
});

const overviewSchema = z.object({
  cycle: z.string(),
  items: z.array(lineSchema),
  totals: z.object({ cost_vnd: z.number(), revenue_vnd: z.number(), margin_vnd: z.number(), chats: z.number(), messages: z.number() }),
});

/** Writes the config file atomically (temp file + rename). */
function writeConfigFile(path: string, config: BillingConfig): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, 'utf8');
  renameSync(temp, path);
}

/** The billing console routes of one runtime. */
export function billingConsoleRoutes(runtime: BillingRuntime): readonly Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/plans',
      summary: 'Bảng giá công khai · Public plans and prices',
      description: 'Gói cước và giá tín dụng cho trang giới thiệu · Plans and credit prices for the landing page.',
      tags: ['billing', 'public'],
      access: 'public',
      responses: {
        200: {
          description: 'OK',
          schema: z.object({
            plans: z.array(publicPlanSchema),
            credit_prices: z.array(z.object({ model: z.string(), input_vnd_per_million_tokens: z.number(), output_vnd_per_million_tokens: z.number() })),
          }),
        },
      },
      handler: async () => {
        const { config } = billingOf(runtime);
        const prices = platformPriceTable(config);
        return {
          status: 200,
          body: {
            plans: config.plans.map(publicPlan),
            credit_prices: Object.entries(prices).map(([model, price]) => ({
              model,
              input_vnd_per_million_tokens: price.inputVndPerMillionTokens,
              output_vnd_per_million_tokens: price.outputVndPerMillionTokens,
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/tenant/billing/budget',
      summary: 'Đặt hạn mức chi tiêu tháng · Set the monthly hard cap',
      description:
        'Giới hạn chi tiêu khoá AI nền tảng mỗi tháng; null = mức mặc định của nền tảng · Monthly cap on platform-key spend; null = the platform default.',
      tags: ['billing'],
      access: 'tenant-admin',
      body: z.object({ monthly_cap_vnd: capSchema }).strict(),
      responses: { 200: { description: 'OK', schema: anyJson } },
      handler: async ({ caller, body, req }) => {
        const state = billingOf(runtime);
        await updateBillingAccount(runtime.db, { tenantId: caller.tenantId, config: state.config, monthlyCapVnd: body.monthly_cap_vnd });
        await runtime.db.tenant(caller.tenantId, (tx) =>
          recordAudit(tx, {
            tenantId: caller.tenantId,
            caller,
            action: 'billing.budget.update',
            targetType: 'tenant',
            targetId: caller.tenantId,
            details: { monthly_cap_vnd: body.monthly_cap_vnd },
            ip: req.ip,
          }),
        );
        forgetBillingCache(runtime, caller.tenantId);
        const status = await getBillingStatus(runtime.db, { tenantId: caller.tenantId, config: state.config });
        return { status: 200, body: statusJson(status) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/admin/billing/overview',
      summary: 'Doanh thu, chi phí và lãi theo cửa hàng · Revenue, cost and margin per tenant',
      tags: ['billing', 'admin'],
      access: 'platform-admin',
      query: z.object({
        cycle: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      responses: { 200: { description: 'OK', schema: overviewSchema } },
      handler: async ({ query }) => {
        const overview = await moneyOverview(runtime.db, {
          config: billingOf(runtime).config,
          cycleId: query.cycle ?? cycleIdOf(new Date()),
          limit: query.limit,
          offset: query.offset,
        });
        return {
          status: 200,
          body: {
            cycle: overview.cycle,
            items: overview.tenants.map((l) => ({
              tenant_id: l.tenantId,
              name: l.name,
              slug: l.slug,
              status: l.status,
              plan_id: l.planId,
              plan_known: l.planKnown,
              monthly_cap_vnd: l.monthlyCapVnd,
              faq_only: l.faqOnly,
              balance_vnd: l.balanceVnd,
              chats: l.chats,
              messages: l.messages,
              tokens_in: l.tokensIn,
              tokens_out: l.tokensOut,
              platform_tokens: l.platformTokens,
              cost_vnd: l.costVnd,
              revenue_vnd: l.revenueVnd,
              subscription_vnd: l.subscriptionVnd,
              overage_vnd: l.overageVnd,
              usage_vnd: l.usageVnd,
              margin_vnd: l.marginVnd,
            })),
            totals: {
              cost_vnd: overview.totals.costVnd,
              revenue_vnd: overview.totals.revenueVnd,
              margin_vnd: overview.totals.marginVnd,
              chats: overview.totals.chats,
              messages: overview.totals.messages,
            },
          },
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/admin/billing/tenants/:tenantId/account',
      summary: 'Đổi gói hoặc hạn mức của cửa hàng · Set a tenant plan or cap',
      tags: ['billing', 'admin'],
      access: 'platform-admin',
      params: z.object({ tenantId: uuidSchema }),
      body: z.object({ plan_id: z.string().min(1).max(63).optional(), monthly_cap_vnd: capSchema.optional() }).strict(),
      responses: { 200: { description: 'OK', schema: anyJson } },
      handler: async ({ caller, params, body, req }) => {
        const state = billingOf(runtime);
        const exists = await runtime.db.platform((tx) => tx.query('SELECT 1 FROM tenants WHERE id = $1', [params.tenantId]));
        if (exists.rowCount === 0) throw new NotFoundError('Tenant not found', 'Không tìm thấy cửa hàng');
        await updateBillingAccount(runtime.db, {
          tenantId: params.tenantId,
          config: state.config,
          ...(body.plan_id === undefined ? {} : { planId: body.plan_id }),
          ...(body.monthly_cap_vnd === undefined ? {} : { monthlyCapVnd: body.monthly_cap_vnd }),
        });
        await runtime.db.tenant(params.tenantId, (tx) =>
          recordAudit(tx, { tenantId: params.tenantId, caller, action: 'billing.account.update', targetType: 'tenant', targetId: params.tenantId, details: body, ip: req.ip }),
        );
        forgetBillingCache(runtime, params.tenantId);
        const status = await getBillingStatus(runtime.db, { tenantId: params.tenantId, config: state.config });
        return { status: 200, body: statusJson(status) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/admin/billing/config',
      summary: 'Lưu gói và giá · Save plans and prices',
      description:
        'Ghi vào tệp CHATBOT_BILLING_CONFIG và áp dụng ngay cho tiến trình này; tiến trình khác (worker) đọc lại tệp trong vòng 30 giây · ' +
        'Written to the CHATBOT_BILLING_CONFIG file and applied at once in this process; other processes (workers) reload the file within 30 s.',
      tags: ['billing', 'admin'],
      access: 'platform-admin',
      body: z.object({ config: z.record(z.string(), z.unknown()) }).strict(),
      responses: { 200: { description: 'OK', schema: anyJson }, 409: { description: 'Chưa đặt CHATBOT_BILLING_CONFIG · No config file set' } },
      handler: async ({ body }) => {
        const path = runtime.config.billing?.configPath;
        if (!path) {
          throw new ConflictError(
            'Set CHATBOT_BILLING_CONFIG to a writable JSON file to edit plans and prices',
            'Hãy đặt CHATBOT_BILLING_CONFIG trỏ tới một tệp JSON ghi được để sửa gói và giá',
            { details: { reason: 'billing_config_not_file' } },
          );
        }
        const config = parseBillingConfig(body.config);
        writeConfigFile(path, config);
        const state = replaceBillingConfig(runtime, config);
        return { status: 200, body: { config: state.config, source: 'file' } };
      },
    }),
  ];
}
