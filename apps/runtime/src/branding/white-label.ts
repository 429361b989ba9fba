/**
 * White-label settings of a tenant, kept in `tenants.settings.white_label`: brand name, logo
 * (an https URL or a small data URL), primary and accent colours, a subdomain of the platform
 * domain (`spa1.bot.example.vn`) and a custom domain (`chat.spa1.vn`, pointed at the platform with
 * a CNAME). Subdomains and custom domains are unique across tenants (migration 0024), and
 * {@link resolveHost} maps a request's Host header back to its tenant.
 */
import { z } from 'zod';
import type { Db, Tx } from '../db/types';

/** Subdomains a tenant may not take (the platform's own hosts). */
export const RESERVED_SUBDOMAINS = new Set(['www', 'api', 'app', 'admin', 'dashboard', 'mail', 'smtp', 'static', 'cdn', 'widget', 'status', 'docs', 'help']);

/** The largest logo accepted as a data URL (characters): it lives in the tenant settings. */
export const MAX_LOGO_DATA_URL = 48_000;

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #0f766e (màu dạng #0f766e)').transform((c) => c.toLowerCase());
const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain name like chat.shop.vn (tên miền dạng chat.shop.vn)');
const subdomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]([a-z0-9-]{1,30}[a-z0-9])$/, '3–32 letters, digits or "-" (3–32 chữ, số hoặc "-")')
  .refine((s) => !RESERVED_SUBDOMAINS.has(s), { message: 'this subdomain is reserved (tên miền con này đã được dành riêng)' });
const logo = z
  .string()
  .trim()
  .max(MAX_LOGO_DATA_URL)
  .refine((v) => /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/.test(v) || (URL.canParse(v) && new URL(v).protocol === 'https:'), {
    message: 'an https:// address or a PNG/JPEG/WebP/GIF image (địa chỉ https:// hoặc ảnh PNG/JPEG/WebP/GIF)',
  });

/** What is stored (every field optional). */
export const whiteLabelSchema = z
  .object({
    brand_name: z.string().trim().min(1).max(80).optional(),
    logo_url: logo.optional(),
    primary_color: colour.optional(),
    accent_color: colour.optional(),
    subdomain: subdomain.optional(),
    custom_domain: hostname.optional(),
  })
  .strict();

/** Stored white-label settings. */
export type WhiteLabel = z.output<typeof whiteLabelSchema>;

/** Body of `PUT /v1/tenant/white-label`: given fields replace, `null` removes, omitted keep. */
export const whiteLabelInputSchema = z
  .object({
    brand_name: z.string().trim().min(1).max(80).nullable().optional(),
    logo_url: logo.nullable().optional(),
    primary_color: colour.nullable().optional(),
    accent_color: colour.nullable().optional(),
    subdomain: subdomain.nullable().optional(),
    custom_domain: hostname.nullable().optional(),
  })
  .strict();

/** Reads `settings.white_label`, dropping a damaged value. */
export function whiteLabelOf(settings: Record<string, unknown>): WhiteLabel {
  const parsed = whiteLabelSchema.safeParse(settings['white_label'] ?? {});
  return parsed.success ? parsed.data : {};
}

/** The platform domain subdomains live under: the host of the runtime's public URL. */
export function platformDomainOf(publicUrl: string): string {
  return new URL(publicUrl).hostname.toLowerCase();
}

/** Merges `input` into the stored settings inside the tenant's transaction; returns the result. */
export async function saveWhiteLabel(tx: Tx, tenantId: string, input: z.output<typeof whiteLabelInputSchema>): Promise<WhiteLabel> {
  const { rows } = await tx.query<{ settings: Record<string, unknown> }>('SELECT settings FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
  const next: Record<string, unknown> = { ...whiteLabelOf(rows[0]?.settings ?? {}) };
  for (const [key, value] of Object.entries(input)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  const stored = whiteLabelSchema.parse(next);
  await tx.query(
    `UPDATE tenants SET settings = settings || jsonb_build_object('white_label', $2::jsonb), config_version = config_version + 1, updated_at = now() WHERE id = $1`,
    [tenantId, JSON.stringify(stored)],
  );
  return stored;
}

/** A tenant found by its host, with the branding a public page may show. */
export interface HostTenant {
  readonly tenantId: string;
  readonly name: string;
  readonly slug: string;
  readonly status: string;
  readonly whiteLabel: WhiteLabel;
}

/**
 * The tenant a Host header names: a custom domain, or `<subdomain>.<platform domain>`. Undefined
 * for the platform's own host and unknown hosts.
 */
export async function resolveHost(db: Db, host: string, platformDomain: string): Promise<HostTenant | undefined> {
  const bare = host.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (!bare || bare === platformDomain) return undefined;
  const suffix = `.${platformDomain}`;
  const label = bare.endsWith(suffix) ? bare.slice(0, -suffix.length) : null;
  const sub = label && !label.includes('.') ? label : null;
  const { rows } = await db.anonymous((tx) =>
    tx.query<{ tenant_id: string; tenant_name: string; tenant_slug: string; tenant_status: string; white_label: Record<string, unknown> }>(
      'SELECT * FROM app.tenant_for_host($1, $2)',
      [sub ? null : bare, sub],
    ),
  );
  const row = rows[0];
  if (!row) return undefined;
  return { tenantId: row.tenant_id, name: row.tenant_name, slug: row.tenant_slug, status: row.tenant_status, whiteLabel: whiteLabelOf({ white_label: row.white_label }) };
}
