import type { PublicWidgetConfig, WidgetSession } from '../../src/client/protocol';

/** An error the server explained (`{ error: { message, message_vi } }`), in the UI's language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function parse<T>(response: Response, lang: 'vi' | 'en'): Promise<T> {
  if (response.ok) return (await response.json()) as T;
  let message = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { message?: string; message_vi?: string } };
    message = (lang === 'en' ? body.error?.message : body.error?.message_vi) ?? message;
  } catch {
    // Not JSON: keep the status.
  }
  throw new ApiError(response.status, message);
}

/** The widget API seen from the chat iframe (same origin as the server). */
export function createApi(base: string, lang: 'vi' | 'en') {
  const jsonPost = (path: string, body: unknown, token?: string) =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  return {
    config: (key: string, origin: string) =>
      fetch(`${base}/config?key=${encodeURIComponent(key)}&origin=${encodeURIComponent(origin)}&lang=${lang}`).then((r) => parse<PublicWidgetConfig>(r, lang)),
    session: (body: { key: string; origin: string; token?: string; user?: { id: string; hash: string; name?: string } }) =>
      jsonPost('/session', body).then((r) => parse<WidgetSession>(r, lang)),
    send: (token: string, id: string, text: string, image?: File) => {
      if (!image) return jsonPost('/messages', { id, text }, token).then((r) => parse<unknown>(r, lang));
      const form = new FormData();
      form.set('id', id);
      if (text) form.set('text', text);
      form.set('image', image);
      return fetch(`${base}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }).then((r) => parse<unknown>(r, lang));
    },
    events: (token: string, after: string | undefined) =>
      new EventSource(`${base}/events?token=${encodeURIComponent(token)}${after ? `&after=${encodeURIComponent(after)}` : ''}`),
  };
}

/** A random id usable outside secure contexts (no `crypto.randomUUID`). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
