/**
 * `@agent-chatbot/channel-web/client`: what the browser widget and its hosts share — the realtime
 * event and config shapes, the postMessage protocol and the embedding snippet. The browser code
 * itself ships as built files (`dist/widget/widget.js`, `chat.js`, `chat.css`).
 *
 * @packageDocumentation
 */
export * from './protocol';
export * from './snippet';
