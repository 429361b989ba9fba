/**
 * The answers a channel's webhook handler gives its provider, the same for every channel: providers
 * look only at the status (2xx: delivered; 4xx: do not retry; 5xx: retry later), people read the
 * bilingual body.
 * @packageDocumentation
 */
import { AgentChatbotError } from '../errors/agent-chatbot-error';
import { errorResponse } from '../errors/error-response';
import { SignatureError, ValidationError } from '../errors/errors';

/** 200 with `{ ok: true }`: the events were recorded (or were not for this bot and were ignored). */
export function webhookOk(): Response {
  return Response.json({ ok: true }, { status: 200 });
}

/**
 * 401 for a missing, forged or stale signature; nothing is stored.
 *
 * @example
 * if (!valid) return webhookSignatureRejected('X-Line-Signature does not match', 'X-Line-Signature không khớp');
 */
export function webhookSignatureRejected(reason: string, reasonVi: string): Response {
  return errorResponse(new SignatureError(`Invalid webhook signature: ${reason}`, `Chữ ký webhook không hợp lệ: ${reasonVi}`));
}

/** 400 for a body that is not the provider's JSON (`details` say where it broke). */
export function webhookMalformedBody(details?: Record<string, unknown>): Response {
  return errorResponse(
    new ValidationError('Webhook body is not valid JSON for this channel', 'Nội dung webhook không phải JSON hợp lệ của kênh này', { details }),
  );
}

/** 503 when the host could not store the events: the provider retries later, so nothing is lost. */
export function webhookReceiveFailed(): Response {
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
