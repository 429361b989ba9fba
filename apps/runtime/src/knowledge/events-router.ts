/**
 * `GET /v1/tenant/documents/events`: Server-Sent Events of the caller's tenant knowledge
 * (`document.progress`, `document.deleted`, `knowledge.changed`), relayed from pub/sub channel
 * `knowledge:<tenantId>` — so progress from a worker process reaches the browser too (with Redis).
 * Authenticated through the one door like every tenant route; the tenant comes from the caller.
 */
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { checkAccess } from '../auth/require-role';
import { resolveCaller } from '../auth/resolve-caller';
import { createTokenService } from '../auth/tokens';
import type { AppContext } from '../http/context';
import { knowledgeChannel, type KnowledgeService } from './service';

/** Options for {@link knowledgeEventsRouter}. */
export interface EventsRouterOptions {
  readonly jwtSecret: string;
  /** Comment line interval that keeps proxies from closing an idle stream (default 20 s). */
  readonly keepAliveMs?: number;
  readonly logger?: Logger;
}

/** The SSE router (mounted before JSON parsing). */
export function knowledgeEventsRouter(service: KnowledgeService, options: EventsRouterOptions): Router {
  const router = Router();
  // resolveCaller needs the token service and the database only.
  const context = {
    runtime: { db: service.db },
    tokens: createTokenService({ secret: options.jwtSecret, accessTtlSeconds: 900 }),
  } as unknown as AppContext;
  router.get('/v1/tenant/documents/events', async (req: Request, res: Response) => {
    const caller = await resolveCaller(req, context);
    checkAccess(caller, 'tenant-member', true);
    const tenantId = caller!.tenantId!;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    let open = true;
    const subscription: { off?: () => Promise<void> } = {};
    const send = (event: string, data: unknown): void => {
      if (open) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const keepAlive = setInterval(() => open && res.write(': keep-alive\n\n'), options.keepAliveMs ?? 20_000);
    const close = (): void => {
      if (!open) return;
      open = false;
      clearInterval(keepAlive);
      void subscription.off?.().catch(() => undefined);
    };
    req.on('close', close);
    subscription.off = await service.pubsub.subscribe(knowledgeChannel(tenantId), (message) => {
      const type = (message as { type?: unknown })?.type;
      send(typeof type === 'string' ? type : 'message', message);
    });
    if (!open) {
      await subscription.off();
      return;
    }
    send('ready', { tenant_id: tenantId });
  });
  return router;
}
