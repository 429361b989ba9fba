/**
 * The website widget feature (issue 6): the loader at `/widget.js`, the widget API under
 * `/widget-api` (session, messages, image upload, SSE with `Last-Event-ID` resume), the settings
 * API at `/v1/tenant/widget`, and the realtime hub fanned out over `runtime.pubsub` (Redis across
 * replicas). Replies reach the widget through the channel feature's delivery job, which sends
 * through the web connection's channel (see `widget-context.ts`).
 */
import type { FeatureFactory } from '../features/index';
import { widgetContextOf } from './widget-context';
import { widgetRoutes } from './widget-routes';
import { createWidgetHost, createWidgetRouter } from './widget-router';

export { widgetContextOf, type WidgetContext } from './widget-context';
export { widgetCommands } from './widget-commands';

/** Builds the widget feature of a runtime. */
export const widgetFeature: FeatureFactory = (runtime) => {
  const context = widgetContextOf(runtime);
  const channel = context.createChannel();
  // initialize only stores the host; it never rejects.
  void channel.initialize(createWidgetHost(context));
  return {
    name: 'widget',
    routes: widgetRoutes(context),
    rawRouter: createWidgetRouter(context, channel),
    async close() {
      await context.close();
    },
  };
};
