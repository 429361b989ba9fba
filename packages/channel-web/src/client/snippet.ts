/** Options of {@link widgetSnippet}. */
export interface WidgetSnippetOptions {
  /** The runtime's public origin, e.g. `https://chat.example.vn`. */
  readonly host: string;
  /** The tenant's public widget key (`data-key`). */
  readonly publicKey: string;
  /** `'en'` for an English UI; Vietnamese by default (or the page's `<html lang>`). */
  readonly lang?: 'vi' | 'en';
}

const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The one-line embedding snippet (what `agent-chatbot widget snippet` prints).
 *
 * @example
 * ```ts
 * widgetSnippet({ host: 'https://chat.example.vn', publicKey: 'pk_shop' });
 * // <script src="https://chat.example.vn/widget.js" data-key="pk_shop" async></script>
 * ```
 */
export function widgetSnippet(options: WidgetSnippetOptions): string {
  const host = options.host.replace(/\/+$/, '');
  const lang = options.lang === 'en' ? ' data-lang="en"' : '';
  return `<script src="${attr(host)}/widget.js" data-key="${attr(options.publicKey)}"${lang} async></script>`;
}
