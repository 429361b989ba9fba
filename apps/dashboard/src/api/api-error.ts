/**
 * Failed API calls become {@link ApiError}s carrying the runtime's bilingual message, so every page
 * can show `message_vi` to Vietnamese readers and `message` to English ones.
 */
import type { ErrorBody } from './types';

/** An error answered by the API (or a network failure, status 0). */
export class ApiError extends Error {
  /** HTTP status (0 when the server could not be reached). */
  readonly status: number;
  /** Machine-readable code (`invalid_credentials`, `validation_error`, …). */
  readonly code: string;
  /** Vietnamese message. */
  readonly messageVi: string;
  /** Extra details (validation issues, reasons). */
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, body: ErrorBody['error']) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.messageVi = body.message_vi;
    this.details = body.details;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'message' in error && 'message_vi' in error;
}

/** Turns whatever a failed call produced into an {@link ApiError}. */
export function toApiError(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(status, body.error);
  return new ApiError(status, {
    code: status === 0 ? 'network_error' : 'unexpected_response',
    message: status === 0 ? 'Could not reach the server' : `Unexpected server response (${status})`,
    message_vi: status === 0 ? 'Không kết nối được máy chủ' : `Máy chủ trả lời không như mong đợi (${status})`,
  });
}

/**
 * Unwraps an openapi-fetch result: the data, or a thrown {@link ApiError}.
 *
 * @example const tenant = await unwrap(api.GET('/v1/tenant'));
 */
export async function unwrap<D>(call: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  let result: { data?: D; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw toApiError(0, undefined);
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as D;
}

/** The message of `error` in the reader's language (`vi` → `message_vi`). */
export function errorMessage(error: unknown, language: string): string {
  const apiError = error instanceof ApiError ? error : toApiError(0, undefined);
  return language.startsWith('vi') ? apiError.messageVi : apiError.message;
}
