import { NotFoundError } from '@agent-chatbot/core';
import type { PublicWidgetConfig } from '../client/protocol';
import { DEFAULT_WIDGET_BASE_PATH } from '../client/protocol';
import type { WidgetAsset, WidgetAssets } from '../assets/build-widget';
import { widgetAssets } from '../assets/widget-assets';
import { errorResponse, json, toErrorResponse } from './http-responses';
import { renderFramePage, renderRefusalPage } from './frame-page';
import { dataUrlUpload, originNotAllowed, postMessage, startSession, streamEvents, type RouteContext, type StoreUpload } from './widget-api-routes';
import type { WebChannel } from './web-channel';
import { isOriginAllowed, normaliseOrigin, widgetSettingsSchema, type WidgetSettings, type WidgetSettingsInput } from './widget-settings';

/** Options of {@link createWidgetHandlers}. */
export interface WidgetHandlersOptions {
  /** The web channel visitor messages go to. */
  readonly channel: WebChannel;
  /** The same secret the channel was created with (tokens are issued here, verified there). */
  readonly tokenSecret: string;
  /** Looks a widget up by its public key (the runtime reads the tenant's web connection); `null`: unknown. */
  readonly resolveWidget: (publicKey: string) => Promise<WidgetSettingsInput | null>;
  /** Path prefix of the API and the chat page. Default `/widget-api`. */
  readonly basePath?: string;
  /** Where the loader is served. Default `/widget.js`. */
  readonly loaderPath?: string;
  /** Largest image a visitor may upload. Default 5 MB. */
  readonly maxUploadBytes?: number;
  /** Stores uploaded images. Default: inline `data:` URLs. */
  readonly storeUpload?: StoreUpload;
  /** The built files; default {@link widgetAssets}. */
  readonly assets?: WidgetAssets | (() => Promise<WidgetAssets>);
  /** SSE heartbeat interval. Default 20 s. */
  readonly heartbeatMs?: number;
  /** This server's public origin (behind proxies), to tell the iframe's own requests from the host page's. */
  readonly publicOrigin?: string;
  /** Unexpected errors (500s). Default `console.error`. */
  readonly onError?: (error: unknown) => void;
}

/** The widget's HTTP surface as one fetch handler. */
export interface WidgetHandlers {
  /** Answers the widget routes; other paths get a 404 marked `x-agent-chatbot-route: none` (pass-through). */
  fetch(request: Request): Promise<Response>;
  /** Whether a path belongs to the widget (to mount it next to other routes). */
  matches(pathname: string): boolean;
}

/**
 * Creates the widget's framework-agnostic handlers: `GET /widget.js`, `GET <base>/config`,
 * `GET <base>/frame` (the chat app, with `frame-ancestors` from the allowed origins),
 * `GET <base>/chat.js|chat.css`, `POST <base>/session`, `POST <base>/messages`, `GET <base>/events` (SSE).
 *
 * @example
 * ```ts
 * const widget = createWidgetHandlers({ channel: web, tokenSecret, resolveWidget: (key) => tenants.widgetByKey(key) });
 * app.use(toNodeHandler(widget.fetch, { passThroughNotFound: true })); // from @agent-chatbot/channel-web
 * ```
 */
