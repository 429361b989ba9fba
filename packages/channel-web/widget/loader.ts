/**
 * widget.js: the loader the host page embeds. It checks with the server that this page's origin
 * may run the widget (the browser's `Origin` header cannot be forged), draws the bubble and opens
 * the chat app in an iframe. postMessage always names the widget's origin and checks `event.origin`.
 */
import { DEFAULT_WIDGET_BASE_PATH, WIDGET_MESSAGE, type PublicWidgetConfig } from '../src/client/protocol';

type Css = Partial<CSSStyleDeclaration>;

const script = (document.currentScript ?? document.querySelector('script[data-key][src*="widget.js"]')) as HTMLScriptElement | null;
const flag = '__agentChatbotWidget';
const globals = window as unknown as Record<string, unknown>;

if (script && !globals[flag]) {
  globals[flag] = true;
  start(script);
}

function start(tag: HTMLScriptElement): void {
  const data = tag.dataset;
  // The API (and the iframe) live next to the script, or at `data-base` (a path or a full URL) when
  // widget.js itself is served from a CDN. postMessage is pinned to that origin.
  const apiUrl = new URL(data.base ?? DEFAULT_WIDGET_BASE_PATH, new URL(tag.src, location.href));
  const widgetOrigin = apiUrl.origin;
  const api = apiUrl.href.replace(/\/+$/, '');
  const lang = data.lang === 'en' || (!data.lang && /^en\b/i.test(document.documentElement.lang)) ? 'en' : 'vi';
  const t =
    lang === 'en'
      ? { open: 'Open chat', close: 'Close chat', refused: 'This website is not allowed to use this chat widget.' }
      : { open: 'Mở khung chat', close: 'Đóng khung chat', refused: 'Trang web này không được phép dùng khung chat này.' };
  const key = data.key;
  // Opaque origins (file:, sandboxed frames) can never be on an allow-list.
  if (!key || location.origin === 'null') return;

  // Cross-origin pages are judged by the browser's Origin header (the server ignores `origin=` then);
  // a page on the widget's own origin sends no Origin header on GET, hence the parameter.
  fetch(`${api}/config?key=${encodeURIComponent(key)}&lang=${lang}&origin=${encodeURIComponent(location.origin)}`, { credentials: 'omit' })
    .then((response) => (response.ok ? (response.json() as Promise<PublicWidgetConfig>) : Promise.reject(response.status)))
    .then((config) => {
      // Belt and braces: the approval must be for this very page's origin.
      if (config.origin !== location.origin) return Promise.reject(403);
      mount(config);
    })
    .catch((status) => console.warn(`[chat widget] ${t.refused} (${status})`));

  function mount(config: PublicWidgetConfig): void {
    const side = config.position === 'left' ? 'left' : 'right';
    const mobile = matchMedia('(max-width: 480px)');
    const bubble = document.createElement('button');
    bubble.type = 'button';
    bubble.setAttribute('aria-label', t.open);
    bubble.setAttribute('aria-expanded', 'false');
    bubble.setAttribute('aria-controls', 'acb-panel');
    bubble.innerHTML =
      '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.5 3.4 6L4.5 21l4.3-2.3c1 .3 2.1.4 3.2.4 5.5 0 10-3.6 10-8s-4.5-8-10-8z"/></svg>';
    style(bubble, {
      position: 'fixed', bottom: '20px', [side]: '20px', width: '60px', height: '60px', borderRadius: '50%', border: '0',
      background: config.color, color: '#fff', cursor: 'pointer', boxShadow: '0 4px 14px rgba(0,0,0,.25)', zIndex: '2147483000',
      display: 'flex', alignItems: 'center', justifyContent: 'center', padding: '0',
    } as Css);
    const badge = document.createElement('span');
    style(badge, { position: 'absolute', top: '4px', right: '4px', width: '12px', height: '12px', borderRadius: '50%', background: '#e5484d', display: 'none' });
    bubble.appendChild(badge);

    const panel = document.createElement('div');
    panel.id = 'acb-panel';
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', config.botName);
    style(panel, { position: 'fixed', zIndex: '2147483001', display: 'none', boxShadow: '0 8px 30px rgba(0,0,0,.25)', borderRadius: '14px', overflow: 'hidden', background: '#fff' });
    const layout = () =>
      style(panel, mobile.matches
        ? ({ inset: '0', width: '100%', height: '100%', borderRadius: '0', bottom: '0', [side]: '0' } as Css)
        : ({ inset: 'auto', bottom: '92px', [side]: '20px', width: '380px', height: 'min(640px, calc(100vh - 120px))', borderRadius: '14px' } as Css));
    layout();
    mobile.addEventListener?.('change', layout);

    let frame: HTMLIFrameElement | undefined;
    let open = false;

    function post(type: string): void {
      // Pinned target origin: only the widget's own origin may read what we send.
      frame?.contentWindow?.postMessage({ type }, widgetOrigin);
    }

    function setOpen(next: boolean): void {
      open = next;
      bubble.setAttribute('aria-expanded', String(next));
      bubble.setAttribute('aria-label', next ? t.close : t.open);
      panel.style.display = next ? 'block' : 'none';
      if (next) {
        badge.style.display = 'none';
        if (!frame) {
          frame = document.createElement('iframe');
          const user = data.userId && data.userHash ? `#uid=${encodeURIComponent(data.userId)}&uh=${encodeURIComponent(data.userHash)}${data.userName ? `&un=${encodeURIComponent(data.userName)}` : ''}` : '';
          frame.src = `${api}/frame?key=${encodeURIComponent(config.publicKey)}&origin=${encodeURIComponent(location.origin)}&lang=${lang}${user}`;
          frame.title = config.botName;
          style(frame, { border: '0', width: '100%', height: '100%', display: 'block' });
          frame.addEventListener('load', () => post(WIDGET_MESSAGE.opened));
          panel.appendChild(frame);
        } else post(WIDGET_MESSAGE.opened);
        frame.focus();
      } else bubble.focus();
    }

    bubble.addEventListener('click', () => setOpen(!open));
    window.addEventListener('message', (event: MessageEvent) => {
      // Only our own iframe, from the widget's origin, may steer the panel.
      if (event.origin !== widgetOrigin || !frame || event.source !== frame.contentWindow) return;
      const type = (event.data as { type?: unknown } | null)?.type;
      if (type === WIDGET_MESSAGE.close) setOpen(false);
      else if (type === WIDGET_MESSAGE.unread && !open) badge.style.display = 'block';
      else if (type === WIDGET_MESSAGE.refused) {
        setOpen(false);
        bubble.remove();
        panel.remove();
      }
    });
    document.body.appendChild(panel);
    document.body.appendChild(bubble);
  }
}

function style(element: HTMLElement, css: Css): void {
  Object.assign(element.style, css);
}
