/**
 * Top-up: an amount and a method. VietQR shows the QR image with the bank account, amount and the
 * transfer memo (all copyable); VNPay, MoMo and Stripe send the browser to the payment page the
 * runtime created.
 */
import { useId, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import type { PaymentMethod, TopUp, VietQrTopUp } from '../../api/billing-types';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { CopyButton } from '../../components/copy-button';
import { FormField } from '../../components/form-field';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Input } from '../../components/ui/input';
import { browser } from '../../lib/browser';
import { formatVnd } from '../../lib/money';

const methods: readonly PaymentMethod[] = ['vietqr', 'vnpay', 'momo', 'stripe'];
const MIN = 10_000;
const MAX = 500_000_000;

function VietQrResult({ topUp }: { topUp: VietQrTopUp }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="grid gap-4 rounded-md border p-4 sm:grid-cols-[auto_1fr]" aria-live="polite">
      <img src={topUp.qr_png_data_url} alt={t('billing.topup.qrAlt', { amount: formatVnd(topUp.amount_vnd, i18n.language) })} className="h-56 w-56" />
      <dl className="grid content-start gap-2 text-sm">
        <dt className="text-muted-foreground">{t('billing.topup.bank')}</dt>
        <dd className="font-mono">{topUp.account.bank_bin}</dd>
        <dt className="text-muted-foreground">{t('billing.topup.account')}</dt>
        <dd className="flex items-center gap-2 font-mono">
          {topUp.account.account_number}
          {topUp.account.account_name ? <span className="font-sans">({topUp.account.account_name})</span> : null}
        </dd>
        <dt className="text-muted-foreground">{t('billing.topup.amount')}</dt>
        <dd className="font-semibold">{formatVnd(topUp.amount_vnd, i18n.language)}</dd>
        <dt className="text-muted-foreground">{t('billing.topup.memo')}</dt>
        <dd className="flex items-center gap-2">
          <strong className="font-mono text-base">{topUp.memo}</strong>
          <CopyButton value={topUp.memo} label={t('billing.topup.copyMemo')} />
        </dd>
        <dt className="text-muted-foreground">{t('billing.topup.payload')}</dt>
        <dd className="flex items-start gap-2">
          <code className="break-all text-xs">{topUp.payload}</code>
          <CopyButton value={topUp.payload} label={t('billing.topup.copyPayload')} />
        </dd>
      </dl>
      <p className="text-sm text-muted-foreground sm:col-span-2">{t('billing.topup.vietqrHelp')}</p>
    </div>
  );
}

/** The top-up card. */
export function TopUpCard() {
  const { t } = useTranslation();
  const { client } = useApi();
  const legendId = useId();
  const [amount, setAmount] = useState('200000');
  const [method, setMethod] = useState<PaymentMethod>('vietqr');
  const [error, setError] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: async (body: { method: PaymentMethod; amount_vnd: number }) => (await unwrap(client.api.POST('/v1/tenant/billing/topups', { body }))) as unknown as TopUp,
    onSuccess: (topUp) => {
      if (topUp.method !== 'vietqr') browser.redirect(topUp.payment_url);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(amount.replace(/[.,\s]/g, ''));
    if (!Number.isSafeInteger(value) || value < MIN || value > MAX) {
      setError('billing.topup.invalidAmount');
      return;
    }
    setError(undefined);
    create.mutate({ method, amount_vnd: value });
  };
  const result = create.data;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('billing.topup.title')}</CardTitle>
        <CardDescription>{t('billing.topup.description')}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form onSubmit={submit} className="grid gap-4" noValidate>
          <FormField label={t('billing.topup.amountLabel')} error={error} hint={t('billing.topup.amountHint')}>
            <Input inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} />
          </FormField>
          <fieldset className="grid gap-2" aria-labelledby={legendId}>
            <legend id={legendId} className="text-sm font-medium">
              {t('billing.topup.method')}
            </legend>
            <div className="flex flex-wrap gap-4">
              {methods.map((m) => (
                <label key={m} className="flex items-center gap-2 text-sm">
                  <input type="radio" name="method" value={m} checked={method === m} onChange={() => setMethod(m)} />
                  {t(`billing.topup.methods.${m}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <div>
            <Button type="submit" disabled={create.isPending}>
              {method === 'vietqr' ? t('billing.topup.createQr') : t('billing.topup.pay')}
            </Button>
          </div>
        </form>
        <ApiErrorAlert error={create.error} />
        {result?.method === 'vietqr' ? <VietQrResult topUp={result} /> : null}
        {result && result.method !== 'vietqr' ? (
          <p role="status" className="text-sm">
            {t('billing.topup.redirecting')}{' '}
            <a className="underline" href={result.payment_url}>
              {t('billing.topup.openPayment')}
            </a>
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}