export function createWidgetHandlers(options: WidgetHandlersOptions): WidgetHandlers {
  const base = (options.basePath ?? DEFAULT_WIDGET_BASE_PATH).replace(/\/+$/, '');
  const loaderPath = options.loaderPath ?? '/widget.js';
  const maxUploadBytes = options.maxUploadBytes ?? 5 * 1024 * 1024;
  const loadAssets = typeof options.assets === 'function' ? options.assets : options.assets ? async () => options.assets as WidgetAssets : widgetAssets;

  const settings = async (publicKey: string): Promise<WidgetSettings | null> => {
    const raw = await options.resolveWidget(publicKey);
    return raw ? widgetSettingsSchema.parse(raw) : null;
  };
  const context: RouteContext = {
    channel: options.channel,
    tokenSecret: options.tokenSecret,
    settings,
    maxUploadBytes,
    storeUpload: options.storeUpload ?? dataUrlUpload,
    heartbeatMs: options.heartbeatMs ?? 20_000,
  };

  /** The embedding page's origin: the browser's `Origin` for the loader's cross-origin fetch, else `?origin=` from the iframe. */
  function embeddingOrigin(request: Request, url: URL): string | null {
    const header = normaliseOrigin(request.headers.get('origin'));
    const self = normaliseOrigin(options.publicOrigin) ?? url.origin;
    if (header && header !== self) return header;
    return normaliseOrigin(url.searchParams.get('origin'));
  }

  async function config(request: Request, url: URL): Promise<Response> {
    const origin = embeddingOrigin(request, url);
    const cors: Record<string, string> = origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' };
    const found = await settings(url.searchParams.get('key') ?? '');
    if (!found) return errorResponse(new NotFoundError('Unknown widget key', 'Không tìm thấy khung chat với mã này'), cors);
    if (!isOriginAllowed(origin, found.allowedOrigins)) {
      return errorResponse(originNotAllowed(), cors);
    }
    const en = url.searchParams.get('lang') === 'en';
    const body: PublicWidgetConfig = {
      publicKey: found.publicKey,
      origin: origin as string,
      botName: found.botName,
      color: found.color,
      ...(found.logoUrl ? { logoUrl: found.logoUrl } : {}),
      position: found.position,
      greeting: (en ? found.greeting?.en : undefined) ?? found.greeting?.vi ?? (en ? 'Hello! How can we help you?' : 'Xin chào! Shop có thể giúp gì cho bạn?'),
      suggestedQuestions: (en ? found.suggestedQuestions?.en : undefined) ?? found.suggestedQuestions?.vi ?? [],
      identity: { enabled: found.identitySecret !== undefined, required: found.identityRequired },
      maxUploadBytes,
    };
    return json(body, 200, { ...cors, 'cache-control': 'private, max-age=60' });
  }

  async function frame(url: URL): Promise<Response> {
    const found = await settings(url.searchParams.get('key') ?? '');
    const origin = normaliseOrigin(url.searchParams.get('origin'));
    const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'vi';
    if (!found || !origin || !isOriginAllowed(origin, found.allowedOrigins)) {
      return new Response(renderRefusalPage(lang), {
        status: 403,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" },
      });
    }
    const assets = await loadAssets();
    return renderFramePage({ base, settings: found, origin, lang, assets });
  }

  function asset(request: Request, file: WidgetAsset, cacheControl: string): Response {
    if (request.headers.get('if-none-match') === file.etag) return new Response(null, { status: 304, headers: { etag: file.etag } });
    return new Response(file.body, {
      headers: { 'content-type': file.contentType, etag: file.etag, 'cache-control': cacheControl, 'access-control-allow-origin': '*', 'x-content-type-options': 'nosniff' },
    });
  }

  const matches = (pathname: string) => pathname === loaderPath || pathname === base || pathname.startsWith(`${base}/`);

  return {
    matches,
    async fetch(request) {
      const url = new URL(request.url);
      const route = `${request.method} ${url.pathname === loaderPath ? 'LOADER' : url.pathname.slice(base.length)}`;
      if (!matches(url.pathname)) return new Response('Not found', { status: 404, headers: { 'x-agent-chatbot-route': 'none' } });
      try {
        switch (route) {
          case 'GET LOADER':
            // Short cache: the loader's URL never changes, so updates must reach pages soon.
            return asset(request, (await loadAssets()).loader, 'public, max-age=300');
          case 'GET /chat.js':
            return asset(request, (await loadAssets()).appScript, 'public, max-age=31536000, immutable');
          case 'GET /chat.css':
            return asset(request, (await loadAssets()).appStyle, 'public, max-age=31536000, immutable');
          case 'GET /config':
            return await config(request, url);
          case 'GET /frame':
            return await frame(url);
          case 'POST /session':
            return await startSession(request, context);
          case 'POST /messages':
            return await postMessage(request, context);
          case 'GET /events':
            return await streamEvents(request, context);
          default:
            return errorResponse(new NotFoundError('Unknown widget route', 'Không có đường dẫn này'));
        }
      } catch (error) {
        return toErrorResponse(error, options.onError ?? ((unexpected) => console.error('widget handler failed', unexpected)));
      }
    },
  };
}
