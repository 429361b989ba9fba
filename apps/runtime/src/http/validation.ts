/**
 * zod at the HTTP boundary: one helper turns a failed parse into a 400 `ValidationError` whose
 * message names the fields in Vietnamese and English, so bad input never reaches a handler (or a 500).
 */
import type { ZodType, z } from 'zod';
import { ValidationError } from '@agent-chatbot/core';

/** Where a value came from, for the error message. */
export type InputPart = 'body' | 'query' | 'params';

const partVi: Record<InputPart, string> = { body: 'nội dung', query: 'tham số truy vấn', params: 'tham số đường dẫn' };

/** One field problem as returned in `error.details.issues`. */
export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/**
 * Parses `value` with `schema` or throws a 400 `ValidationError` listing every failing field.
 *
 * @example
 * const body = parseInput(loginBody, req.body, 'body');
 */
export function parseInput<S extends ZodType>(schema: S, value: unknown, part: InputPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
  const fields = [...new Set(issues.map((i) => i.path || part))].slice(0, 5).join(', ');
  throw new ValidationError(
    `Invalid ${part}: ${fields}`,
    `Dữ liệu không hợp lệ (${partVi[part]}): ${fields}`,
    { details: { issues } },
  );
}
