/**
 * Form validation with zod: schema messages are translation keys (`validation.email`), so the same
 * schema speaks Vietnamese or English.
 */
import { useState, type FormEvent } from 'react';
import type { ZodType } from 'zod';

/** Field name → translation key of its first problem. */
export type FieldErrors = Partial<Record<string, string>>;

/**
 * Validates `values`; returns the parsed data or the errors per field.
 *
 * @example const result = validate(signupSchema, values); if (!result.ok) setErrors(result.errors);
 */
export function validate<T>(schema: ZodType<T>, values: unknown): { ok: true; data: T } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * A form checked with `schema` when submitted: `errors` per field for the form to show, and
 * `submit`, which calls `onValid` with the parsed values (and the form, e.g. to reset it) only when
 * they pass.
 *
 * @example const { errors, submit } = useValidatedForm(loginSchema, (values) => login.mutate(values));
 */
export function useValidatedForm<T>(schema: ZodType<T>, onValid: (data: T, form: HTMLFormElement) => void) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const result = validate(schema, formValues(form));
    setErrors(result.ok ? {} : result.errors);
    if (result.ok) onValid(result.data, form);
  };
  return { errors, setErrors, submit };
}

/** Reads a form's text fields into a plain object. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') values[name] = value;
  return values;
}

/** Splits a comma-separated tags field ("VIP, khách sỉ") into trimmed, non-empty tags. */
export function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** Empties the named inputs of `form` (an API key must not linger in the page once it is sent). */
export function clearInputs(form: HTMLFormElement, names: readonly string[]): void {
  for (const name of names) {
    const field = form.elements.namedItem(name);
    if (field instanceof HTMLInputElement) field.value = '';
  }
}
