/**
 * Platform-admin billing API: confirm a bank transfer by its memo (the same once-only path as
 * the bank webhook), adjust a tenant's wallet, read the plans/prices configuration, read a
 * tenant's billing status and lift FAQ-only mode.
 */
import { NotFoundError } from '@agent-chatbot/core';
import { adjustWallet, confirmBankTransferByAdmin, getBillingStatus, liftFaqOnly } from '@agent-chatbot/billing/pg';
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import { billingOf, forgetBillingCache, type BillingRuntime } from './billing-service';
import { statusJson } from './billing-json';

const TAGS = ['billing', 'admin'] as const;
const anyJson = z.record(z.string(), z.unknown());

/** 404 unless the tenant exists (platform scope). */
async function requireTenant(runtime: BillingRuntime, tenantId: string): Promise<void> {
  const { rowCount } = await runtime.db.platform((tx) => tx.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]));
  if (rowCount === 0) throw new NotFoundError('Tenant not found', 'Không tìm thấy cửa hàng');
}

/** The platform-admin billing routes of one runtime. */
export function adminBillingRoutes(runtime: BillingRuntime): readonly Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/admin/billing/transfers/confirm',
      summary: 'Xác nhận chuyển khoản theo nội dung · Confirm a bank transfer by memo',
      description: 'Ghi nhận một lần; sai số tiền bị từ chối, gọi lại không cộng thêm · Recorded once; a wrong amount is rejected, a repeat credits nothing.',
      tags: TAGS,
      access: 'platform-admin',
      body: z
        .object({
          memo: z.string().trim().min(4).max(100),
          amount_vnd: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
          // Required: the statement line's reference keys the once-only record, so a mistyped
          // amount (rejected) can be corrected, while the same bank transaction never credits twice.
          bank_transaction_id: z.string().trim().min(1).max(200),
        })
        .strict(),
      responses: { 200: { description: 'Kết quả · Outcome', schema: anyJson } },
      handler: async ({ caller, body }) => {
        const outcome = await confirmBankTransferByAdmin(runtime.db, {
          memo: body.memo,
          amountVnd: body.amount_vnd,
          adminUserId: caller.userId,
          bankTransactionId: body.bank_transaction_id,
        });
        if (outcome.outcome === 'credited') forgetBillingCache(runtime, outcome.tenantId);
        return { status: 200, body: outcome };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/admin/billing/tenants/:tenantId/adjustments',
      summary: 'Điều chỉnh ví của cửa hàng · Adjust a tenant wallet',
      tags: TAGS,
      access: 'platform-admin',
      params: z.object({ tenantId: uuidSchema }),
      body: z
        .object({
          amount_vnd: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).refine((v) => v !== 0, 'must not be 0'),
          reason: z.string().trim().min(3).max(1000),
          idempotency_key: z.string().trim().min(1).max(150),
        })
        .strict(),
      responses: { 200: { description: 'OK', schema: z.object({ inserted: z.boolean() }) } },
      handler: async ({ caller, params, body, req }) => {
        await requireTenant(runtime, params.tenantId);
        const result = await adjustWallet(runtime.db, {
          tenantId: params.tenantId,
          amountVnd: body.amount_vnd,
          reason: body.reason,
          adminUserId: caller.userId,
          idempotencyKey: body.idempotency_key,
        });
        if (result.inserted) {
          await runtime.db.tenant(params.tenantId, (tx) =>
            recordAudit(tx, { tenantId: params.tenantId, caller, action: 'billing.wallet.adjust', targetType: 'tenant', targetId: params.tenantId, ip: req.ip }),
          );
        }
        forgetBillingCache(runtime, params.tenantId);
        return { status: 200, body: { inserted: result.inserted } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/admin/billing/config',
      summary: 'Cấu hình gói và giá · Plans and prices configuration',
      tags: TAGS,
      access: 'platform-admin',
      responses: { 200: { description: 'OK', schema: anyJson } },
      handler: async () => {
        const state = billingOf(runtime);
        const settings = state.settings;
        return {
          status: 200,
          body: {
            config: state.config,
            source: settings?.configPath ? 'file' : 'default',
            // Which gateways are configured (never their secrets).
            payment_methods: { vietqr: Boolean(settings?.vietQr), vnpay: Boolean(settings?.vnpay), momo: Boolean(settings?.momo), stripe: Boolean(settings?.stripe) },
            bank_webhook: Boolean(settings?.bankWebhookSecret),
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/admin/billing/tenants/:tenantId',
      summary: 'Tình trạng thanh toán của cửa hàng · A tenant billing status',
      tags: TAGS,
      access: 'platform-admin',
      params: z.object({ tenantId: uuidSchema }),
      responses: { 200: { description: 'OK', schema: anyJson } },
      handler: async ({ params }) => {
        await requireTenant(runtime, params.tenantId);
        const status = await getBillingStatus(runtime.db, { tenantId: params.tenantId, config: billingOf(runtime).config });
        return { status: 200, body: statusJson(status) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/admin/billing/tenants/:tenantId/faq-only/lift',
      summary: 'Gỡ chế độ chỉ trả lời FAQ · Lift FAQ-only mode',
      tags: TAGS,
      access: 'platform-admin',
      params: z.object({ tenantId: uuidSchema }),
      responses: { 200: { description: 'OK', schema: z.object({ lifted: z.boolean() }) } },
      handler: async ({ caller, params }) => {
        await requireTenant(runtime, params.tenantId);
        const result = await liftFaqOnly(runtime.db, { tenantId: params.tenantId, adminUserId: caller.userId });
        forgetBillingCache(runtime, params.tenantId);
        return { status: 200, body: result };
      },
    }),
  ];
}
