/** `/login`: e-mail and password; returns to the page that asked for a session. */
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
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
import { emailField, passwordField } from '../lib/validation';

const loginSchema = z.object({ email: emailField, password: passwordField });

/** The login page. */
export function LoginPage() {
  const { t } = useTranslation();
  const { client, session } = useApi();
  const navigate = useNavigate();
  const search = useSearch({ from: '/login' });
  const login = useMutation({
    mutationFn: (body: z.infer<typeof loginSchema>) => unwrap(client.api.POST('/v1/auth/login', { body })),
    onSuccess: async (result) => {
      session.getState().setSession(result);
      await navigate({ to: search.redirect ?? '/app' });
    },
  });
  const { errors, submit } = useValidatedForm(loginSchema, (values) => login.mutate(values));
  return (
    <AuthLayout
      title={t('login.title')}
      footer={
        <>
          {t('login.noAccount')}{' '}
          <Link to="/signup" className="text-primary underline">
            {t('login.signup')}
          </Link>
        </>
      }
    >
      <form noValidate onSubmit={submit} className="grid gap-4">
        <FormField label={t('common.email')} error={errors['email']}>
          <Input name="email" type="email" autoComplete="email" />
        </FormField>
        <FormField label={t('common.password')} error={errors['password']}>
          <Input name="password" type="password" autoComplete="current-password" />
        </FormField>
        <ApiErrorAlert error={login.error} />
        <Button type="submit" disabled={login.isPending}>
          {login.isPending ? t('login.submitting') : t('login.submit')}
        </Button>
        <Link to="/forgot-password" className="text-center text-sm text-primary underline">
          {t('login.forgot')}
        </Link>
      </form>
    </AuthLayout>
  );
}
