/**
 * `/invitations/accept?token=…` (the e-mailed link): the invitee gives a name and a password (or the
 * password of the account the address already has) and is signed in to the tenant.
 */
import { useNavigate, useSearch } from '@tanstack/react-router';
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
import { passwordField } from '../lib/validation';

// The password may be an existing account's (any length), so only the server applies the policy.
const acceptSchema = z.object({
  name: z.string().trim().min(1, 'validation.nameRequired').max(200, 'validation.tooLong'),
  password: passwordField,
});

/** The accept-invitation page. */
export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const { client, session } = useApi();
  const navigate = useNavigate();
  const { token } = useSearch({ from: '/invitations/accept' });
  const accept = useMutation({
    mutationFn: (body: z.infer<typeof acceptSchema>) =>
      unwrap(client.api.POST('/v1/auth/invitations/accept', { body: { ...body, token } })),
    onSuccess: async (result) => {
      session.getState().setSession(result);
      await navigate({ to: '/app' });
    },
  });
  const { errors, submit } = useValidatedForm(acceptSchema, (values) => accept.mutate(values));
  return (
    <AuthLayout title={t('accept.title')} description={t('accept.description')}>
      {!token ? (
        <Alert variant="destructive">{t('accept.missingToken')}</Alert>
      ) : (
        <form noValidate onSubmit={submit} className="grid gap-4">
          <FormField label={t('accept.name')} error={errors['name']}>
            <Input name="name" autoComplete="name" />
          </FormField>
          <FormField label={t('common.password')} error={errors['password']} hint={t('accept.passwordHint')}>
            <Input name="password" type="password" autoComplete="new-password" />
          </FormField>
          <ApiErrorAlert error={accept.error} />
          <Button type="submit" disabled={accept.isPending}>
            {t('accept.submit')}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
