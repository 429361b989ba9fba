/**
 * Replaces some credentials of a connected channel (a rotated token, a new app secret):
 * `PATCH /v1/tenant/channels/{id}` with only the fields typed in — the others keep their stored
 * value. The runtime validates the new set and, for Telegram, registers the webhook again.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { Button } from '../../components/ui/button';
import type { FieldErrors } from '../../lib/forms';
import { onboardingKeys, type Channel } from '../onboarding/api-types';
import { CredentialField, readCredentials } from './credential-field';
import { providerOf } from './providers';

/** The credentials form of one channel. */
export function CredentialsForm({ channel, onDone }: { channel: Channel; onDone: () => void }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const provider = providerOf(channel.type);
  const save = useMutation({
    mutationFn: (config: Record<string, string>) => unwrap(client.api.PATCH('/v1/tenant/channels/{id}', { params: { path: { id: channel.id } }, body: { config } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: onboardingKeys.channels });
      onDone();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const { config, errors: found } = readCredentials(provider.fields, new FormData(form), { requireAll: false });
    if (Object.keys(config).length === 0) found['_form'] = 'channels.nothingToUpdate';
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate(config, { onSuccess: () => form.reset() });
  };
  return (
    <form noValidate onSubmit={submit} className="grid gap-3 rounded-md border p-3" aria-label={t('channels.credentialsTitle', { name: channel.name })}>
      <p className="text-sm text-muted-foreground">{t('channels.credentialsHint')}</p>
      {provider.fields.map((field) => (
        <CredentialField
          key={field.key}
          field={field}
          error={errors[field.key]}
          hint={channel.config[field.key] ? t('channels.currentValue', { value: channel.config[field.key] }) : undefined}
        />
      ))}
      {errors['_form'] ? <p className="text-sm text-destructive">{t(errors['_form'])}</p> : null}
      <ApiErrorAlert error={save.error} />
      <div className="flex gap-2">
        <Button type="submit" disabled={save.isPending}>
          {t('common.save')}
        </Button>
        <Button type="button" variant="ghost" onClick={onDone}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}
