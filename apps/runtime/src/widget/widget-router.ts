/**
 * The widget's HTTP surface, mounted before JSON parsing: `GET /widget.js` (the loader),
 * `/widget-api/*` (config, chat frame and assets, visitor session, messages with image upload,
 * SSE events) from `@agent-chatbot/channel-web`, and `GET /widget-api/uploads/…` (visitors'
 * images from the tenant's storage).
 *
 * Visitor messages go through the one inbound path: the web channel hands them to a host that
 * records them in `external_events` (source `web:<connection id>`) and enqueues
 * `conversation.handle`, exactly like a provider webhook.
 */
import { createWidgetHandlers, toWidgetNodeHandler, type WebChannel } from '@agent-chatbot/channel-web';
import type { ChannelV1Host } from '@agent-chatbot/core';
import { Router, type Request as ExpressRequest, type Response as ExpressResponse } from 'express';
import { recordInboundEvents } from '../channels/inbound-events';
import type { WidgetContext } from './widget-context';

const UPLOAD_PATH = /^\/widget-api\/uploads\/([A-Za-z0-9_-]{1,100})\/([A-Za-z0-9_-]{1,100})\/([A-Za-z0-9_-]{1,40}\.[a-z0-9]{1,8})$/;

/** The host of the widget's API channel: routes each visitor event to its tenant's web connection. */
export function createWidgetHost(context: WidgetContext): ChannelV1Host {
  const { runtime } = context;
  const logger = runtime.logger.child({ channel: 'web' });
  return {
    async receive(events) {
      for (const event of events) {
        const found = event.accountId ? await context.resolve(event.accountId) : undefined;
        if (!found) throw new Error('unknown or disabled widget');
        await recordInboundEvents(runtime.db, runtime.jobs, { tenantId: found.tenantId, id: found.connectionId, type: 'web' }, [event]);
      }
    },
    getCache: () => runtime.cache,
    getLogger: (scope) => (scope ? logger.child({ scope }) : logger),
  };
}

/** The raw router of the widget feature. */
export function createWidgetRouter(context: WidgetContext, channel: WebChannel): Router {
  const { runtime } = context;
  const handlers = createWidgetHandlers({
    channel,
    tokenSecret: context.tokenSecret,
    resolveWidget: async (publicKey) => (await context.resolve(publicKey))?.settings ?? null,
    storeUpload: context.storeUpload,
    publicOrigin: runtime.config.publicUrl,
    onError: (error) => runtime.logger.error({ err: error }, 'widget handler failed'),
  });
  const router = Router();
  router.get(UPLOAD_PATH, (req: ExpressRequest, res: ExpressResponse, next) => {
    const match = UPLOAD_PATH.exec(req.path);
    if (!match) return next();
    const [, publicKey, conversation, file] = match as unknown as [string, string, string, string];
    (async () => {
      const found = await context.resolve(publicKey);
      if (!found) return res.status(404).json({ error: { code: 'not_found', message: 'Not found', message_vi: 'Không tìm thấy' } });
      const extension = file.split('.')[1] ?? '';
      const type = ({ jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' } as Record<string, string>)[extension];
      if (!type) return res.status(404).json({ error: { code: 'not_found', message: 'Not found', message_vi: 'Không tìm thấy' } });
      let stream;
      try {
        stream = await context.storage().get(found.tenantId, `widget-uploads/${conversation}/${file}`);
      } catch {
        return res.status(404).json({ error: { code: 'not_found', message: 'Not found', message_vi: 'Không tìm thấy' } });
      }
      res.setHeader('content-type', type);
      // Random, never-reused names: the file under a URL never changes.
      res.setHeader('cache-control', 'private, max-age=31536000, immutable');
      res.setHeader('cross-origin-resource-policy', 'cross-origin');
      stream.pipe(res);
      return undefined;
    })().catch(next);
  });
  const widget = toWidgetNodeHandler(handlers);
  // Only widget paths reach the adapter: it would start reading any other request's body stream.
  router.use((req, res, next) => {
    if (!handlers.matches(req.path)) return next();
    widget(req, res, next).catch(next);
  });
  return router;
}
