/** `/forgot-password`: asks the API to e-mail a reset link (the answer never reveals whether the address exists). */
import { Link } from '@tanstack/react-router';
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
import { emailField } from '../lib/validation';

const forgotSchema = z.object({ email: emailField });

/** The forgot-password page. */
export function ForgotPasswordPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const forgot = useMutation({
    mutationFn: (body: z.infer<typeof forgotSchema>) => unwrap(client.api.POST('/v1/auth/password/forgot', { body })),
  });
  const { errors, submit } = useValidatedForm(forgotSchema, (values) => forgot.mutate(values));
  const done = forgot.data;
  return (
    <AuthLayout
      title={t('forgot.title')}
      description={t('forgot.description')}
      footer={
        <Link to="/login" className="text-primary underline">
          {t('forgot.back')}
        </Link>
      }
    >
      {done ? (
        <Alert variant="success">{i18n.language.startsWith('vi') ? done.message_vi : done.message}</Alert>
      ) : (
        <form noValidate onSubmit={submit} className="grid gap-4">
          <FormField label={t('common.email')} error={errors['email']}>
            <Input name="email" type="email" autoComplete="email" />
          </FormField>
          <ApiErrorAlert error={forgot.error} />
          <Button type="submit" disabled={forgot.isPending}>
            {t('forgot.submit')}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
