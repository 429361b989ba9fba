import type { PublicWidgetConfig, RealtimeMessageEvent } from '../../src/client/protocol';
import type { Strings } from './i18n';

/** Creates an element with attributes and children (text or nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** The chat UI's live parts. */
export interface ChatView {
  readonly log: HTMLElement;
  readonly typing: HTMLElement;
  readonly suggestions: HTMLElement;
  readonly form: HTMLFormElement;
  readonly input: HTMLTextAreaElement;
  readonly file: HTMLInputElement;
  readonly status: HTMLElement;
  readonly close: HTMLButtonElement;
}

/** Builds the chat layout: header, message log (ARIA live), suggestions, typing indicator, composer. */
export function renderShell(root: HTMLElement, config: PublicWidgetConfig, t: Strings): ChatView {
  const logo = config.logoUrl ? h('img', { class: 'logo', src: config.logoUrl, alt: '' }) : h('span', { class: 'logo', 'aria-hidden': 'true' }, config.botName.charAt(0));
  const close = h('button', { type: 'button', class: 'icon', 'aria-label': t.close }, '×');
  const header = h('header', {}, logo, h('h1', { id: 'acb-title' }, config.botName), close);
  // role=log is polite by default: screen readers announce new messages without interrupting.
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.log, tabindex: '0' });
  const typing = h('div', { class: 'typing', hidden: '' }, h('span', { 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), h('span', { class: 'sr' }, t.typing));
  const suggestions = h('div', { class: 'suggestions', role: 'group', 'aria-label': t.suggested });
  const input = h('textarea', { id: 'acb-input', rows: '1', placeholder: t.placeholder, maxlength: '4000', autocomplete: 'off' });
  const file = h('input', { id: 'acb-file', type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp', class: 'sr' });
  const clip = h('span', { 'aria-hidden': 'true' });
  // Static markup (no user data): an emoji would depend on the visitor's fonts.
  clip.innerHTML = '<svg viewBox="0 0 24 24" width="22" height="22"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"/></svg>';
  const attach = h('label', { for: 'acb-file', class: 'icon attach', title: t.attach }, h('span', { class: 'sr' }, t.attach), clip);
  const send = h('button', { type: 'submit', class: 'send' }, t.send);
  const form = h('form', { class: 'composer' }, h('label', { for: 'acb-input', class: 'sr' }, t.inputLabel), file, attach, input, send);
  const status = h('div', { class: 'status', role: 'alert' });
  const main = h('main', { 'aria-labelledby': 'acb-title' }, log, typing, suggestions, status, form);
  root.replaceChildren(header, main);
  return { log, typing, suggestions, form, input, file, status, close };
}

/** Renders one message bubble (text is set as text, never as HTML). */
export function messageBubble(message: Pick<RealtimeMessageEvent, 'role' | 'text' | 'attachments'>, t: Strings, botName: string): HTMLElement {
  const who = message.role === 'visitor' ? t.you : message.role === 'agent' ? t.agent : botName;
  const bubble = h('div', { class: `msg ${message.role}` }, h('span', { class: 'sr' }, `${who}: `));
  for (const attachment of message.attachments ?? []) {
    if (attachment.type === 'image' && attachment.url) bubble.append(h('img', { src: attachment.url, alt: attachment.name ?? t.image }));
  }
  if (message.text) bubble.append(h('p', {}, message.text));
  return bubble;
}
