/**
 * One call for the engine wiring to wrap every model (and embedding) call in: a client span
 * (child of the request's or job's span), the `llm_*` metrics with status `ok` or the error's code,
 * and token counts read from the result.
 */
import { AgentChatbotError } from '@agent-chatbot/core';
import { recordEmbedding, recordLlmCall, secondsSince } from './metrics';
import { SpanKind, withSpan } from './tracing';

/** Which model a call goes to, and whose key pays. */
export interface LlmCallInfo {
  provider: string;
  model: string;
  keySource?: 'platform' | 'own';
}

/** Token usage read from a call's result. */
export interface LlmUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/** The status label of a failed call: the typed error's code, else `error`. */
export function llmErrorStatus(error: unknown): string {
  return AgentChatbotError.isInstance(error) ? error.code : 'error';
}

/**
 * Runs one model call inside a span and records it.
 *
 * @example
 * const result = await instrumentLlmCall({ provider: 'openai', model: 'gpt-4.1-mini', keySource: 'platform' },
 *   () => model.generate(request), (r) => ({ inputTokens: r.usage.inputTokens, outputTokens: r.usage.outputTokens }));
 */
export async function instrumentLlmCall<T>(info: LlmCallInfo, call: () => Promise<T>, usage?: (result: T) => LlmUsage): Promise<T> {
  const started = process.hrtime.bigint();
  return withSpan(
    `llm ${info.provider} ${info.model}`,
    { kind: SpanKind.CLIENT, attributes: { 'gen_ai.system': info.provider, 'gen_ai.request.model': info.model } },
    async (span) => {
      try {
        const result = await call();
        const used = usage?.(result) ?? {};
        if (used.inputTokens !== undefined) span.setAttribute('gen_ai.usage.input_tokens', used.inputTokens);
        if (used.outputTokens !== undefined) span.setAttribute('gen_ai.usage.output_tokens', used.outputTokens);
        recordLlmCall({ ...info, status: 'ok', durationSeconds: secondsSince(started), ...used });
        return result;
      } catch (error) {
        recordLlmCall({ ...info, status: llmErrorStatus(error), durationSeconds: secondsSince(started) });
        throw error;
      }
    },
  );
}

/** Runs one embedding call inside a span and records `embedding_duration_seconds`. */
export async function instrumentEmbedding<T>(info: { provider: string; model: string }, call: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  return withSpan(`embed ${info.provider} ${info.model}`, { kind: SpanKind.CLIENT, attributes: { 'gen_ai.system': info.provider, 'gen_ai.request.model': info.model } }, async () => {
    try {
      return await call();
    } finally {
      recordEmbedding(secondsSince(started));
    }
  });
}
