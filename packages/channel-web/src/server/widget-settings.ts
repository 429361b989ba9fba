import { z } from 'zod';

/** One tenant's widget settings, as the runtime stores them (resolved by public key). */
export const widgetSettingsSchema = z.object({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  /**
   * Where the widget may run: `https://shop.vn`, `https://*.shop.vn` (subdomains), `shop.vn` (any
   * scheme and port), `http://localhost:3000`, or `*` (anywhere; for demos only). Empty: nowhere.
   */
  allowedOrigins: z.array(z.string().min(1).max(300)).max(100),
  botName: z.string().min(1).max(60).default('Trợ lý ảo'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#0b6bcb'),
  logoUrl: z.url({ protocol: /^https?$/ }).optional(),
  position: z.enum(['left', 'right']).default('right'),
  greeting: z.object({ vi: z.string().max(500), en: z.string().max(500).optional() }).optional(),
  suggestedQuestions: z.object({ vi: z.array(z.string().max(200)).max(6), en: z.array(z.string().max(200)).max(6).optional() }).optional(),
  /** The tenant secret sites use to sign user ids (identity verification); absent: off. */
  identitySecret: z.string().min(16).optional(),
  /** Refuse visitors without a valid identity hash. */
  identityRequired: z.boolean().default(false),
});

/** Parsed widget settings. */
export type WidgetSettings = z.output<typeof widgetSettingsSchema>;
/** Widget settings as the runtime provides them (defaults filled in by the schema). */
export type WidgetSettingsInput = z.input<typeof widgetSettingsSchema>;

/** Normalises an origin (`https://Shop.vn:443/` → `https://shop.vn`); `null` when it is not one. */
export function normaliseOrigin(value: string | null | undefined): string | null {
  if (!value || value === 'null') return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** Whether `origin` matches one of the tenant's allowed-origin patterns. */
export function isOriginAllowed(origin: string | null | undefined, allowed: ReadonlyArray<string>): boolean {
  const normalised = normaliseOrigin(origin);
  if (!normalised) return false;
  const url = new URL(normalised);
  return allowed.some((raw) => {
    const pattern = raw.trim().toLowerCase().replace(/\/+$/, '');
    if (pattern === '*') return true;
    const schemeMatch = /^(https?):\/\/(.+)$/.exec(pattern);
    const scheme = schemeMatch?.[1];
    const hostPart = schemeMatch?.[2] ?? pattern;
    if (scheme && `${scheme}:` !== url.protocol) return false;
    const [hostPattern, port] = hostPart.split(':');
    if (!hostPattern) return false;
    if (port !== undefined && port !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) return false;
    if (scheme && port === undefined && url.port !== '') return false;
    if (hostPattern.startsWith('*.')) return url.hostname.endsWith(hostPattern.slice(1)) && url.hostname.length > hostPattern.length - 1;
    return url.hostname === hostPattern;
  });
}

/** The `frame-ancestors` sources for the tenant's allowed origins (CSP syntax). */
export function frameAncestors(allowed: ReadonlyArray<string>): string {
  const sources = allowed
    .map((raw) => raw.trim().toLowerCase().replace(/\/+$/, ''))
    .filter((pattern) => /^(\*|(https?:\/\/)?(\*\.)?[a-z0-9.-]+(:\d+)?)$/.test(pattern));
  return sources.length > 0 ? sources.join(' ') : "'none'";
}
