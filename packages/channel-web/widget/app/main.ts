/**
 * The chat app inside the widget iframe: starts or resumes the session (visitor token in
 * localStorage), shows history, streams answers over SSE and sends text and images.
 */
import { WIDGET_MESSAGE, type PublicWidgetConfig, type RealtimeEvent, type RealtimeMessageEvent, type WidgetSession } from '../../src/client/protocol';
import { ApiError, createApi, randomId } from './api';
import { STRINGS } from './i18n';
import { h, messageBubble, renderShell, type ChatView } from './view';

const root = document.getElementById('acb-app') as HTMLElement;
const { key = '', origin = '', base = '/widget-api' } = root.dataset;
const lang = root.dataset.lang === 'en' ? 'en' : 'vi';
const t = STRINGS[lang];
const api = createApi(base, lang);
const storageKey = `acb:${key}`;

function tell(type: string): void {
  // Pinned to the embedding origin the server approved; never '*'.
  if (window.parent !== window) window.parent.postMessage({ type }, origin);
}

function refuse(): void {
  root.replaceChildren(h('p', { class: 'refused', role: 'alert' }, t.refused));
  tell(WIDGET_MESSAGE.refused);
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // Storage blocked: the conversation lasts for this page view only.
  }
}

function identity(): { id: string; hash: string; name?: string } | undefined {
  const params = new URLSearchParams(location.hash.slice(1));
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  const id = params.get('uid');
  const hash = params.get('uh');
  const name = params.get('un');
  return id && hash ? { id, hash, ...(name ? { name } : {}) } : undefined;
}

async function boot(): Promise<void> {
  // Where the browser tells us who embeds us (Chromium, Safari), it must match the claimed origin.
  const ancestors = location.ancestorOrigins;
  if (ancestors && ancestors.length > 0 && ancestors[0] !== origin) return refuse();
  let config: PublicWidgetConfig;
  try {
    config = await api.config(key, origin);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return refuse();
    root.replaceChildren(h('p', { class: 'refused', role: 'alert' }, t.startFailed));
    return;
  }
  if (config.origin !== origin) return refuse();
  document.documentElement.style.setProperty('--acb-color', config.color);
  const view = renderShell(root, config, t);
  const user = identity();
  const store = storage();
  try {
    // The same identity goes with every (re)start, or a verified conversation would not resume.
    const start = (token: string | undefined) => api.session({ key, origin, ...(token ? { token } : {}), ...(user ? { user } : {}) });
    const session = await start(store?.getItem(storageKey) ?? undefined);
    store?.setItem(storageKey, session.token);
    run(view, config, session.token, session.messages, start);
  } catch (error) {
    view.status.textContent = error instanceof ApiError ? error.message : t.startFailed;
  }
}

