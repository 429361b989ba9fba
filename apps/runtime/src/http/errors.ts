/**
 * The error boundary of the API: every failure leaves as `{"error":{"code","message","message_vi"}}`
 * with the right status. Typed errors keep their status; body-parser failures (bad JSON, too
 * large) become 400/413; anything else is a 500 that names only the request id, never the cause.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  AgentChatbotError,
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitError,
  ValidationError,
} from '@agent-chatbot/core';
import type { Logger } from 'pino';

/** The shape body-parser gives its errors. */
interface BodyParserError {
  type?: unknown;
  status?: unknown;
  limit?: unknown;
}

function asBodyParserError(error: unknown): BodyParserError | undefined {
  return typeof error === 'object' && error !== null && 'type' in error ? (error as BodyParserError) : undefined;
}

/** Maps anything thrown to a typed error; `undefined` means "unexpected" (500). */
export function toTypedError(error: unknown): AgentChatbotError | undefined {
  if (AgentChatbotError.isInstance(error)) return error;
  // A unique key lost a race (two sign-ups with one e-mail): a conflict, not a crash.
  if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505') {
    return new ConflictError('This already exists', 'Dữ liệu này đã tồn tại', { code: 'already_exists' });
  }
  // Text Postgres cannot store (a NUL character, invalid UTF-8): the caller's input, not our fault.
  if (typeof error === 'object' && error !== null && ['22021', '22P05'].includes(String((error as { code?: unknown }).code))) {
    return new ValidationError(
      'The input contains characters that cannot be stored (for example a NUL character)',
      'Dữ liệu chứa ký tự không thể lưu (ví dụ ký tự NUL)',
      { details: { reason: 'invalid_characters' } },
    );
  }
  const parser = asBodyParserError(error);
  switch (parser?.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(
        `Request body is larger than the limit (${String(parser.limit)} bytes)`,
        `Nội dung gửi lên vượt quá giới hạn cho phép (${String(parser.limit)} byte)`,
        { details: { limit_bytes: parser.limit } },
      );
    case 'entity.parse.failed':
      return new ValidationError('Malformed JSON in request body', 'Nội dung JSON không đúng định dạng', {
        details: { reason: 'malformed_json' },
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AgentChatbotError({
        code: 'unsupported_media_type',
        message: 'Unsupported body encoding or charset',
        messageVi: 'Bảng mã hoặc kiểu nén của nội dung không được hỗ trợ',
        status: 415,
        isRetryable: false,
      });
    default:
      break;
  }
  // Any other body-parser 4xx (aborted request, bad length): still the caller's doing.
  if (parser && typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return new ValidationError('Unreadable request body', 'Không đọc được nội dung yêu cầu', {
      details: { reason: String(parser.type) },
    });
  }
  return undefined;
}

/** The final 404 for paths no route matched. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(
    new NotFoundError(`No route for ${req.method} ${req.path}`, `Không có đường dẫn ${req.method} ${req.path}`, {
      details: { reason: 'no_route' },
    }),
  );
};

/** Express error middleware (last in the chain). */
export function errorHandler(fallbackLogger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const log = (res.locals['log'] as Logger | undefined) ?? fallbackLogger;
    const requestId = String(res.locals['requestId'] ?? '');
    const typed = toTypedError(error);
    if (!typed) {
      log.error({ err: error, reqId: requestId }, 'unhandled error');
      res.status(500).json({
        error: {
          code: 'internal_error',
          message: `Internal error; quote request id ${requestId}`,
          message_vi: `Lỗi hệ thống; vui lòng báo mã yêu cầu ${requestId}`,
          request_id: requestId,
        },
      });
      return;
    }
    if (typed.status >= 500) log.error({ err: typed, reqId: requestId }, 'request failed');
    else log.debug({ code: typed.code, status: typed.status }, 'request rejected');
    if (typed instanceof RateLimitError || typed.code === 'rate_limited') {
      const ms = (typed as RateLimitError).retryAfterMs ?? 1000;
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(ms / 1000))));
    }
    res.status(typed.status).json(typed.toJSON());
  };
}
