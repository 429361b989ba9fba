import { TimeoutError, type AgentChatbotError } from '@agent-chatbot/core';
import { APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { mapHttpFailure } from '@agent-chatbot/core';

/** Maps an `@anthropic-ai/sdk` error to core's typed errors; `undefined` when it is not an SDK error. */
export function mapAnthropicError(error: unknown, context: { label: string; provider: string }): AgentChatbotError | undefined {
  if (error instanceof APIConnectionTimeoutError) {
    return new TimeoutError(`${context.label} did not answer in time`, `${context.label} không phản hồi kịp thời`, { cause: error });
  }
  // Aborts are decided by the call's deadline (ours → TimeoutError, the caller's → their reason).
  if (error instanceof APIUserAbortError) return undefined;
  if (error instanceof APIError && typeof error.status === 'number') {
    // Anthropic error bodies look like { type: 'error', error: { type, message } }.
    const body = error.error as { error?: { message?: unknown } } | undefined;
    const upstream = body?.error?.message;
    return mapHttpFailure({
      ...context,
      status: error.status,
      headers: error.headers,
      message: typeof upstream === 'string' ? upstream : error.message,
      cause: error,
    });
  }
  return undefined;
}
