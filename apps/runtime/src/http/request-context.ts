/**
 * Request id and access log. The id comes from a sane incoming `X-Request-Id` (so a proxy's id
 * follows the request) or is generated, and is echoed back. The access log records method, path
 * (without the query string, which may carry tokens), status, duration and caller ids — never
 * headers or bodies, so credentials and secrets cannot reach it.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Caller } from '../auth/caller';

const safeRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Assigns `res.locals.requestId` and a child logger `res.locals.log`, and logs each response. */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && safeRequestId.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ reqId: requestId });
    res.locals['requestId'] = requestId;
    res.locals['log'] = log;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const caller = res.locals['caller'] as Caller | null | undefined;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const entry = {
        req: { method: req.method, path: req.path, ip: req.ip },
        res: { statusCode: res.statusCode },
        responseTimeMs: Math.round(durationMs * 10) / 10,
        ...(caller
          ? {
              caller: {
                kind: caller.kind,
                tenantId: caller.tenantId,
                ...(caller.kind === 'user' ? { userId: caller.userId } : { apiKeyId: caller.apiKeyId }),
              },
            }
          : {}),
      };
      // ops' httpObservability replaces `res.locals.log` with a child bound to `traceId` when the
      // request has a recording span: log through it so the access line carries the trace id.
      const out = (res.locals['log'] as Logger | undefined) ?? log;
      if (res.statusCode >= 500) out.error(entry, 'request completed');
      else if (res.statusCode >= 400) out.warn(entry, 'request completed');
      else out.info(entry, 'request completed');
    });
    next();
  };
}
