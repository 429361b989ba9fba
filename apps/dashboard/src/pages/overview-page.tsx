/** `/app`: the tenant at a glance (name, address slug, plan, status) and where to go next. */
import { Link } from '@tanstack/react-router';
import { useOnboardingRedirect } from './onboarding/use-onboarding-redirect';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi, useSession } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { queryKeys } from '../api/queries';
import { ApiErrorAlert } from '../components/api-error-alert';
import { PageHeader } from '../components/page-header';
import { Badge } from '../components/ui/alert';
import { buttonVariants } from '../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card';
import { formatDateTime } from '../lib/format';

/** The overview page. */
export function OverviewPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const membership = useSession((s) => s.tenant);
  // A new shop's owner goes through the setup wizard first (until it is finished or skipped).
  useOnboardingRedirect(membership?.role === 'tenant-admin');
  const tenant = useQuery({
    queryKey: queryKeys.tenant,
    queryFn: () => unwrap(client.api.GET('/v1/tenant')),
    enabled: membership !== null,
  });
  if (!membership) {
    return (
      <>
        <PageHeader title={t('overview.platformTitle')} description={t('overview.platformDescription')} />
        <Link to="/app/admin/tenants" className={buttonVariants()}>
          {t('nav.adminTenants')}
        </Link>
      </>
    );
  }
  const data = tenant.data;
  return (
    <>
      <PageHeader title={t('overview.title', { name: membership.name })} description={t('overview.description')} />
      <ApiErrorAlert error={tenant.error} />
      {data ? (
        <Card className="max-w-2xl">
          <CardHeader>
            <CardTitle>{t('overview.tenantCard')}</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
              <dt className="text-muted-foreground">{t('overview.name')}</dt>
              <dd>{data.name}</dd>
              <dt className="text-muted-foreground">{t('overview.slug')}</dt>
              <dd className="font-mono">{data.slug}</dd>
              <dt className="text-muted-foreground">{t('overview.plan')}</dt>
              <dd>{data.plan}</dd>
              <dt className="text-muted-foreground">{t('overview.status')}</dt>
              <dd>
                <Badge variant={data.status === 'active' ? 'default' : 'destructive'}>{t(`status.${data.status}`, data.status)}</Badge>
              </dd>
              <dt className="text-muted-foreground">{t('overview.createdAt')}</dt>
              <dd>{formatDateTime(data.created_at, i18n.language)}</dd>
            </dl>
          </CardContent>
        </Card>
      ) : tenant.isPending ? (
        <p role="status">{t('common.loading')}</p>
      ) : null}
    </>
  );
}
