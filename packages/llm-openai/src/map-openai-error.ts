import { TimeoutError, type AgentChatbotError } from '@agent-chatbot/core';
import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { mapHttpFailure } from '@agent-chatbot/core';

/** Maps an `openai` SDK error to core's typed errors; `undefined` when it is not an SDK error. */
export function mapOpenAIError(error: unknown, context: { label: string; provider: string }): AgentChatbotError | undefined {
  if (error instanceof APIConnectionTimeoutError) {
    return new TimeoutError(`${context.label} did not answer in time`, `${context.label} không phản hồi kịp thời`, { cause: error });
  }
  // A user abort without our deadline or the caller's signal firing cannot happen; let the caller's mapping decide.
  if (error instanceof APIUserAbortError) return undefined;
  if (error instanceof APIError && typeof error.status === 'number') {
    const upstream = (error.error as { message?: unknown } | undefined)?.message;
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
