import { AgentChatbotError, errorResponse as coreErrorResponse } from '@agent-chatbot/core';

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** The runtime's error body `{ error: { code, message, message_vi } }` with the error's status, never cached. */
export function errorResponse(error: AgentChatbotError, headers: Record<string, string> = {}): Response {
  return coreErrorResponse(error, { 'cache-control': 'no-store', ...headers });
}

/** A bilingual error with any status (415 and friends that core has no class for). */
export function httpError(status: number, code: string, message: string, messageVi: string): AgentChatbotError {
  return new AgentChatbotError({ status, code, message, messageVi, isRetryable: status >= 500 });
}

/** Turns anything thrown into a response: typed errors keep their status, the rest is a logged 500. */
export function toErrorResponse(error: unknown, onUnexpected?: (error: unknown) => void): Response {
  if (AgentChatbotError.isInstance(error)) return errorResponse(error);
  onUnexpected?.(error);
  return errorResponse(httpError(500, 'internal_error', 'Something went wrong', 'Đã có lỗi xảy ra, vui lòng thử lại'));
}