function run(
  view: ChatView,
  config: PublicWidgetConfig,
  token: string,
  history: ReadonlyArray<RealtimeMessageEvent>,
  restart: (token: string) => Promise<WidgetSession>,
): void {
  const seen = new Set<string>();
  const pending = new Map<string, HTMLElement>();
  const streams = new Map<string, HTMLElement>();
  let lastId: string | undefined;
  let focused = document.hasFocus();

  const scroll = () => (view.log.scrollTop = view.log.scrollHeight);
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const setTyping = (on: boolean) => {
    view.typing.hidden = !on;
    clearTimeout(typingTimer);
    // No answer may come (a person took over, the bot is off): the dots must not spin forever.
    if (on) typingTimer = setTimeout(() => (view.typing.hidden = true), 30_000);
    if (on) scroll();
  };
  view.log.append(messageBubble({ role: 'bot', text: config.greeting }, t, config.botName));

  function showQuickReplies(replies: ReadonlyArray<string>): void {
    view.suggestions.replaceChildren(...replies.map((text) => {
      const button = h('button', { type: 'button' }, text);
      button.addEventListener('click', () => void send(text));
      return button;
    }));
  }

  function onMessage(message: RealtimeMessageEvent): void {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    lastId = message.id;
    const bubble = messageBubble(message, t, config.botName);
    const replaced = (message.clientId && pending.get(message.clientId)) || (message.streamId && streams.get(message.streamId));
    if (replaced) replaced.replaceWith(bubble);
    else view.log.append(bubble);
    if (message.clientId) pending.delete(message.clientId);
    if (message.streamId) streams.delete(message.streamId);
    // Buttons belong to the latest reply: once the visitor has written (here, in another tab, or
    // later in the history being replayed), the previous reply's buttons are gone.
    if (message.role === 'visitor') view.suggestions.replaceChildren();
    else {
      setTyping(false);
      if (message.quickReplies?.length) showQuickReplies(message.quickReplies);
      if (!focused) tell(WIDGET_MESSAGE.unread);
    }
    scroll();
  }

  function onEvent(event: RealtimeEvent): void {
    if (event.type === 'message') return onMessage(event);
    if (event.type === 'typing') return setTyping(event.on);
    let bubble = streams.get(event.streamId);
    if (!bubble) {
      // aria-busy: screen readers wait for the finished message instead of reading every delta.
      bubble = h('div', { class: 'msg bot', 'aria-busy': 'true' }, h('span', { class: 'sr' }, `${config.botName}: `), h('p'));
      streams.set(event.streamId, bubble);
      view.log.append(bubble);
      setTyping(false);
    }
    bubble.lastElementChild?.append(event.text);
    scroll();
  }

  async function send(text: string, image?: File): Promise<void> {
    text = text.trim();
    if (!text && !image) return;
    if (image && image.size > config.maxUploadBytes) {
      view.status.textContent = t.tooBig;
      return;
    }
    view.status.textContent = '';
    view.suggestions.replaceChildren();
    const id = randomId();
    const bubble = messageBubble({ role: 'visitor', text, ...(image ? { attachments: [{ type: 'image', url: URL.createObjectURL(image), name: image.name }] } : {}) }, t, config.botName);
    bubble.classList.add('sending');
    pending.set(id, bubble);
    view.log.append(bubble);
    setTyping(true);
    try {
      await api.send(token, id, text, image);
    } catch (error) {
      bubble.classList.add('failed');
      setTyping(false);
      view.status.textContent = error instanceof ApiError ? error.message : t.sendFailed;
    }
  }

  for (const message of history) onMessage(message);
  if (history.length === 0) showQuickReplies(config.suggestedQuestions);

  // EventSource reconnects by itself and sends Last-Event-ID; `after` covers the first connection.
  // When the server refused (token expired, deploy), it gives up: start over from the last id.
  const listen = () => {
    const source = api.events(token, lastId);
    source.onmessage = (event: MessageEvent<string>) => {
      try {
        onEvent(JSON.parse(event.data) as RealtimeEvent);
      } catch {
        // A malformed frame must not break the stream.
      }
    };
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) return;
      setTimeout(() => {
        restart(token)
          .then((session) => {
            token = session.token;
            storage()?.setItem(storageKey, token);
            session.messages.forEach(onMessage);
            listen();
          })
          .catch(() => setTimeout(listen, 10_000));
      }, 3000);
    };
  };
  listen();

  view.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = view.input.value;
    view.input.value = '';
    void send(text);
  });
  view.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      view.form.requestSubmit();
    }
  });
  view.file.addEventListener('change', () => {
    const image = view.file.files?.[0];
    view.file.value = '';
    if (image) void send(view.input.value, image).then(() => (view.input.value = ''));
  });
  view.close.addEventListener('click', () => tell(WIDGET_MESSAGE.close));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') tell(WIDGET_MESSAGE.close);
  });
  window.addEventListener('focus', () => (focused = true));
  window.addEventListener('blur', () => (focused = false));
  window.addEventListener('message', (event: MessageEvent) => {
    // Only the embedding page the server approved may talk to us.
    if (event.origin !== origin || event.source !== window.parent) return;
    if ((event.data as { type?: unknown } | null)?.type === WIDGET_MESSAGE.opened) view.input.focus();
  });
  view.input.focus();
}

void boot();
