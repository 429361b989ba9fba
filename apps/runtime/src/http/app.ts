/**
 * The runtime's HTTP application (Express 5): request ids and access logs, JSON bodies with a size
 * limit, the API routes, `/openapi.json` and `/docs` generated from those same routes, the
 * dashboard shell at `/`, and one error boundary that answers every failure as bilingual JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { buildOpenApiDocument } from '../openapi/document';
import { renderDocsPage } from '../openapi/docs-page';
import { createMailer } from '../mail/mailer';
import { createTokenService } from '../auth/tokens';
import { defaultAppOptions, type AppContext, type AppOptions, type AppRuntime } from './context';
import { errorHandler, notFoundHandler } from './errors';
import { dashboardRouter } from './dashboard';
import { shellBrandResolver } from '../branding/shell-branding';
import { mountRoutes } from './mount-routes';
import { requestContext } from './request-context';
import { apiRoutes } from './routes';
import type { Route } from './route';
import type { RuntimeFeature } from '../features/index';
import { httpObservability, metricsHandler, metricsTokenOf } from '../ops/http-observability';
import { sameOriginApi, securityHeaders } from '../ops/security';

/** Overrides for {@link createApp} (tests shorten limits; production uses the defaults). */
export type CreateAppOptions = Partial<AppOptions>;

/** Version reported in the OpenAPI document. */
const apiVersion = '0.1.0';

/**
 * Creates the Express app for a runtime. Listening is the caller's job (`app.listen(port)`).
 *
 * @example
 * const runtime = await createRuntime(loadConfig());
 * createApp(runtime, {}, createFeatures(runtime)).listen(runtime.config.port);
 */
export function createApp(
  runtime: AppRuntime,
  overrides: CreateAppOptions = {},
  features: readonly RuntimeFeature[] = [],
): Express {
  const options: AppOptions = { ...defaultAppOptions, ...overrides };
  const context: AppContext = {
    runtime,
    options,
    tokens: createTokenService({ secret: runtime.config.jwtSecret, accessTtlSeconds: options.accessTtlSeconds }),
    mailer:
      runtime.mailer ??
      createMailer({ smtpUrl: runtime.config.smtpUrl, from: runtime.config.mailFrom, logger: runtime.logger }),
  };
  const routes: readonly Route[] = [...apiRoutes, ...features.flatMap((feature) => feature.routes ?? [])];
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.use(requestContext(runtime.logger));
  // Metrics, trace span and request-id scope; security headers; same-origin /v1 (src/ops).
  app.use(httpObservability(), securityHeaders(), sameOriginApi(runtime.config.publicUrl));
  app.get('/metrics', metricsHandler(metricsTokenOf(runtime.config)));
  app.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // API answers carry tokens and tenant data: no browser or proxy may keep a copy.
    if (req.path.startsWith('/v1/')) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Raw routers (webhooks, SSE, uploads, assets) see the request before JSON parsing.
  for (const feature of features) if (feature.rawRouter) app.use(feature.rawRouter);
  app.use(express.json({ limit: options.bodyLimit, type: ['application/json', 'application/*+json'] }));

  let openApi: ReturnType<typeof buildOpenApiDocument> | undefined;
  const document = () =>
    (openApi ??= buildOpenApiDocument(routes, {
      title: 'agent-chatbot runtime API',
      version: apiVersion,
      description: 'API của agent-chatbot (đa cửa hàng) · agent-chatbot multi-tenant runtime API',
      serverUrl: runtime.config.publicUrl,
    }));
  app.get('/openapi.json', (_req, res) => {
    res.json(document());
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(renderDocsPage(document()));
  });
  // Without a dashboard build: the minimal shell and the pages the e-mailed links open.
  for (const [paths, file] of options.dashboardDist ? [] : ([
    [['/', '/index.html'], 'index.html'],
    [['/reset-password'], 'reset-password.html'],
    [['/invitations/accept'], 'accept-invitation.html'],
  ] as const)) {
    const page = loadPublicPage(file);
    app.get([...paths], (_req, res) => {
      res.setHeader('X-Frame-Options', 'DENY');
      res.type('html').send(page);
    });
  }

  app.use(mountRoutes(context, routes));
  if (options.dashboardDist) app.use(dashboardRouter(options.dashboardDist, shellBrandResolver(runtime.db, runtime.config.publicUrl)));
  app.use(notFoundHandler);
  app.use(errorHandler(runtime.logger));
  return app;
}

/** Reads `public/<file>` from the source tree or next to the bundle, whichever exists. */
function loadPublicPage(file: string): string {
  const candidates = [`../../public/${file}`, `../public/${file}`, `./public/${file}`].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  return found
    ? readFileSync(found, 'utf8')
    : '<!doctype html><html lang="vi"><meta charset="utf-8"><title>agent-chatbot</title><h1>agent-chatbot</h1><p><a href="/docs">Tài liệu API · API docs</a></p></html>';
}
