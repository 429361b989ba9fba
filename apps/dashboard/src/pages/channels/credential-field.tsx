/**
 * The credential fields of a provider channel, shared by the add-a-channel form and the
 * update-credentials form: one labelled input per field (secrets in password fields) and the
 * reading and checking of what was typed.
 */
import { useTranslation } from 'react-i18next';
import { FormField } from '../../components/form-field';
import { Input } from '../../components/ui/input';
import type { FieldErrors } from '../../lib/forms';
import type { ProviderField } from './providers';

/** One credential's labelled input, named after its config key. */
export function CredentialField({ field, error, hint }: { field: ProviderField; error: string | undefined; hint: string | undefined }) {
  const { t } = useTranslation();
  return (
    <FormField label={t(`channels.fields.${field.key}`)} error={error} hint={hint}>
      <Input name={field.key} type={field.secret ? 'password' : 'text'} inputMode={field.numeric ? 'numeric' : undefined} autoComplete="off" spellCheck={false} />
    </FormField>
  );
}

/**
 * The typed credentials of `fields` (trimmed; empty ones left out) and their errors: digits only
 * where the field is numeric and, with `requireAll`, a value for every required field.
 */
export function readCredentials(fields: readonly ProviderField[], data: FormData, { requireAll }: { requireAll: boolean }): { config: Record<string, string>; errors: FieldErrors } {
  const config: Record<string, string> = {};
  const errors: FieldErrors = {};
  for (const field of fields) {
    const value = String(data.get(field.key) ?? '').trim();
    if (!value) {
      if (requireAll && field.required) errors[field.key] = 'channels.required';
      continue;
    }
    if (field.numeric && !/^\d+$/.test(value)) errors[field.key] = 'channels.digitsOnly';
    config[field.key] = value;
  }
  return { config, errors };
}
