import { AgentChatbotError, SignatureError, ValidationError } from '@agent-chatbot/core';

/** A JSON response carrying an agent-chatbot error body (`{ error: { code, message, message_vi } }`). */
export function errorResponse(error: AgentChatbotError): Response {
  return Response.json(error.toJSON(), { status: error.status });
}

/** 401 for a missing, forged or stale signature. */
export function signatureRejected(reason: string, reasonVi: string): Response {
  return errorResponse(new SignatureError(`Invalid webhook signature: ${reason}`, `Chữ ký webhook không hợp lệ: ${reasonVi}`));
}

/** 400 for a body that is not the provider's JSON. */
export function malformedBody(details?: Record<string, unknown>): Response {
  return errorResponse(
    new ValidationError('Webhook body is not valid JSON for this channel', 'Nội dung webhook không phải JSON hợp lệ của kênh này', { details }),
  );
}

/** 503 when the host could not store the events: the provider retries later, nothing is lost. */
export function receiveFailed(): Response {
  return errorResponse(
    new AgentChatbotError({
      code: 'webhook_store_failed',
      message: 'Could not record the events; the provider should retry',
      messageVi: 'Chưa lưu được sự kiện; nhà cung cấp sẽ gửi lại',
      status: 503,
      category: 'system',
    }),
  );
}

/** 200 with a tiny JSON body; providers only look at the status. */
export function ok(): Response {
  return Response.json({ ok: true }, { status: 200 });
}
