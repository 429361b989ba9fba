/**
 * `/app/settings/channels`: every connected channel with its health (last event, last error),
 * webhook URL and verify token to copy, a test button, rename, pause and remove; and a form to
 * connect Zalo OA, Messenger, Telegram or LINE. The website widget has its own page.
 */
import { useState } from 'react';
import { Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { ApiErrorAlert } from '../components/api-error-alert';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { Alert } from '../components/ui/alert';
import { buttonVariants } from '../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card';
import { NativeSelect } from '../components/ui/input';
import { ChannelCard } from './channels/channel-card';
import { ChannelForm } from './channels/channel-form';
import { ProviderGuide } from './channels/provider-guide';
import { providers } from './channels/providers';
import { onboardingKeys, type ChannelType } from './onboarding/api-types';

/** The channels settings page. */
export function ChannelsPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const [type, setType] = useState<ChannelType>('zalo');
  const [created, setCreated] = useState<string | null>(null);
  const channels = useQuery({ queryKey: onboardingKeys.channels, queryFn: () => unwrap(client.api.GET('/v1/tenant/channels')) });
  const items = channels.data?.items ?? [];
  return (
    <>
      <PageHeader
        title={t('channels.title')}
        description={t('channels.description')}
        actions={
          <Link to="/app/settings/widget" className={buttonVariants({ variant: 'outline' })}>
            {t('channels.websiteLink')}
          </Link>
        }
      />
      <ApiErrorAlert error={channels.error} />
      <div className="grid gap-6 xl:grid-cols-[1fr_24rem]">
        <section aria-labelledby="channels-list" className="grid content-start gap-4">
          <h2 id="channels-list" className="text-lg font-semibold">
            {t('channels.connected', { count: items.length })}
          </h2>
          {channels.isPending ? <p role="status">{t('common.loading')}</p> : null}
          {channels.data && items.length === 0 ? <p className="text-sm text-muted-foreground">{t('channels.empty')}</p> : null}
          {created ? <Alert variant="success">{t('channels.created', { name: created })}</Alert> : null}
          {items.map((channel) => (
            <ChannelCard key={channel.id} channel={channel} />
          ))}
        </section>
        <Card className="h-fit">
          <CardHeader>
            <CardTitle>{t('channels.addTitle')}</CardTitle>
            <CardDescription>{t('channels.addDescription')}</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            <FormField label={t('channels.provider')}>
              <NativeSelect value={type} onChange={(event) => setType(event.target.value as ChannelType)}>
                {providers.map((p) => (
                  <option key={p.type} value={p.type}>
                    {t(`channels.types.${p.type}`)}
                  </option>
                ))}
              </NativeSelect>
            </FormField>
            <ProviderGuide type={type} open />
            <ChannelForm key={type} type={type} onCreated={(channel) => setCreated(channel.name)} />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
