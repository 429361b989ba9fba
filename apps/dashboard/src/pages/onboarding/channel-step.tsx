/**
 * Wizard step 1: connect a channel. Pick Zalo OA, Messenger, Telegram, LINE or the website; a
 * provider shows its short guide and credential form, then the webhook URL (and Messenger's
 * verify token) to copy and a "test" button; the website shows the widget snippet and the domain
 * allowed to embed it.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { FormField } from '../../components/form-field';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Input } from '../../components/ui/input';
import { CopyField, TestButton } from '../channels/channel-card';
import { ChannelForm } from '../channels/channel-form';
import { ProviderGuide } from '../channels/provider-guide';
import { providers } from '../channels/providers';
import { onboardingKeys, type Channel, type ChannelType } from './api-types';

/** What the owner picked in step 1. */
export type ChannelChoice = ChannelType | 'web';

const choices: readonly ChannelChoice[] = [...providers.map((p) => p.type), 'web'];

function WebsiteSetup() {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const widget = useQuery({ queryKey: onboardingKeys.widget, queryFn: () => unwrap(client.api.GET('/v1/tenant/widget')) });
  const [error, setError] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (domain: string) =>
      unwrap(client.api.PUT('/v1/tenant/widget', { body: { enabled: true, allowed_domains: [...new Set([...(widget.data?.allowed_domains ?? []), domain])] } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(onboardingKeys.widget, saved);
      void queryClient.invalidateQueries({ queryKey: onboardingKeys.state });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const domain = String(new FormData(event.currentTarget).get('domain') ?? '').trim().toLowerCase();
    const ok = /^(https?:\/\/)?(\*\.)?[a-z0-9.-]+\.[a-z]{2,}(:\d{1,5})?\/?$/.test(domain);
    setError(ok ? undefined : 'widget.badDomain');
    if (ok) save.mutate(domain.replace(/\/+$/, ''));
  };
  return (
    <div className="grid gap-4">
      <ProviderGuide type="web" open />
      <ApiErrorAlert error={widget.error ?? save.error} />
      {widget.isPending ? <p role="status">{t('common.loading')}</p> : null}
      {widget.data ? (
        <>
          <form noValidate onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
            <FormField label={t('onboarding.websiteDomain')} hint={t('onboarding.websiteDomainHint')} error={error}>
              <Input name="domain" placeholder="shop.vn" spellCheck={false} />
            </FormField>
            <Button type="submit" disabled={save.isPending}>
              {t('onboarding.allowDomain')}
            </Button>
          </form>
          {widget.data.allowed_domains.length > 0 ? (
            <Alert variant="success">{t('onboarding.allowedDomains', { domains: widget.data.allowed_domains.join(', ') })}</Alert>
          ) : null}
          <CopyField label={t('widget.snippet')} value={widget.data.snippet} />
        </>
      ) : null}
    </div>
  );
}

function ProviderSetup({ type }: { type: ChannelType }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const channels = useQuery({ queryKey: onboardingKeys.channels, queryFn: () => unwrap(client.api.GET('/v1/tenant/channels')) });
  const [createdId, setCreatedId] = useState<string | null>(null);
  const connected: Channel | undefined = channels.data?.items.find((c) => c.id === createdId) ?? channels.data?.items.find((c) => c.type === type);
  return (
    <div className="grid gap-4">
      <ProviderGuide type={type} open />
      {connected ? (
        <div className="grid gap-3 rounded-md border p-4">
          <p className="font-medium">{t('onboarding.connectedAs', { name: connected.name })}</p>
          <CopyField label={t('channels.webhookUrl')} value={connected.webhook_url} />
          {connected.verify_token ? <CopyField label={t('channels.verifyToken')} value={connected.verify_token} /> : null}
          <TestButton channel={connected} />
        </div>
      ) : (
        <ChannelForm type={type} onCreated={(channel) => setCreatedId(channel.id)} />
      )}
    </div>
  );
}

/** Step 1 of the wizard. */
export function ChannelStep({ choice, onChoose }: { choice: ChannelChoice; onChoose: (choice: ChannelChoice) => void }) {
  const { t } = useTranslation();
  return (
    <div className="grid gap-4">
      <fieldset className="grid gap-2">
        <legend className="mb-2 text-sm font-medium">{t('onboarding.pickChannel')}</legend>
        <div className="flex flex-wrap gap-2">
          {choices.map((c) => (
            <label key={c} className="flex cursor-pointer items-center gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-primary has-[:checked]:bg-muted">
              <input type="radio" name="channel-choice" value={c} checked={choice === c} onChange={() => onChoose(c)} className="accent-primary" />
              {t(`channels.types.${c}`)}
            </label>
          ))}
        </div>
      </fieldset>
      {choice === 'web' ? <WebsiteSetup /> : <ProviderSetup key={choice} type={choice} />}
    </div>
  );
}
