/**
 * The budget alert banner: unacknowledged 80 % / 100 % budget alerts of this cycle (and cost-spike
 * alerts), shown in the app shell on every page for tenant admins and, in full, on the Billing
 * page. "Đã xem" acknowledges an alert on the server, so it stops showing everywhere.
 */
import { Link } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { AlertTriangle } from 'lucide-react';
import { useApi, useSession } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { alertsToShow, type BillingAlert } from '../api/billing-types';
import { billingKeys } from '../api/billing-queries';
import { formatVnd } from '../lib/money';
import { cn } from '../lib/utils';
import { Button, buttonVariants } from './ui/button';

/** The text of one alert in the reader's language. */
export function alertText(alert: BillingAlert, t: TFunction, language: string): string {
  const { percent, spentVnd, capVnd } = alert.details;
  if (alert.kind === 'cost_spike') return t('billing.alerts.costSpike');
  const figures = { spent: formatVnd(spentVnd ?? 0, language), cap: formatVnd(capVnd ?? 0, language), percent: percent ?? 0 };
  return (percent ?? 0) >= 100 ? t('billing.alerts.reached', figures) : t('billing.alerts.warning', figures);
}

/** Reads the alerts to show (tenant admins only; an error or another role shows nothing). */
export function useBillingAlerts() {
  const { client } = useApi();
  const isAdmin = useSession((s) => s.tenant?.role === 'tenant-admin');
  const query = useQuery({
    queryKey: billingKeys.alerts,
    queryFn: async () => (await unwrap(client.api.GET('/v1/tenant/billing/alerts', { params: { query: { unacknowledged: 'true' } } }))) as { items: BillingAlert[] },
    enabled: isAdmin,
    retry: false,
  });
  return { alerts: query.data ? alertsToShow(query.data.items) : [], enabled: isAdmin };
}

/** The banner; `variant="shell"` adds a link to the Billing page. */
export function BillingAlertBanner({ variant }: { variant: 'shell' | 'page' }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const { alerts } = useBillingAlerts();
  const acknowledge = useMutation({
    mutationFn: (id: string) => unwrap(client.api.POST('/v1/tenant/billing/alerts/{id}/acknowledge', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['billing'] }),
  });
  if (alerts.length === 0) return null;
  const shown = variant === 'shell' ? alerts.slice(0, 1) : alerts;
  return (
    <section aria-label={t('billing.alerts.label')} className={cn('grid gap-2', variant === 'shell' ? 'border-b px-4 py-2' : 'mb-6')}>
      {shown.map((alert) => {
        const reached = alert.kind === 'cost_spike' || (alert.details.percent ?? 0) >= 100;
        return (
          <div
            key={alert.id}
            role="alert"
            className={cn(
              'flex flex-col gap-2 rounded-md border px-4 py-3 text-sm sm:flex-row sm:items-center',
              reached ? 'border-destructive/60 bg-destructive/10 text-destructive' : 'border-amber-500/60 bg-amber-50 text-amber-900',
            )}
          >
            <AlertTriangle className="h-5 w-5 shrink-0" aria-hidden="true" />
            <p className="flex-1 font-medium">{alertText(alert, t, i18n.language)}</p>
            <div className="flex gap-2">
              {variant === 'shell' ? (
                <Link to="/app/billing" className={buttonVariants({ size: 'sm', variant: 'outline' })}>
                  {t('billing.alerts.open')}
                </Link>
              ) : null}
              <Button size="sm" variant="ghost" disabled={acknowledge.isPending} onClick={() => acknowledge.mutate(alert.id)}>
                {t('billing.alerts.acknowledge')}
              </Button>
            </div>
          </div>
        );
      })}
      {variant === 'shell' && alerts.length > 1 ? <p className="text-xs text-muted-foreground">{t('billing.alerts.more', { n: alerts.length - 1 })}</p> : null}
    </section>
  );
}
