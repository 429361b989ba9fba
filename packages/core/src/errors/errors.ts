import { AgentChatbotError } from './agent-chatbot-error';

/** Optional details and cause accepted by the typed error constructors. */
export interface ErrorExtra {
  /** Extra structured details, safe to show. */
  details?: Record<string, unknown>;
  /** The underlying error. */
  cause?: unknown;
}

/** 400: the input does not match its schema. `details.issues` lists the fields. */
export class ValidationError extends AgentChatbotError {
  constructor(message = 'Invalid input', messageVi = 'Dữ liệu không hợp lệ', extra: ErrorExtra = {}) {
    super({ code: 'validation_failed', message, messageVi, status: 400, ...extra });
    this.name = 'ValidationError';
  }
}

/** 401: missing, forged or expired credentials (tokens, API keys, webhook signatures). */
export class AuthenticationError extends AgentChatbotError {
  constructor(
    message = 'Authentication required or invalid',
    messageVi = 'Cần xác thực hoặc thông tin xác thực không hợp lệ',
    extra: ErrorExtra & { code?: string } = {},
  ) {
    super({ code: extra.code ?? 'unauthenticated', message, messageVi, status: 401, isRetryable: false, ...extra });
    this.name = 'AuthenticationError';
  }
}

/** 401: a webhook whose signature is missing, forged or stale. Nothing is stored. */
export class SignatureError extends AuthenticationError {
  constructor(message = 'Invalid webhook signature', messageVi = 'Chữ ký webhook không hợp lệ', extra: ErrorExtra = {}) {
    super(message, messageVi, { code: 'invalid_signature', ...extra });
    this.name = 'SignatureError';
  }
}

/** 403: authenticated, but the role does not allow this. */
export class ForbiddenError extends AgentChatbotError {
  constructor(message = 'Not allowed', messageVi = 'Bạn không có quyền thực hiện thao tác này', extra: ErrorExtra = {}) {
    super({ code: 'forbidden', message, messageVi, status: 403, ...extra });
    this.name = 'ForbiddenError';
  }
}

/** 404: not found — also what another tenant's resource looks like. */
export class NotFoundError extends AgentChatbotError {
  constructor(message = 'Not found', messageVi = 'Không tìm thấy', extra: ErrorExtra = {}) {
    super({ code: 'not_found', message, messageVi, status: 404, isRetryable: false, ...extra });
    this.name = 'NotFoundError';
  }
}

/** 409: conflicts with existing state (duplicate slug, email already registered). */
export class ConflictError extends AgentChatbotError {
  constructor(message = 'Conflict', messageVi = 'Xung đột dữ liệu', extra: ErrorExtra & { code?: string } = {}) {
    super({ code: extra.code ?? 'conflict', message, messageVi, status: 409, isRetryable: false, ...extra });
    this.name = 'ConflictError';
  }
}

/** 413: the body or file is larger than allowed. */
export class PayloadTooLargeError extends AgentChatbotError {
  constructor(message = 'Payload too large', messageVi = 'Dữ liệu gửi lên quá lớn', extra: ErrorExtra = {}) {
    super({ code: 'payload_too_large', message, messageVi, status: 413, isRetryable: false, ...extra });
    this.name = 'PayloadTooLargeError';
  }
}

/** 422: well-formed but unprocessable (corrupt, encrypted or empty file). */
export class UnprocessableError extends AgentChatbotError {
  constructor(message: string, messageVi: string, extra: ErrorExtra & { code?: string } = {}) {
    super({ code: extra.code ?? 'unprocessable', message, messageVi, status: 422, isRetryable: false, ...extra });
    this.name = 'UnprocessableError';
  }
}

/** 429: too many requests. `retryAfterMs` feeds `Retry-After`. */
export class RateLimitError extends AgentChatbotError {
  /** How long to wait before retrying, when known. */
  readonly retryAfterMs: number | undefined;
  constructor(
    options: { retryAfterMs?: number; message?: string; messageVi?: string; category?: 'user' | 'third-party' } & ErrorExtra = {},
  ) {
    super({
      code: 'rate_limited',
      message: options.message ?? 'Too many requests, please retry later',
      messageVi: options.messageVi ?? 'Quá nhiều yêu cầu, vui lòng thử lại sau',
      status: 429,
      category: options.category ?? 'user',
      isRetryable: true,
      details: options.retryAfterMs !== undefined ? { retry_after_ms: options.retryAfterMs } : options.details,
      cause: options.cause,
    });
    this.name = 'RateLimitError';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** 402: the tenant's budget or credits do not cover this call. */
export class BudgetExceededError extends AgentChatbotError {
  constructor(message = 'Budget exceeded', messageVi = 'Đã vượt hạn mức chi phí', extra: ErrorExtra = {}) {
    super({ code: 'budget_exceeded', message, messageVi, status: 402, isRetryable: false, ...extra });
    this.name = 'BudgetExceededError';
  }
}

/** 504: an upstream call did not answer in time. */
export class TimeoutError extends AgentChatbotError {
  constructor(message = 'Upstream timed out', messageVi = 'Dịch vụ bên ngoài phản hồi quá lâu', extra: ErrorExtra = {}) {
    super({ code: 'timeout', message, messageVi, status: 504, category: 'third-party', isRetryable: true, ...extra });
    this.name = 'TimeoutError';
  }
}

/** 502: a provider (LLM, channel, gateway) failed. Retryable for 429/5xx upstream statuses. */
export class ProviderError extends AgentChatbotError {
  /** The provider that failed. */
  readonly provider: string;
  /** HTTP status the provider answered, when there was one. */
  readonly upstreamStatus: number | undefined;
  constructor(
    options: { provider: string; upstreamStatus?: number; message: string; messageVi?: string; isRetryable?: boolean } & ErrorExtra,
  ) {
    const upstream = options.upstreamStatus;
    super({
      code: 'provider_error',
      message: options.message,
      messageVi: options.messageVi ?? 'Nhà cung cấp dịch vụ bên ngoài gặp lỗi',
      status: 502,
      category: 'third-party',
      isRetryable: options.isRetryable ?? (upstream === undefined || upstream === 429 || upstream >= 500),
      details: options.details,
      cause: options.cause,
    });
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.upstreamStatus = upstream;
  }
}

/** 501: a plugin was asked for a feature it does not have. */
export class UnsupportedFunctionalityError extends AgentChatbotError {
  constructor(feature: string, extra: ErrorExtra = {}) {
    super({
      code: 'unsupported_functionality',
      message: `Unsupported functionality: ${feature}`,
      messageVi: `Tính năng chưa được hỗ trợ: ${feature}`,
      status: 501,
      isRetryable: false,
      ...extra,
    });
    this.name = 'UnsupportedFunctionalityError';
  }
}

/** 404: a registry id names no known provider or model. */
export class NoSuchModelError extends AgentChatbotError {
  constructor(modelId: string, extra: ErrorExtra = {}) {
    super({
      code: 'no_such_model',
      message: `No such model: ${modelId}`,
      messageVi: `Không có mô hình: ${modelId}`,
      status: 404,
      isRetryable: false,
      ...extra,
    });
    this.name = 'NoSuchModelError';
  }
}
