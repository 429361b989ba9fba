/**
 * Serves the built dashboard (apps/dashboard, a single-page app): hashed assets cached for a year,
 * and the HTML shell for every page path (`/`, `/signup`, `/app/…`) so client-side routing works.
 * API paths, JSON requests and missing assets fall through to the API and the 404 handler.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { brandShell, type ShellBrandResolver } from '../branding/shell-branding';

/** `DASHBOARD_DIST`, the monorepo's apps/dashboard/dist, or ./dashboard next to the bundle. */
export function findDashboardDist(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env['DASHBOARD_DIST'],
    fileURLToPath(new URL('../../../dashboard/dist', import.meta.url)), // from apps/runtime/src/http
    fileURLToPath(new URL('../../dashboard/dist', import.meta.url)), // from apps/runtime/dist
    fileURLToPath(new URL('./dashboard', import.meta.url)),
  ].filter((dir): dir is string => typeof dir === 'string' && dir !== '');
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

const notTheShell = /^\/(v1\/|webhooks\/|widget|openapi\.json$|docs$|healthz$|readyz$|metrics$|assets\/)/;

/**
 * The dashboard router; mount it after the API routes and before the 404 handler. With
 * `brandFor`, a page requested on a tenant's own host (white-label) gets that tenant's brand.
 */
export function dashboardRouter(dist: string, brandFor?: ShellBrandResolver): Router {
  const router = express.Router();
  const shell = readFileSync(join(dist, 'index.html'), 'utf8');
  router.use('/assets', express.static(join(dist, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  router.get(/.*/, (req, res, next) => {
    if (notTheShell.test(req.path) || req.accepts(['html', 'json']) !== 'html') return next();
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-cache');
    // The build has no inline scripts and no eval: a strict policy for the shell.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    if (!brandFor) {
      res.type('html').send(shell);
      return;
    }
    brandFor(req.hostname ?? '').then(
      (brand) => res.type('html').send(brand ? brandShell(shell, brand) : shell),
      // A failed lookup must not take the page down: serve the platform's own brand.
      () => res.type('html').send(shell),
    );
  });
  return router;
}
