/**
 * HTTP observability: per-request metrics (by Express route pattern, never the raw path), a server
 * span joined to an incoming `traceparent`, the request id in async scope (so jobs enqueued by the
 * request carry it), and the `/metrics` endpoint (optionally behind a bearer token).
 */
import { timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '@agent-chatbot/core';
import { context, propagation, trace } from '@opentelemetry/api';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { metrics, recordWebhookAck, secondsSince } from './metrics';
import { runWithRequestId, SpanKind, SpanStatusCode, tracer } from './tracing';

/** The channels' webhook route (src/channels/webhook-router.ts): its latency is the acknowledgement time. */
export const WEBHOOK_ROUTE = '/webhooks/:channel/:connectionId';

/**
 * The route label of a finished request: the matched Express route pattern (`/v1/tenants/:id`),
 * `unmatched` for 404s without a route, `other` for requests handled by middleware. Routes on a
 * router mounted under a prefix report their own pattern only (the mounted prefix is a raw path).
 */
export function routeLabel(req: Request, res: Response): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return path;
  if (Array.isArray(path) && typeof path[0] === 'string') return path[0];
  return res.statusCode === 404 ? 'unmatched' : 'other';
}

/**
 * Middleware (after `requestContext`, which sets `res.locals.requestId` and `res.locals.log`):
 * counts and times each request, opens its server span and scopes the request id.
 */
export function httpObservability(): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = String(res.locals['requestId'] ?? '');
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer().startSpan(
      `${req.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path, ...(requestId ? { 'request.id': requestId } : {}) } },
      parent,
    );
    if (span.isRecording()) {
      const log = res.locals['log'] as Logger | undefined;
      if (log) res.locals['log'] = log.child({ traceId: span.spanContext().traceId });
      res.setHeader('traceparent', `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    }
    res.on('finish', () => {
      const route = routeLabel(req, res);
      const m = metrics();
      m.httpRequests.inc({ route, method: req.method, status: String(res.statusCode) });
      const seconds = secondsSince(started);
      m.httpDuration.observe({ route, method: req.method }, seconds);
      // Webhook acknowledgements, by channel: only answered (2xx) ones, so the channel label can
      // only take the values the webhook router accepts.
      if (route === WEBHOOK_ROUTE && res.statusCode < 300) recordWebhookAck(req.path.split('/')[2] ?? 'unknown', seconds);
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    res.on('close', () => {
      if (!res.writableFinished) span.end();
    });
    const run = () => context.with(trace.setSpan(parent, span), () => next());
    if (requestId) runWithRequestId(requestId, run);
    else run();
  };
}

/** The `/metrics` token of a configuration (apps built from a partial test config have none). */
export function metricsTokenOf(config: object): string | undefined {
  const token = (config as { metricsToken?: unknown }).metricsToken;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * `GET /metrics` in Prometheus text format. With `token`, only `Authorization: Bearer <token>`
 * gets the numbers (401 otherwise), so a public ingress cannot leak them.
 */
export function metricsHandler(token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return async (req, res) => {
    if (expected) {
      const given = Buffer.from(req.get('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        const error = new AuthenticationError(
          'A valid metrics token is required (Authorization: Bearer CHATBOT_METRICS_TOKEN)',
          'Cần mã truy cập metrics hợp lệ (Authorization: Bearer CHATBOT_METRICS_TOKEN)',
        );
        res.status(401).setHeader('WWW-Authenticate', 'Bearer').json(error.toJSON());
        return;
      }
    }
    const { registry } = metrics();
    res.setHeader('Content-Type', registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await registry.metrics());
  };
}
