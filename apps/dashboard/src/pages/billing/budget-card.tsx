/**
 * Credit balance and the monthly hard cap: what was spent on the platform's key this cycle against
 * the cap, and a form to set the cap (or go back to the platform default).
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import type { BillingStatus } from '../../api/billing-types';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { FormField } from '../../components/form-field';
import { UsageMeter } from '../../components/usage-meter';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Input } from '../../components/ui/input';
import { formatVnd } from '../../lib/money';

/** The balance and budget card. */
export function BudgetCard({ status }: { status: BillingStatus }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [cap, setCap] = useState(String(status.budget.cap_vnd));
  const [error, setError] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: async (value: number | null) => (await unwrap(client.api.PUT('/v1/tenant/billing/budget', { body: { monthly_cap_vnd: value } }))) as unknown as BillingStatus,
    onSuccess: (next) => {
      setCap(String(next.budget.cap_vnd));
      return queryClient.invalidateQueries({ queryKey: ['billing'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(cap.replace(/[.,\s]/g, ''));
    if (!Number.isSafeInteger(value) || value < 0 || cap.trim() === '') {
      setError('billing.budget.invalid');
      return;
    }
    setError(undefined);
    save.mutate(value);
  };
  const { budget } = status;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('billing.budget.title')}</CardTitle>
        <CardDescription>{t('billing.budget.description')}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <p className="text-sm">
          {t('billing.budget.balance')}: <strong className="text-2xl">{formatVnd(status.balance_vnd, lang)}</strong>
        </p>
        <UsageMeter
          label={t('billing.budget.spent')}
          value={budget.spent_vnd}
          max={budget.cap_vnd}
          valueText={t('billing.budget.ofCap', { spent: formatVnd(budget.spent_vnd, lang), cap: formatVnd(budget.cap_vnd, lang) })}
        />
        {budget.reserved_vnd > 0 ? <p className="text-xs text-muted-foreground">{t('billing.budget.reserved', { amount: formatVnd(budget.reserved_vnd, lang) })}</p> : null}
        <form onSubmit={submit} className="grid gap-3" noValidate>
          <FormField label={t('billing.budget.capLabel')} error={error} hint={t('billing.budget.capHint')}>
            <Input inputMode="numeric" value={cap} onChange={(e) => setCap(e.target.value)} />
          </FormField>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={save.isPending}>
              {t('billing.budget.save')}
            </Button>
            <Button type="button" variant="outline" disabled={save.isPending} onClick={() => save.mutate(null)}>
              {t('billing.budget.useDefault')}
            </Button>
          </div>
        </form>
        <ApiErrorAlert error={save.error} />
        {save.isSuccess ? <Alert variant="success">{t('billing.budget.saved')}</Alert> : null}
      </CardContent>
    </Card>
  );
}
