import { ValidationError } from '../errors';

/**
 * Copies a value through JSON, the way a networked cache stores it, so the in-memory implementations
 * behave like Redis (a `Date` comes back as a string, later mutations of the caller's object do not
 * leak into the store). Throws {@link ValidationError} for values JSON cannot represent.
 */
export function jsonCopy(value: unknown, what = 'value'): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(`The ${what} is not JSON-serialisable`, `Giá trị ${what} không chuyển được sang JSON`, {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new ValidationError(`The ${what} is not JSON-serialisable`, `Giá trị ${what} không chuyển được sang JSON`);
  }
  return JSON.parse(text) as unknown;
}

/** Checks an optional TTL: a positive, finite number of milliseconds. */
export function assertTtl(ttlMs: number | undefined): void {
  if (ttlMs === undefined) return;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new ValidationError(
      `ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`,
      `ttlMs phải là số mili giây dương, nhận được ${String(ttlMs)}`,
      { details: { ttlMs } },
    );
  }
}
