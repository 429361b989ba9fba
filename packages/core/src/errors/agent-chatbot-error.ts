const marker = Symbol.for('agent-chatbot.error');

/** Who caused an error: the caller (4xx), us (5xx), or a third party (provider, gateway). */
export type ErrorCategory = 'user' | 'system' | 'third-party';

/** Options shared by every {@link AgentChatbotError}. */
export interface AgentChatbotErrorOptions {
  /** Stable machine-readable code, e.g. `'validation_failed'`. */
  code: string;
  /** English message. */
  message: string;
  /** Vietnamese message, shown first to people. */
  messageVi: string;
  /** HTTP status the runtime answers with. */
  status: number;
  /** Error family; derived from the status when omitted. */
  category?: ErrorCategory;
  /** Whether retrying the same operation may succeed; defaults to true for 408/409/429/5xx. */
  isRetryable?: boolean;
  /** Extra details safe to show the caller (field errors, limits). */
  details?: Record<string, unknown>;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The root of every error agent-chatbot throws. Recognised across duplicate installs of core with
 * {@link AgentChatbotError.isInstance} (a `Symbol.for` marker), not `instanceof`.
 */
export class AgentChatbotError extends Error {
  private readonly [marker] = true;
  /** Stable machine-readable code, e.g. `rate_limited`. */
  readonly code: string;
  /** The message in Vietnamese (shown first to people). */
  readonly messageVi: string;
  /** HTTP status the error maps to. */
  readonly status: number;
  /** Error family. */
  readonly category: ErrorCategory;
  /** Whether retrying the same call may succeed. */
  readonly isRetryable: boolean;
  /** Extra structured details, safe to show. */
  readonly details: Record<string, unknown> | undefined;

  constructor(options: AgentChatbotErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = 'AgentChatbotError';
    this.code = options.code;
    this.messageVi = options.messageVi;
    this.status = options.status;
    this.category = options.category ?? (options.status >= 500 ? 'system' : 'user');
    this.isRetryable = options.isRetryable ?? ([408, 409, 429].includes(options.status) || options.status >= 500);
    this.details = options.details;
  }

  /** True for any agent-chatbot error, even one thrown by another copy of core. */
  static isInstance(error: unknown): error is AgentChatbotError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }

  /** The JSON body the runtime answers with: `{ error: { code, message, message_vi, details? } }`. */
  toJSON(): { error: { code: string; message: string; message_vi: string; details?: Record<string, unknown> } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        message_vi: this.messageVi,
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}
