/**
 * Brands the dashboard's HTML shell for a tenant's own host: when a page is requested on a custom
 * domain or `<subdomain>.<platform domain>`, the shell gets the tenant's colours as CSS variables
 * (an inline `<style>`, which the shell's CSP allows) and its name and logo in a
 * `<meta name="acb-brand">` tag that the landing and sign-in pages read. No request from the page
 * is needed, so the brand is there on first paint.
 */
import type { Db } from '../db/types';
import { platformDomainOf, resolveHost } from './white-label';

/** What the shell shows for a tenant's host. */
export interface ShellBrand {
  readonly name: string;
  readonly logo?: string;
  readonly primaryColor?: string;
  readonly accentColor?: string;
}

/** Finds the brand of a Host header (undefined for the platform's own host and unknown hosts). */
export type ShellBrandResolver = (host: string) => Promise<ShellBrand | undefined>;

/** The resolver over the runtime's database and public URL. */
export function shellBrandResolver(db: Db, publicUrl: string): ShellBrandResolver {
  const platformDomain = platformDomainOf(publicUrl);
  return async (host) => {
    const found = await resolveHost(db, host, platformDomain);
    if (!found || found.status !== 'active') return undefined;
    const wl = found.whiteLabel;
    return {
      name: wl.brand_name ?? found.name,
      ...(wl.logo_url ? { logo: wl.logo_url } : {}),
      ...(wl.primary_color ? { primaryColor: wl.primary_color } : {}),
      ...(wl.accent_color ? { accentColor: wl.accent_color } : {}),
    };
  };
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLOUR = /^#[0-9a-f]{6}$/i;

/** The shell with the brand injected before `</head>` (colours validated again: they go into CSS). */
export function brandShell(shell: string, brand: ShellBrand): string {
  const vars = [
    brand.primaryColor && COLOUR.test(brand.primaryColor) ? `--color-primary:${brand.primaryColor};--color-ring:${brand.primaryColor};` : '',
    brand.accentColor && COLOUR.test(brand.accentColor) ? `--color-accent:${brand.accentColor};` : '',
  ].join('');
  const meta = JSON.stringify({ name: brand.name, ...(brand.logo ? { logo: brand.logo } : {}) });
  const tags = `<meta name="acb-brand" content="${escapeAttribute(meta)}">${vars ? `<style id="acb-brand">:root{${vars}}</style>` : ''}`;
  return shell.includes('</head>') ? shell.replace('</head>', `${tags}</head>`) : `${tags}${shell}`;
}
