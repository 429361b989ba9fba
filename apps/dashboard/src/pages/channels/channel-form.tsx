/**
 * Adds a provider channel: a labelled field per credential of the chosen provider (secrets in
 * password fields), sent once to `POST /v1/tenant/channels`; the runtime validates them, registers
 * the webhook where the provider allows it and answers with the webhook URL to paste.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { FormField } from '../../components/form-field';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import type { FieldErrors } from '../../lib/forms';
import { onboardingKeys, type Channel, type ChannelType } from '../onboarding/api-types';
import { CredentialField, readCredentials } from './credential-field';
import { providerOf } from './providers';

/** Props of {@link ChannelForm}. */
export interface ChannelFormProps {
  type: ChannelType;
  onCreated: (channel: Channel) => void;
}

/** The add-a-channel form of one provider. */
export function ChannelForm({ type, onCreated }: ChannelFormProps) {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const provider = providerOf(type);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: (body: { type: ChannelType; name?: string; config: Record<string, string> }) => unwrap(client.api.POST('/v1/tenant/channels', { body })),
    onSuccess: (channel) => {
      void queryClient.invalidateQueries({ queryKey: onboardingKeys.channels });
      void queryClient.invalidateQueries({ queryKey: onboardingKeys.state });
      onCreated(channel);
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const { config, errors: found } = readCredentials(provider.fields, data, { requireAll: true });
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const name = String(data.get('name') ?? '').trim();
    // Clear the secrets from the page as soon as they are sent.
    create.mutate({ type, ...(name ? { name } : {}), config }, { onSuccess: () => form.reset() });
  };
  return (
    <form noValidate onSubmit={submit} className="grid gap-4" aria-label={t('channels.addFormLabel', { provider: t(`channels.types.${type}`) })}>
      <FormField label={t('channels.name')} hint={t('channels.nameHint')}>
        <Input name="name" maxLength={100} />
      </FormField>
      {provider.fields.map((field) => (
        <CredentialField key={field.key} field={field} error={errors[field.key]} hint={field.required ? undefined : t('channels.optional')} />
      ))}
      <ApiErrorAlert error={create.error} />
      <div>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? t('channels.connecting') : t('channels.connect')}
        </Button>
      </div>
    </form>
  );
}
