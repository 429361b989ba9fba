/**
 * `/app/billing` (tenant admins): budget alerts, plan and usage against quota this cycle, credit
 * balance and the monthly hard cap, top-up (VietQR, VNPay, MoMo, Stripe), invoices with PDFs and
 * the wallet ledger.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { billingKeys } from '../api/billing-queries';
import type { BillingStatus } from '../api/billing-types';
import { ApiErrorAlert } from '../components/api-error-alert';
import { BillingAlertBanner } from '../components/billing-alert-banner';
import { PageHeader } from '../components/page-header';
import { BudgetCard } from './billing/budget-card';
import { InvoicesCard, LedgerCard } from './billing/invoices-card';
import { TopUpCard } from './billing/topup-card';
import { UsageCard } from './billing/usage-card';

/** The Billing page. */
export function BillingPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const status = useQuery({
    queryKey: billingKeys.status,
    queryFn: async () => (await unwrap(client.api.GET('/v1/tenant/billing'))) as unknown as BillingStatus,
  });
  return (
    <>
      <PageHeader title={t('billing.title')} description={t('billing.description')} />
      <BillingAlertBanner variant="page" />
      <ApiErrorAlert error={status.error} />
      {status.isPending ? <p role="status">{t('common.loading')}</p> : null}
      {status.data ? (
        <div className="grid gap-6 xl:grid-cols-2">
          <UsageCard status={status.data} />
          <BudgetCard status={status.data} />
          <TopUpCard />
          <InvoicesCard />
          <div className="xl:col-span-2">
            <LedgerCard />
          </div>
        </div>
      ) : null}
    </>
  );
}
