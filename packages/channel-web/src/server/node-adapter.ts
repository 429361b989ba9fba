import { toNodeHandler, type NodeHandler } from '@agent-chatbot/core/express';
import type { WidgetHandlers } from './widget-handlers';

/**
 * Adapts the widget handlers to Express / Node `http`. Paths outside the widget call `next()`, so
 * it can sit in front of other routes. Mount it before body parsers, or use `express.raw` for
 * `<base>/messages` (uploads are read as a stream with a size cap).
 *
 * @example
 * ```ts
 * app.use(toWidgetNodeHandler(widget));
 * http.createServer(toWidgetNodeHandler(widget)).listen(8080);
 * ```
 */
export function toWidgetNodeHandler(handlers: WidgetHandlers): NodeHandler {
  const handle = toNodeHandler(handlers.fetch, { passThroughNotFound: true });
  return async (request, response, next) => {
    // Plain `http.createServer` has no `next`: answer 404 ourselves.
    await handle(request, response, next ?? (() => {
      response.statusCode = 404;
      response.end();
    }));
  };
}
