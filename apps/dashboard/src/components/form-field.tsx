/**
 * A labelled form control with its error: the label is bound to the control, the error is linked
 * with `aria-describedby` and marks the control `aria-invalid`, so screen readers read both.
 */
import { cloneElement, useId, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Label } from './ui/label';

/** Props of {@link FormField}. */
export interface FormFieldProps {
  label: string;
  /** Translation key of the current error, if any. */
  error?: string | undefined;
  hint?: string;
  /** The control (Input, Textarea, NativeSelect); receives id and aria attributes. */
  children: ReactElement<Record<string, unknown>>;
}

/** One labelled control. */
export function FormField({ label, error, hint, children }: FormFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="grid gap-2">
      <Label htmlFor={id}>{label}</Label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint ? (
        <p id={hintId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="text-sm text-destructive">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}
