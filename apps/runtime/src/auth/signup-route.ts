/**
 * `POST /v1/auth/signup`: a business signs itself up — a new tenant and its first tenant-admin
 * (through the tenant service, the same code as `agent-chatbot tenant create`), then signed in.
 */
import { z } from 'zod';
import { RateLimitError } from '@agent-chatbot/core';
import { defineRoute, type Route } from '../http/route';
import { createTenantWithAdmin } from '../tenants';
import { emailSchema, passwordInputSchema, sessionResponseSchema } from './schemas';
import { clientOf, membershipsOf } from './session-routes';
import { startSession } from './sessions';

const signupBody = z
  .object({
    tenant_name: z.string().trim().min(1).max(200).meta({ example: 'Cửa hàng Hoa Đào' }),
    tenant_slug: z.string().trim().toLowerCase().min(2).max(63).optional().meta({ example: 'hoa-dao' }),
    email: emailSchema,
    password: passwordInputSchema,
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

// Sign-ups per client address: generous for an office behind one NAT, tight for a script.
const signupBucket = { capacity: 10, refillPerSecond: 1 / 360 };

/** The sign-up route. */
export const signupRoute: Route = defineRoute({
  method: 'post',
  path: '/v1/auth/signup',
  summary: 'Đăng ký cửa hàng mới · Sign up a new tenant',
  description: 'Tạo cửa hàng và tài khoản quản trị, rồi đăng nhập · Creates the tenant and its admin, then signs in.',
  tags: ['auth'],
  access: 'public',
  body: signupBody,
  responses: {
    201: { description: 'Đã tạo · Created', schema: sessionResponseSchema },
    409: { description: 'Email hoặc slug đã được dùng · E-mail or slug taken' },
  },
  handler: async ({ app, body, req }) => {
    const limit = await app.runtime.rateLimiter.consume(`signup:ip:${req.ip ?? 'unknown'}`, signupBucket);
    if (!limit.allowed) throw new RateLimitError({ retryAfterMs: limit.retryAfterMs });
    const { tenant, admin } = await createTenantWithAdmin(
      app.runtime.db,
      {
        name: body.tenant_name,
        ...(body.tenant_slug ? { slug: body.tenant_slug } : {}),
        adminEmail: body.email,
        adminPassword: body.password,
        ...(body.name ? { adminName: body.name } : {}),
      },
      { kind: 'system' },
    );
    const result = await app.runtime.db.anonymous(async (tx) => {
      const tokens = await startSession(
        tx,
        app,
        { userId: admin.id, tenantId: tenant.id, role: 'tenant-admin', platformAdmin: admin.isPlatformAdmin },
        clientOf(req),
      );
      return { tokens, tenants: await membershipsOf(tx, admin.id) };
    });
    return {
      status: 201,
      body: {
        ...result.tokens,
        user: { id: admin.id, email: admin.email, name: admin.name, platform_admin: admin.isPlatformAdmin },
        tenant: result.tenants.find((t) => t.id === tenant.id) ?? null,
        tenants: result.tenants,
      },
    };
  },
});
