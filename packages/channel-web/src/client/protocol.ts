/**
 * The wire shapes shared by the server, the loader (`widget.js`) and the chat app. DOM-free so the
 * server and SDK code can import them too.
 */

/** A message in a web conversation, as the widget and the dashboard see it. */
export interface RealtimeMessageEvent {
  readonly type: 'message';
  /** Unique, assigned by the hub; the SSE `id:` and the `Last-Event-ID` a reconnect resumes from. */
  readonly id: string;
  readonly conversationId: string;
  readonly role: 'visitor' | 'bot' | 'agent';
  readonly text?: string;
  readonly attachments?: ReadonlyArray<{ readonly type: string; readonly url?: string; readonly mimeType?: string; readonly name?: string; readonly size?: number }>;
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
  readonly type: 'delta';
  readonly id: string;
  readonly conversationId: string;
  readonly streamId: string;
  readonly text: string;
}

/** The typing indicator turned on or off. Ephemeral. */
export interface RealtimeTypingEvent {
  readonly type: 'typing';
  readonly id: string;
  readonly conversationId: string;
  readonly on: boolean;
}

/** Every event on a conversation's realtime stream. */
export type RealtimeEvent = RealtimeMessageEvent | RealtimeDeltaEvent | RealtimeTypingEvent;

/** The branding and options `GET /widget-api/config` returns for an allowed origin. */
export interface PublicWidgetConfig {
  readonly publicKey: string;
  /** The embedding origin the server approved; the loader and the app check it is theirs. */
  readonly origin: string;
  readonly botName: string;
  readonly color: string;
  readonly logoUrl?: string;
  readonly position: 'left' | 'right';
  readonly greeting: string;
  readonly suggestedQuestions: ReadonlyArray<string>;
  readonly identity: { readonly enabled: boolean; readonly required: boolean };
  /** Largest image the visitor may upload, in bytes. */
  readonly maxUploadBytes: number;
}

/** The answer of `POST /widget-api/session`. */
export interface WidgetSession {
  readonly token: string;
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
