/** `/reset-password?token=…` (the e-mailed link): sets a new password; every session is signed out. */
import { Link, useSearch } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { ApiErrorAlert } from '../components/api-error-alert';
import { AuthLayout } from '../components/auth-layout';
import { FormField } from '../components/form-field';
import { Alert } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Input } from '../components/ui/input';
import { useValidatedForm } from '../lib/forms';
import { newPasswordField } from '../lib/validation';

const resetSchema = z
  .object({ password: newPasswordField, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'validation.passwordMismatch' });

/** The reset-password page. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const { token } = useSearch({ from: '/reset-password' });
  const reset = useMutation({
    mutationFn: (password: string) => unwrap(client.api.POST('/v1/auth/password/reset', { body: { token, password } })),
  });
  const { errors, submit } = useValidatedForm(resetSchema, (values) => reset.mutate(values.password));
  const footer = (
    <Link to="/login" className="text-primary underline">
      {t('reset.toLogin')}
    </Link>
  );
  if (!token) {
    return (
      <AuthLayout title={t('reset.title')} footer={footer}>
        <Alert variant="destructive">{t('reset.missingToken')}</Alert>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={t('reset.title')} footer={footer}>
      {reset.isSuccess ? (
        <Alert variant="success">{t('reset.done')}</Alert>
      ) : (
        <form noValidate onSubmit={submit} className="grid gap-4">
          <FormField label={t('reset.newPassword')} error={errors['password']} hint={t('validation.passwordHint')}>
            <Input name="password" type="password" autoComplete="new-password" />
          </FormField>
          <FormField label={t('reset.confirm')} error={errors['confirm']}>
            <Input name="confirm" type="password" autoComplete="new-password" />
          </FormField>
          <ApiErrorAlert error={reset.error} />
          <Button type="submit" disabled={reset.isPending}>
            {t('reset.submit')}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
