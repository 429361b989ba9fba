/**
 * Monthly invoices with their PDF (downloaded through the API with the session, since the PDF
 * route needs the bearer token) and the wallet ledger (top-ups, usage charges, refunds,
 * adjustments).
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Download } from 'lucide-react';
import { useApi } from '../../api/api-context';
import { toApiError, unwrap } from '../../api/api-error';
import type { ApiClient } from '../../api/client';
import { billingKeys } from '../../api/billing-queries';
import type { Invoice, LedgerEntry } from '../../api/billing-types';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { Badge } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { browser } from '../../lib/browser';
import { formatDateTime } from '../../lib/format';
import { formatVnd } from '../../lib/money';

type BlobGet = (path: string, init: { params: { path: { id: string } }; parseAs: 'blob' }) => Promise<{ data?: Blob; error?: unknown; response: Response }>;

/**
 * Downloads an invoice PDF through the typed client (so the session's token, refresh and retry
 * apply). The PDF route is served outside the OpenAPI document, hence the one cast.
 */
export async function downloadInvoicePdf(client: ApiClient, invoice: Invoice): Promise<void> {
  const get = client.api.GET as unknown as BlobGet;
  const result = await get('/v1/tenant/billing/invoices/{id}/pdf', { params: { path: { id: invoice.id } }, parseAs: 'blob' });
  if (!result.response.ok || !result.data) throw toApiError(result.response.status, result.error);
  browser.saveBlob(result.data, `${invoice.number}.pdf`);
}

/** The invoices card. */
export function InvoicesCard() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const invoices = useQuery({
    queryKey: billingKeys.invoices,
    queryFn: async () => (await unwrap(client.api.GET('/v1/tenant/billing/invoices'))) as { items: Invoice[] },
  });
  const download = useMutation({ mutationFn: (invoice: Invoice) => downloadInvoicePdf(client, invoice) });
  const items = invoices.data?.items ?? [];
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('billing.invoices.title')}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-3">
        <ApiErrorAlert error={invoices.error ?? download.error} />
        {invoices.data && items.length === 0 ? <p className="text-sm text-muted-foreground">{t('billing.invoices.empty')}</p> : null}
        {items.length > 0 ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t('billing.invoices.number')}</TableHead>
                <TableHead>{t('billing.invoices.cycle')}</TableHead>
                <TableHead>{t('billing.invoices.total')}</TableHead>
                <TableHead>{t('billing.invoices.status')}</TableHead>
                <TableHead>{t('billing.invoices.issuedAt')}</TableHead>
                <TableHead>{t('common.actions')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((invoice) => (
                <TableRow key={invoice.id}>
                  <TableCell className="font-mono">{invoice.number}</TableCell>
                  <TableCell>{invoice.cycle}</TableCell>
                  <TableCell>{formatVnd(invoice.total_vnd, i18n.language)}</TableCell>
                  <TableCell>
                    <Badge variant={invoice.status === 'paid' ? 'default' : 'secondary'}>{t(`billing.invoices.statuses.${invoice.status}`)}</Badge>
                  </TableCell>
                  <TableCell>{formatDateTime(invoice.issued_at, i18n.language)}</TableCell>
                  <TableCell>
                    <Button
                      variant="outline"
                      size="sm"
                      disabled={download.isPending}
                      onClick={() => download.mutate(invoice)}
                      aria-label={t('billing.invoices.downloadLabel', { number: invoice.number })}
                    >
                      <Download className="h-4 w-4" aria-hidden="true" />
                      {t('billing.invoices.download')}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** The ledger card (latest 50 entries). */
export function LedgerCard() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const ledger = useQuery({
    queryKey: billingKeys.ledger,
    queryFn: async () => (await unwrap(client.api.GET('/v1/tenant/billing/ledger', { params: { query: { limit: 50 } } }))) as { items: LedgerEntry[] },
  });
  const items = ledger.data?.items ?? [];
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('billing.ledger.title')}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-3">
        <ApiErrorAlert error={ledger.error} />
        {ledger.data && items.length === 0 ? <p className="text-sm text-muted-foreground">{t('billing.ledger.empty')}</p> : null}
        {items.length > 0 ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t('billing.ledger.date')}</TableHead>
                <TableHead>{t('billing.ledger.kind')}</TableHead>
                <TableHead>{t('billing.ledger.amount')}</TableHead>
                <TableHead>{t('billing.ledger.description')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((entry) => (
                <TableRow key={entry.id}>
                  <TableCell>{formatDateTime(entry.created_at, i18n.language)}</TableCell>
                  <TableCell>{t(`billing.ledger.kinds.${entry.kind}`, entry.kind)}</TableCell>
                  <TableCell className={entry.amount_vnd < 0 ? 'text-destructive' : 'text-emerald-700'}>{formatVnd(entry.amount_vnd, i18n.language)}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{entry.description ?? entry.reference ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </CardContent>
    </Card>
  );
}
