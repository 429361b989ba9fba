import type { ProviderOptionsV1, WarningV1 } from '../../shared/v1';

/** One message of a prompt. Retrieved knowledge and customer text travel as data inside these. */
export type LanguageModelV1Message =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string };

/** The ordered messages sent to a model. The first message is usually the system prompt. */
export type LanguageModelV1Prompt = ReadonlyArray<LanguageModelV1Message>;

/** Options for one model call. Only core helpers build these. */
export interface LanguageModelV1CallOptions {
  /** The prompt: system, user and assistant messages. */
  readonly prompt: LanguageModelV1Prompt;
  /** Upper bound on generated tokens (the tenant's answer-length cap ends up here). */
  readonly maxOutputTokens?: number;
  /** Sampling temperature, 0–2. Providers that ignore it return a warning. */
  readonly temperature?: number;
  /** Cancels the call (timeouts are implemented with it). */
  readonly abortSignal?: AbortSignal;
  /** Extra HTTP headers for providers that speak HTTP. */
  readonly headers?: Record<string, string | undefined>;
  /** Vendor extras keyed by plugin name. */
  readonly providerOptions?: ProviderOptionsV1;
}

/**
 * Token usage as the provider reported it. Every number may be `undefined` (local models often
 * report nothing); billing uses only what the provider reported, never an estimate.
 */
export interface LanguageModelV1Usage {
  /** Prompt tokens (and cached prompt tokens) the provider reported. */
  readonly inputTokens: { readonly total: number | undefined; readonly cacheRead?: number | undefined };
  /** Completion tokens the provider reported. */
  readonly outputTokens: { readonly total: number | undefined };
  /** The provider's raw usage object, for debugging. */
  readonly raw?: Record<string, unknown>;
}

/** Why generation stopped. */
export type LanguageModelV1FinishReason = 'stop' | 'length' | 'content-filter' | 'error' | 'other';

/** The result of {@link LanguageModelV1.doGenerate}. */
export interface LanguageModelV1GenerateResult {
  /** The generated text. */
  readonly text: string;
  /** Why generation stopped. */
  readonly finishReason: LanguageModelV1FinishReason;
  /** Provider-reported token usage. */
  readonly usage: LanguageModelV1Usage;
  /** Settings the provider ignored or changed. */
  readonly warnings: WarningV1[];
  /** Provider response metadata. */
  readonly response?: { readonly id?: string; readonly modelId?: string; readonly headers?: Record<string, string> };
}

/**
 * One part of a streamed answer, named noun-verb: `text-delta` carries text; `finish` ends the
 * stream with usage; `error` reports a failure after the stream started.
 */
export type LanguageModelV1StreamPart =
  | { readonly type: 'text-delta'; readonly delta: string }
  | {
      readonly type: 'finish';
      readonly finishReason: LanguageModelV1FinishReason;
      readonly usage: LanguageModelV1Usage;
    }
  | { readonly type: 'error'; readonly error: unknown };

/** The result of {@link LanguageModelV1.doStream}. */
export interface LanguageModelV1StreamResult {
  /** Text deltas, then one `finish` part with usage. */
  readonly stream: ReadableStream<LanguageModelV1StreamPart>;
  /** Settings the provider ignored or changed. */
  readonly warnings: WarningV1[];
  /** Provider response metadata. */
  readonly response?: { readonly headers?: Record<string, string> };
}

/**
 * A chat language model, version 1 of the spec. Plain object or class built by a cheap synchronous
 * factory (`createOpenAI({ apiKey }).languageModel('gpt-4o-mini')`). The `do*` methods are called
 * only by core helpers (the engine, middleware), never by applications directly.
 *
 * Errors thrown must be {@link AgentChatbotError}s ({@link RateLimitError}, {@link AuthenticationError},
 * {@link TimeoutError}, {@link ProviderError}) so the engine can retry, fail over or report them.
 *
 * @example
 * ```ts
 * const model = createOpenAI({ apiKey }).languageModel('gpt-4o-mini');
 * const bot = createBot({ model, retriever });
 * ```
 */
export interface LanguageModelV1 {
  /** Always `'v1'`; a breaking change adds `LanguageModelV2`, never edits this one. */
  readonly specificationVersion: 'v1';
  /** Provider id, e.g. `'openai.chat'`, `'anthropic.messages'`, `'ollama.chat'`. */
  readonly provider: string;
  /** Model id as the provider names it, e.g. `'gpt-4o-mini'`. */
  readonly modelId: string;
  /** Generates a whole answer. */
  doGenerate(options: LanguageModelV1CallOptions): PromiseLike<LanguageModelV1GenerateResult>;
  /** Streams an answer as {@link LanguageModelV1StreamPart}s. */
  doStream(options: LanguageModelV1CallOptions): PromiseLike<LanguageModelV1StreamResult>;
}
