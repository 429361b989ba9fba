/**
 * `GET/PUT /v1/tenant/white-label` (logo, colours, subdomain, custom domain, with the DNS record a
 * custom domain needs) and `GET /v1/public/branding`, which resolves the request's Host header
 * (a custom domain or `<subdomain>.<platform domain>`) to that tenant's public branding, so a
 * landing or sign-in page served on the tenant's domain can show its logo and colours.
 */
import { NotFoundError } from '@agent-chatbot/core';
import { z } from 'zod';
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import { platformDomainOf, resolveHost, saveWhiteLabel, whiteLabelInputSchema, whiteLabelOf, type WhiteLabel } from './white-label';

const brandingSchema = z.object({
  brand_name: z.string().optional(),
  logo_url: z.string().optional(),
  primary_color: z.string().optional().meta({ example: '#0f766e' }),
  accent_color: z.string().optional(),
});

const viewSchema = brandingSchema.extend({
  subdomain: z.string().optional(),
  custom_domain: z.string().optional(),
  platform_domain: z.string().meta({ example: 'bot.example.vn' }),
  subdomain_host: z.string().nullable().meta({ example: 'spa1.bot.example.vn' }),
  dns_records: z
    .array(z.object({ type: z.literal('CNAME'), name: z.string(), value: z.string() }))
    .meta({ description: 'Bản ghi DNS cần tạo cho tên miền riêng · DNS records the custom domain needs' }),
});

const publicSchema = brandingSchema.extend({ tenant_name: z.string(), tenant_slug: z.string() });

const tags = ['branding'] as const;

function view(stored: WhiteLabel, platformDomain: string): z.infer<typeof viewSchema> {
  return {
    ...stored,
    platform_domain: platformDomain,
    subdomain_host: stored.subdomain ? `${stored.subdomain}.${platformDomain}` : null,
    dns_records: stored.custom_domain ? [{ type: 'CNAME', name: stored.custom_domain, value: platformDomain }] : [],
  };
}

/** The white-label routes. */
export const whiteLabelRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/tenant/white-label',
    summary: 'Thương hiệu riêng (logo, màu, tên miền) · White-label settings',
    tags,
    access: 'tenant-member',
    responses: { 200: { description: 'OK', schema: viewSchema } },
    handler: async ({ app, caller }) => {
      const settings = await app.runtime.db.tenant(caller.tenantId, async (tx) =>
        (await tx.query<{ settings: Record<string, unknown> }>('SELECT settings FROM tenants WHERE id = $1', [caller.tenantId])).rows[0]?.settings ?? {},
      );
      return { status: 200, body: view(whiteLabelOf(settings), platformDomainOf(app.runtime.config.publicUrl)) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/tenant/white-label',
    summary: 'Lưu thương hiệu riêng · Save white-label settings',
    description:
      'Trường bỏ trống giữ nguyên, null xoá; tên miền con và tên miền riêng là duy nhất (409 khi đã có người dùng) · ' +
      'Omitted fields are kept, null removes; subdomains and custom domains are unique (409 when taken).',
    tags,
    access: 'tenant-admin',
    body: whiteLabelInputSchema,
    responses: { 200: { description: 'Đã lưu · Saved', schema: viewSchema }, 409: { description: 'Tên miền đã được dùng · Domain taken' } },
    handler: async ({ app, caller, body, req }) => {
      const stored = await app.runtime.db.tenant(caller.tenantId, async (tx) => {
        const saved = await saveWhiteLabel(tx, caller.tenantId, body);
        await recordAudit(tx, {
          tenantId: caller.tenantId,
          caller,
          action: 'white_label.update',
          targetType: 'tenant',
          targetId: caller.tenantId,
          details: { fields: Object.keys(body) },
          ip: req.ip,
        });
        return saved;
      });
      return { status: 200, body: view(stored, platformDomainOf(app.runtime.config.publicUrl)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/public/branding',
    summary: 'Thương hiệu theo tên miền đang truy cập · Branding of the requested host',
    description: 'Theo header Host (tên miền riêng hoặc tên miền con) · Resolved from the Host header (custom domain or subdomain).',
    tags,
    access: 'public',
    responses: { 200: { description: 'OK', schema: publicSchema }, 404: { description: 'Tên miền của nền tảng hoặc chưa gắn · Platform host or unknown host' } },
    handler: async ({ app, req }) => {
      const found = await resolveHost(app.runtime.db, req.hostname ?? '', platformDomainOf(app.runtime.config.publicUrl));
      if (!found || found.status !== 'active') throw new NotFoundError('No tenant uses this domain', 'Chưa có cửa hàng nào dùng tên miền này');
      const { brand_name, logo_url, primary_color, accent_color } = found.whiteLabel;
      return {
        status: 200,
        body: { tenant_name: found.name, tenant_slug: found.slug, ...definedOnly({ brand_name, logo_url, primary_color, accent_color }) },
      };
    },
  }),
];

function definedOnly<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, string>>;
}
