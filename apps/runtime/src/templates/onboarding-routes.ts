/** `GET/PUT /v1/tenant/onboarding`: the wizard's state and its completion (see `onboarding.ts`). */
import { z } from 'zod';
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import { loadOnboarding, ONBOARDING_STATUSES, onboardingSchema, saveOnboardingStatus } from './onboarding';

const tags = ['onboarding'] as const;

/** The onboarding routes. */
export const onboardingRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/tenant/onboarding',
    summary: 'Tiến độ thiết lập ban đầu · Onboarding progress',
    tags,
    access: 'tenant-member',
    responses: { 200: { description: 'OK', schema: onboardingSchema } },
    handler: async ({ app, caller }) => ({
      status: 200,
      body: await app.runtime.db.tenant(caller.tenantId, (tx) => loadOnboarding(tx, app.runtime.secrets, caller.tenantId)),
    }),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/tenant/onboarding',
    summary: 'Hoàn tất hoặc bỏ qua thiết lập ban đầu · Complete or skip onboarding',
    description: 'status: completed | skipped | pending (làm lại · start again)',
    tags,
    access: 'tenant-admin',
    body: z.object({ status: z.enum(ONBOARDING_STATUSES) }).strict(),
    responses: { 200: { description: 'OK', schema: onboardingSchema } },
    handler: async ({ app, caller, body, req }) => {
      const state = await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        await saveOnboardingStatus(tx, caller.tenantId, body.status);
        await recordAudit(tx, { tenantId: caller.tenantId, caller, action: `onboarding.${body.status}`, targetType: 'tenant', targetId: caller.tenantId, ip: req.ip });
        return loadOnboarding(tx, app.runtime.secrets, caller.tenantId);
      });
      return { status: 200, body: state };
    },
  }),
];
