/**
 * The tenant's white-label brand (`settings.white_label`: brand name, logo, primary and accent
 * colours) for the app shell: CSS variables that recolour the Tailwind theme for every page below,
 * and the logo and name shown in the sidebar.
 */
import type { CSSProperties } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useApi, useSession } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { queryKeys } from '../api/queries';

/** What the shell applies. */
export interface TenantBranding {
  style: CSSProperties | undefined;
  logo: string | undefined;
  brandName: string | undefined;
}

const COLOUR = /^#[0-9a-f]{6}$/i;

/** Reads a white-label object leniently (any missing or odd field is ignored). */
export function brandingOf(settings: Record<string, unknown> | undefined): TenantBranding {
  const raw = settings?.['white_label'];
  const wl = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const text = (key: string) => (typeof wl[key] === 'string' ? (wl[key] as string) : undefined);
  const primary = text('primary_color');
  const accent = text('accent_color');
  const vars: Record<string, string> = {};
  if (primary && COLOUR.test(primary)) Object.assign(vars, { '--color-primary': primary, '--color-ring': primary });
  if (accent && COLOUR.test(accent)) vars['--color-accent'] = accent;
  const logo = text('logo_url');
  return {
    style: Object.keys(vars).length > 0 ? (vars as CSSProperties) : undefined,
    logo: logo && /^(https:|data:image\/)/.test(logo) ? logo : undefined,
    brandName: text('brand_name'),
  };
}

/** The signed-in tenant's branding (nothing for the platform console). */
export function useTenantBranding(): TenantBranding {
  const { client } = useApi();
  const membership = useSession((s) => s.tenant);
  const tenant = useQuery({ queryKey: queryKeys.tenant, queryFn: () => unwrap(client.api.GET('/v1/tenant')), enabled: membership !== null, retry: false });
  return brandingOf(tenant.data?.settings);
}

/** The brand the runtime put into the page for a tenant's own host (`<meta name="acb-brand">`). */
export interface HostBrand {
  name: string;
  logo?: string;
}

/** Reads the host brand from the page, once; undefined on the platform's own host. */
export function readHostBrand(doc: Document | undefined = typeof document === 'undefined' ? undefined : document): HostBrand | undefined {
  const content = doc?.querySelector('meta[name="acb-brand"]')?.getAttribute('content');
  if (!content) return undefined;
  try {
    const parsed = JSON.parse(content) as { name?: unknown; logo?: unknown };
    if (typeof parsed.name !== 'string' || parsed.name === '') return undefined;
    const logo = typeof parsed.logo === 'string' && /^(https:|data:image\/)/.test(parsed.logo) ? parsed.logo : undefined;
    return { name: parsed.name, ...(logo ? { logo } : {}) };
  } catch {
    return undefined;
  }
}
