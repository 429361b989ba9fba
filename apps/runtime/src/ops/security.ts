/**
 * Security headers (helmet) and CORS.
 *
 * - Headers: a CSP that the dashboard shell, the e-mailed pages and `/docs` work under (they use
 *   inline `<script>`/`<style>` and call only this origin). `X-Frame-Options` and
 *   `Cross-Origin-Resource-Policy` are left to the routes: the dashboard pages send `DENY`
 *   themselves, and the web widget must be framed and its loader script loaded by tenant sites
 *   (the widget sends its own CSP with `frame-ancestors`, which replaces this one).
 * - CORS: `/v1/*` is same-origin — no `Access-Control-Allow-Origin`, and cross-origin preflights
 *   are refused with 403. Public-key (widget) routes use {@link tenantCors}, which allows the
 *   origins in the tenant's `settings.allowed_domains`.
 */
import { ForbiddenError } from '@agent-chatbot/core';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Db } from '../db/types';

/** Paths of the web widget (`/widget`, `/widget/…`, `/widget.js`, `/widget-api/…`): framed by tenant sites, own CSP. */
const WIDGET_PATH = /^\/widget(-api)?(\/|\.js$|$)/;

/**
 * helmet with the runtime's CSP (see the file header for what is left to routes). Widget paths
 * get every header but the CSP: the widget sends its own, with the tenant's `frame-ancestors`,
 * and a second policy from here would be enforced too and forbid the framing.
 */
export function securityHeaders(): RequestHandler {
  const withCsp = helmet(helmetOptions(true));
  const withoutCsp = helmet(helmetOptions(false));
  return (req, res, next) => (WIDGET_PATH.test(req.path) ? withoutCsp : withCsp)(req, res, next);
}

function helmetOptions(csp: boolean): Parameters<typeof helmet>[0] {
  return {
    contentSecurityPolicy: !csp ? false : {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'self'"],
      },
    },
    crossOriginResourcePolicy: false,
    xFrameOptions: false,
    // The runtime may run behind plain HTTP on a LAN/dev box; HSTS is for the TLS proxy to send.
    strictTransportSecurity: false,
  };
}

/** The origin (`scheme://host[:port]`) of a URL or Origin header, or undefined when malformed. */
export function originOf(value: string | undefined): string | undefined {
  if (!value || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
}

/**
 * `/v1/*` is same-origin: a preflight (`OPTIONS` with `Access-Control-Request-Method`) from
 * another origin gets 403; same-origin preflights get 204. Allowed origins are the public URL's
 * and the request's own host.
 */
export function sameOriginApi(publicUrl: string): RequestHandler {
  const publicOrigin = originOf(publicUrl);
  return (req, res, next) => {
    if (!req.path.startsWith('/v1/') || req.method !== 'OPTIONS' || !req.get('access-control-request-method')) return next();
    const origin = originOf(req.get('origin'));
    const own = originOf(`${req.protocol}://${req.get('host') ?? ''}`);
    if (origin && (origin === publicOrigin || origin === own)) {
      res.status(204).end();
      return;
    }
    next(new ForbiddenError('Cross-origin requests to the API are not allowed', 'API không cho phép gọi từ tên miền khác', { details: { reason: 'cors_origin_not_allowed' } }));
  };
}

/** Finds the allowed origins for a request to a public-key route (undefined = unknown key). */
export type AllowedDomainsLookup = (req: Parameters<RequestHandler>[0]) => Promise<readonly string[] | undefined>;

/** Whether `origin` is one of `allowed` (`https://shop.vn`, `shop.vn` = https+http, `*.shop.vn`). */
export function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  const url = new URL(origin);
  return allowed.some((entry) => {
    const value = entry.trim().toLowerCase();
    if (!value) return false;
    if (value.includes('://')) return originOf(value) === url.origin;
    if (value.startsWith('*.')) return url.hostname.endsWith(value.slice(1)) && url.hostname.length > value.length - 1;
    const [host, port] = value.split(':');
    return url.hostname === host && (port === undefined || url.port === port);
  });
}

/**
 * CORS for public-key (widget) routes: answers the origin's requests and preflights when it is in
 * the tenant's allowed domains (`lookup`), and refuses preflights otherwise (403). Requests without
 * an `Origin` header (server to server) pass untouched.
 */
export function tenantCors(lookup: AllowedDomainsLookup, options: { methods?: string; maxAgeSeconds?: number } = {}): RequestHandler {
  return (req, res, next) => {
    const origin = originOf(req.get('origin'));
    if (!origin) return next();
    res.vary('Origin');
    lookup(req).then(
      (allowed) => {
        const ok = allowed !== undefined && isAllowedOrigin(origin, allowed);
        const preflight = req.method === 'OPTIONS' && req.get('access-control-request-method');
        if (ok) {
          res.setHeader('Access-Control-Allow-Origin', origin);
          if (preflight) {
            res.setHeader('Access-Control-Allow-Methods', options.methods ?? 'GET, POST, OPTIONS');
            res.setHeader('Access-Control-Allow-Headers', req.get('access-control-request-headers') ?? 'content-type');
            res.setHeader('Access-Control-Max-Age', String(options.maxAgeSeconds ?? 600));
            res.status(204).end();
            return;
          }
          next();
          return;
        }
        if (preflight) {
          next(new ForbiddenError('This website is not in the shop\'s allowed domains', 'Trang web này không nằm trong danh sách tên miền được phép của cửa hàng', { details: { reason: 'cors_origin_not_allowed' } }));
          return;
        }
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/**
 * The lookup hook for {@link tenantCors}: the allowed domains of the tenant owning a channel
 * connection's public key (`tenants.settings.allowed_domains`). Undefined for an unknown key.
 */
export async function allowedDomainsForPublicKey(db: Db, publicKey: string): Promise<readonly string[] | undefined> {
  const { rows } = await db.platform((tx) =>
    tx.query<{ domains: unknown }>(
      `SELECT t.settings -> 'allowed_domains' AS domains FROM channel_connections c JOIN tenants t ON t.id = c.tenant_id
       WHERE c.public_key = $1 AND t.status = 'active'`,
      [publicKey],
    ),
  );
  if (!rows[0]) return undefined;
  const domains = rows[0].domains;
  return Array.isArray(domains) ? domains.filter((d): d is string => typeof d === 'string') : [];
}
