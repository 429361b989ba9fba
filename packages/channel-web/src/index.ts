/**
 * `@agent-chatbot/channel-web`: the website widget channel (server side). The browser parts are
 * built into `dist/widget/` and served by {@link createWidgetHandlers}; see `./client` for the
 * shared wire types and the embedding snippet.
 *
 * @packageDocumentation
 */
export { createWebChannel, type WebChannel, type WebChannelOptions, type VisitorMessageInput } from './server/web-channel';
export type { WebReplyStream } from './server/reply-stream';
export { createRealtimeHub, type RealtimeHub, type RealtimeHubOptions, type RealtimeHistory, type RealtimeListener, type RealtimeEventInput } from './server/realtime-hub';
export { createWidgetHandlers, type WidgetHandlers, type WidgetHandlersOptions } from './server/widget-handlers';
export { dataUrlUpload, type StoreUpload } from './server/widget-api-routes';
export { toWidgetNodeHandler } from './server/node-adapter';
export { computeIdentityHash, verifyIdentityHash } from './server/identity';
export { signVisitorToken, verifyVisitorToken, type VisitorClaims } from './server/visitor-token';
export { encodeWebConversationId, decodeWebConversationId, type WebConversationRef } from './server/conversation-id';
export { widgetSettingsSchema, isOriginAllowed, normaliseOrigin, type WidgetSettings, type WidgetSettingsInput } from './server/widget-settings';
export { sniffImageType, type SniffedImageType } from './server/uploads';
export { sseFrame } from './server/sse';
export { widgetAssets, widgetAssetsDir } from './assets/widget-assets';
export { buildWidgetAssets, WIDGET_FILES, type WidgetAsset, type WidgetAssets } from './assets/build-widget';
export * from './client/protocol';
export { widgetSnippet, type WidgetSnippetOptions } from './client/snippet';
