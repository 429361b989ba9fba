/**
 * A non-fatal note from a plugin: a setting it ignored, a compatibility shim it used.
 * Unsupported *settings* become warnings; a *demanded* missing feature throws
 * {@link UnsupportedFunctionalityError} instead.
 */
export type WarningV1 =
  | { readonly type: 'unsupported'; readonly feature: string; readonly details?: string }
  | { readonly type: 'compatibility'; readonly feature: string; readonly details?: string }
  | { readonly type: 'other'; readonly message: string };

/**
 * Vendor-specific extras, keyed by plugin name, e.g.
 * `{ messenger: { tag: 'HUMAN_AGENT' }, openai: { user: 'c_123' } }`.
 * A plugin reads only its own key and ignores the rest.
 */
export type ProviderOptionsV1 = Record<string, Record<string, unknown>>;

/**
 * The structured logger plugins receive from their host. Compatible with pino's method shape:
 * `logger.info({ conversationId }, 'sent')`. Plugins never log secrets or full payloads.
 */
export interface LoggerV1 {
  /** Detail for debugging; off in production by default. */
  debug(object: Record<string, unknown>, message?: string): void;
  /** Normal operation worth recording (a message sent, a token refreshed). */
  info(object: Record<string, unknown>, message?: string): void;
  /** Something unexpected that the plugin handled (a retry, an ignored field). */
  warn(object: Record<string, unknown>, message?: string): void;
  /** A failure the plugin could not handle. */
  error(object: Record<string, unknown>, message?: string): void;
}

/** A `fetch`-compatible function; every HTTP-calling factory accepts one, so tests can inject it. */
export type FetchFunction = typeof globalThis.fetch;
