/**
 * The wire shapes shared by the server, the loader (`widget.js`) and the chat app. DOM-free so the
 * server and SDK code can import them too.
 */

/** A message in a web conversation, as the widget and the dashboard see it. */
export interface RealtimeMessageEvent {
  /** Event kind. */
  readonly type: 'message';
  /** Unique, assigned by the hub; the SSE `id:` and the `Last-Event-ID` a reconnect resumes from. */
  readonly id: string;
  /** The widget conversation. */
  readonly conversationId: string;
  /** Who wrote it: the visitor, the bot or a staff member. */
  readonly role: 'visitor' | 'bot' | 'agent';
  /** Message text. */
  readonly text?: string;
  /** Images or files. */
  readonly attachments?: ReadonlyArray<{ readonly type: string; readonly url?: string; readonly mimeType?: string; readonly name?: string; readonly size?: number }>;
  /** Suggested answers shown as buttons. */
  readonly quickReplies?: ReadonlyArray<string>;
  /** The visitor's own message id (lets the sending tab replace its optimistic bubble). */
  readonly clientId?: string;
  /** Set when this message ends a streamed answer: the widget replaces the streaming bubble. */
  readonly streamId?: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** A piece of a streamed answer. Ephemeral: never replayed (the final message carries the whole text). */
export interface RealtimeDeltaEvent {
  /** Event kind. */
  readonly type: 'delta';
  /** Event id (resume point). */
  readonly id: string;
  /** The widget conversation. */
  readonly conversationId: string;
  /** The streamed reply this piece belongs to. */
  readonly streamId: string;
  /** Text to append. */
  readonly text: string;
}

/** The typing indicator turned on or off. Ephemeral. */
export interface RealtimeTypingEvent {
  /** Event kind. */
  readonly type: 'typing';
  /** Event id (resume point). */
  readonly id: string;
  /** The widget conversation. */
  readonly conversationId: string;
  /** Whether the typing indicator shows. */
  readonly on: boolean;
}

/** Every event on a conversation's realtime stream. */
export type RealtimeEvent = RealtimeMessageEvent | RealtimeDeltaEvent | RealtimeTypingEvent;

/** The branding and options `GET /widget-api/config` returns for an allowed origin. */
export interface PublicWidgetConfig {
  /** The tenant's public widget key. */
  readonly publicKey: string;
  /** The embedding origin the server approved; the loader and the app check it is theirs. */
  readonly origin: string;
  /** Name shown in the header. */
  readonly botName: string;
  /** Brand colour (`#rrggbb`). */
  readonly color: string;
  /** Logo shown in the header. */
  readonly logoUrl?: string;
  /** Side of the page the bubble sits on. */
  readonly position: 'left' | 'right';
  /** First message shown to a new visitor. */
  readonly greeting: string;
  /** Questions offered as buttons before the first message. */
  readonly suggestedQuestions: ReadonlyArray<string>;
  /** Whether identity verification is on and required. */
  readonly identity: { readonly enabled: boolean; readonly required: boolean };
  /** Largest image the visitor may upload, in bytes. */
  readonly maxUploadBytes: number;
}

/** The answer of `POST /widget-api/session`. */
export interface WidgetSession {
  /** Visitor token (kept in localStorage, survives reloads). */
  readonly token: string;
  /** The visitor's conversation. */
  readonly conversationId: string;
  /** Recent messages, oldest first; the SSE stream resumes after the last one. */
  readonly messages: ReadonlyArray<RealtimeMessageEvent>;
}

/** postMessage types between the loader (host page) and the chat iframe. Both sides pin the origin. */
export const WIDGET_MESSAGE = {
  /** iframe → page: close the panel. */
  close: 'acb:close',
  /** iframe → page: an answer arrived while the panel is closed. */
  unread: 'acb:unread',
  /** iframe → page: the app refused to start (origin not allowed). */
  refused: 'acb:refused',
  /** page → iframe: the panel opened; move focus into the composer. */
  opened: 'acb:opened',
} as const;

/** The default path prefix of the widget API. */
export const DEFAULT_WIDGET_BASE_PATH = '/widget-api';
