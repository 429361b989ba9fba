/**
 * One connected channel: status and health (last event, last error), the webhook URL and (for
 * Messenger) the verify token with copy buttons and the provider's short guide, a "test" button
 * that asks the provider's identity endpoint through the runtime, rename, new credentials,
 * pause/resume and remove.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ConfirmButton } from '../../components/confirm-button';
import { CopyButton } from '../../components/copy-button';
import { FormField } from '../../components/form-field';
import { Alert, Badge } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Input } from '../../components/ui/input';
import { formatDateTime } from '../../lib/format';
import { onboardingKeys, type Channel } from '../onboarding/api-types';
import { CredentialsForm } from './credentials-form';
import { ProviderGuide } from './provider-guide';

/** A copyable value with its label. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation();
  return (
    <div className="grid gap-1">
      <span className="text-sm font-medium">{label}</span>
      <div className="flex flex-wrap items-center gap-2">
        <code className="min-w-0 flex-1 break-all rounded bg-muted px-2 py-1 text-xs">{value}</code>
        <CopyButton value={value} label={t('channels.copyField', { label })} />
      </div>
    </div>
  );
}

/** The "test connection" button and its outcome. */
export function TestButton({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const test = useMutation({
    mutationFn: () => unwrap(client.api.POST('/v1/tenant/channels/{id}/test', { params: { path: { id: channel.id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: onboardingKeys.channels }),
  });
  return (
    <div className="grid gap-2">
      <div>
        <Button type="button" variant="outline" onClick={() => test.mutate()} disabled={test.isPending}>
          {test.isPending ? t('channels.testing') : t('channels.test')}
        </Button>
      </div>
      <div aria-live="polite">
        {test.data ? (
          <Alert variant={test.data.ok ? 'success' : 'destructive'}>
            {test.data.ok ? t('channels.testOk') : t('channels.testFailed', { details: test.data.details ?? '' })}
          </Alert>
        ) : null}
      </div>
      <ApiErrorAlert error={test.error} />
    </div>
  );
}

function statusVariant(channel: Channel): 'default' | 'secondary' | 'destructive' {
  if (channel.status === 'error' || channel.health.last_error) return 'destructive';
  return channel.status === 'active' ? 'default' : 'secondary';
}

/** A connected channel's card. */
export function ChannelCard({ channel }: { channel: Channel }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [rotating, setRotating] = useState(false);
  const invalidate = () => {
    void queryClient.invalidateQueries({ queryKey: onboardingKeys.channels });
    void queryClient.invalidateQueries({ queryKey: onboardingKeys.state });
  };
  const params = { params: { path: { id: channel.id } } };
  const update = useMutation({
    mutationFn: (body: { name?: string; status?: 'active' | 'disabled' }) => unwrap(client.api.PATCH('/v1/tenant/channels/{id}', { ...params, body })),
    onSuccess: () => {
      setEditing(false);
      invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(client.api.DELETE('/v1/tenant/channels/{id}', params)),
    onSettled: invalidate,
  });
  const rename = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (name) update.mutate({ name });
  };
  const when = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : t('channels.never'));
  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2">
          <span>{channel.name}</span>
          <Badge variant="secondary">{t(`channels.types.${channel.type}`)}</Badge>
          <Badge variant={statusVariant(channel)}>{t(`channels.status.${channel.health.last_error ? 'error' : channel.status}`, channel.status)}</Badge>
        </CardTitle>
        <CardDescription>{channel.external_account_id ? t('channels.account', { id: channel.external_account_id }) : null}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm">
          <dt className="text-muted-foreground">{t('channels.lastEvent')}</dt>
          <dd>{when(channel.health.last_event_at)}</dd>
          <dt className="text-muted-foreground">{t('channels.lastError')}</dt>
          <dd className={channel.health.last_error ? 'text-destructive' : undefined}>
            {channel.health.last_error ? `${channel.health.last_error} (${when(channel.health.last_error_at)})` : t('channels.noError')}
          </dd>
          {channel.health.token_expires_at ? (
            <>
              <dt className="text-muted-foreground">{t('channels.tokenExpires')}</dt>
              <dd>{when(channel.health.token_expires_at)}</dd>
            </>
          ) : null}
        </dl>
        <CopyField label={t('channels.webhookUrl')} value={channel.webhook_url} />
        {channel.verify_token ? <CopyField label={t('channels.verifyToken')} value={channel.verify_token} /> : null}
        <ProviderGuide type={channel.type} />
        <TestButton channel={channel} />
        {editing ? (
          <form noValidate onSubmit={rename} className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end">
            <FormField label={t('channels.name')}>
              <Input name="name" defaultValue={channel.name} maxLength={100} />
            </FormField>
            <Button type="submit" disabled={update.isPending}>
              {t('common.save')}
            </Button>
            <Button type="button" variant="ghost" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </Button>
          </form>
        ) : null}
        {rotating ? <CredentialsForm channel={channel} onDone={() => setRotating(false)} /> : null}
        <ApiErrorAlert error={update.error ?? remove.error} />
        <div className="flex flex-wrap gap-2">
          {!editing ? (
            <Button type="button" variant="outline" onClick={() => setEditing(true)}>
              {t('channels.rename')}
            </Button>
          ) : null}
          {!rotating ? (
            <Button type="button" variant="outline" onClick={() => setRotating(true)}>
              {t('channels.updateCredentials')}
            </Button>
          ) : null}
          <Button
            type="button"
            variant="outline"
            disabled={update.isPending}
            onClick={() => update.mutate({ status: channel.status === 'disabled' ? 'active' : 'disabled' })}
          >
            {channel.status === 'disabled' ? t('channels.resume') : t('channels.pause')}
          </Button>
          <ConfirmButton
            title={t('channels.deleteTitle')}
            description={t('channels.deleteConfirm', { name: channel.name })}
            confirmLabel={t('common.delete')}
            disabled={remove.isPending}
            onConfirm={() => remove.mutate()}
          >
            {t('common.delete')}
          </ConfirmButton>
        </div>
      </CardContent>
    </Card>
  );
}
