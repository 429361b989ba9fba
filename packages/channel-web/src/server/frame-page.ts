import type { WidgetAssets } from '../assets/build-widget';
import { frameAncestors, type WidgetSettings } from './widget-settings';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const version = (etag: string) => encodeURIComponent(etag.replace(/"/g, ''));

/**
 * The chat app's HTML. `frame-ancestors` lists the tenant's allowed origins, so the browser itself
 * refuses to render the chat inside any other site, whatever a page claims in `?origin=`.
 */
export function renderFramePage(options: { base: string; settings: WidgetSettings; origin: string; lang: 'vi' | 'en'; assets: WidgetAssets }): Response {
  const { base, settings, origin, lang, assets } = options;
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(settings.botName)}</title><link rel="stylesheet" href="${base}/chat.css?v=${version(assets.appStyle.etag)}"></head><body><div id="acb-app" data-key="${escapeHtml(settings.publicKey)}" data-origin="${escapeHtml(origin)}" data-lang="${lang}" data-base="${escapeHtml(base)}"></div><script src="${base}/chat.js?v=${version(assets.appScript.etag)}"></script></body></html>`;
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob: https:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors(settings.allowedOrigins)}`,
  ].join('; ');
  return new Response(html, {
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' },
  });
}

/** The page shown instead of the chat when the embedding site is not allowed (no script at all). */
export function renderRefusalPage(lang: 'vi' | 'en'): string {
  const vi = 'Trang web này không được phép dùng khung chat này.';
  const en = 'This website is not allowed to use this chat widget.';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Chat</title></head><body style="font:14px system-ui;padding:16px"><p role="alert">${lang === 'en' ? `${en}<br>${vi}` : `${vi}<br>${en}`}</p></body></html>`;
}
