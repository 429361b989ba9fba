/**
 * `/signup`: a business creates its tenant and first admin account, then lands in the dashboard.
 * Fields are checked in the browser first (Vietnamese messages), then by the API, whose bilingual
 * message is shown as is.
 */
import { Link, useNavigate } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { ApiErrorAlert } from '../components/api-error-alert';
import { AuthLayout } from '../components/auth-layout';
import { FormField } from '../components/form-field';
import { Button } from '../components/ui/button';
import { Input } from '../components/ui/input';
import { useValidatedForm } from '../lib/forms';
import { emailField, newPasswordField } from '../lib/validation';

/** The sign-up form's rules; messages are translation keys. */
export const signupSchema = z
  .object({
    tenant_name: z.string().trim().min(1, 'validation.tenantNameRequired').max(200, 'validation.tooLong'),
    email: emailField,
    password: newPasswordField,
  })
  .refine((v) => v.password.toLowerCase() !== v.email.toLowerCase(), { path: ['password'], message: 'validation.passwordIsEmail' });

/** The sign-up page. */
export function SignupPage() {
  const { t } = useTranslation();
  const { client, session } = useApi();
  const navigate = useNavigate();
  const signup = useMutation({
    mutationFn: (body: z.infer<typeof signupSchema>) => unwrap(client.api.POST('/v1/auth/signup', { body })),
    onSuccess: async (result) => {
      session.getState().setSession(result);
      await navigate({ to: '/app' });
    },
  });
  const { errors, submit } = useValidatedForm(signupSchema, (values) => signup.mutate(values));
  return (
    <AuthLayout
      title={t('signup.title')}
      description={t('signup.description')}
      footer={
        <>
          {t('signup.haveAccount')}{' '}
          <Link to="/login" className="text-primary underline">
            {t('signup.login')}
          </Link>
        </>
      }
    >
      <form noValidate onSubmit={submit} className="grid gap-4">
        <FormField label={t('signup.tenantName')} error={errors['tenant_name']} hint={t('signup.tenantNameHint')}>
          <Input name="tenant_name" autoComplete="organization" />
        </FormField>
        <FormField label={t('common.email')} error={errors['email']}>
          <Input name="email" type="email" autoComplete="email" />
        </FormField>
        <FormField label={t('common.password')} error={errors['password']} hint={t('validation.passwordHint')}>
          <Input name="password" type="password" autoComplete="new-password" />
        </FormField>
        <ApiErrorAlert error={signup.error} />
        <Button type="submit" disabled={signup.isPending}>
          {signup.isPending ? t('signup.submitting') : t('signup.submit')}
        </Button>
      </form>
    </AuthLayout>
  );
}
