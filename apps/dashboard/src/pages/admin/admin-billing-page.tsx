/**
 * `/app/admin/billing` (platform admins): per tenant this cycle (or a past one) — plan, chats,
 * messages, tokens, the platform's cost, revenue and margin, wallet balance — with totals; change
 * a tenant's plan or cap; confirm a bank transfer by its memo (VietQR top-ups).
 */
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { consoleKeys } from '../../api/billing-queries';
import { cycleIdOf, type MoneyOverview } from '../../api/billing-types';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { FormField } from '../../components/form-field';
import { PageHeader } from '../../components/page-header';
import { Alert, Badge } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { Input, NativeSelect } from '../../components/ui/input';
import { Label } from '../../components/ui/label';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { formatNumber, formatVnd } from '../../lib/money';

type Line = MoneyOverview['items'][number];

function AccountEditor({ line, plans, onDone }: { line: Line; plans: readonly string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const [plan, setPlan] = useState(line.plan_id);
  const [cap, setCap] = useState(line.monthly_cap_vnd === null ? '' : String(line.monthly_cap_vnd));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        client.api.PUT('/v1/admin/billing/tenants/{tenantId}/account', {
          params: { path: { tenantId: line.tenant_id } },
          body: { plan_id: plan, monthly_cap_vnd: cap.trim() === '' ? null : Number(cap) },
        }),
      ),
    onSuccess: onDone,
  });
  return (
    <form
      className="grid gap-3 rounded-md border p-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      aria-label={t('adminConsole.billing.editFor', { name: line.name })}
    >
      <FormField label={t('adminConsole.billing.plan')}>
        <NativeSelect value={plan} onChange={(e) => setPlan(e.target.value)}>
          {plans.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </NativeSelect>
      </FormField>
      <FormField label={t('adminConsole.billing.cap')} hint={t('adminConsole.billing.capHint')}>
        <Input inputMode="numeric" value={cap} onChange={(e) => setCap(e.target.value)} />
      </FormField>
      <Button type="submit" disabled={save.isPending}>
        {t('common.save')}
      </Button>
      <div className="sm:col-span-3">
        <ApiErrorAlert error={save.error} />
      </div>
    </form>
  );
}

function ConfirmTransfer() {
  const { t } = useTranslation();
  const { client } = useApi();
  const [memo, setMemo] = useState('');
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const confirm = useMutation({
    mutationFn: () =>
      unwrap(client.api.POST('/v1/admin/billing/transfers/confirm', { body: { memo: memo.trim(), amount_vnd: Number(amount), bank_transaction_id: reference.trim() } })) as Promise<{
        outcome: string;
        reason?: string;
      }>,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate();
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('adminConsole.billing.confirmTitle')}</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-4 sm:items-end">
          <FormField label={t('adminConsole.billing.memo')}>
            <Input value={memo} onChange={(e) => setMemo(e.target.value)} required />
          </FormField>
          <FormField label={t('adminConsole.billing.amount')}>
            <Input inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} required />
          </FormField>
          <FormField label={t('adminConsole.billing.bankRef')}>
            <Input value={reference} onChange={(e) => setReference(e.target.value)} required />
          </FormField>
          <Button type="submit" disabled={confirm.isPending}>
            {t('adminConsole.billing.confirm')}
          </Button>
        </form>
        <div className="mt-3">
          <ApiErrorAlert error={confirm.error} />
          {confirm.data ? (
            <Alert variant={confirm.data.outcome === 'credited' ? 'success' : 'default'}>
              {t(`adminConsole.billing.outcomes.${confirm.data.outcome}`, confirm.data.outcome)}{' '}
              {confirm.data.reason ? t(`adminConsole.billing.outcomes.reasons.${confirm.data.reason}`, confirm.data.reason) : null}
            </Alert>
          ) : null}
        </div>
      </CardContent>
    </Card>
  );
}

/** The money overview page. */
export function AdminBillingPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { client } = useApi();
  const queryClient = useQueryClient();
  const cycleId = useId();
  const [cycle, setCycle] = useState(cycleIdOf());
  const [editing, setEditing] = useState<string | null>(null);
  const overview = useQuery({
    queryKey: consoleKeys.overview(cycle),
    queryFn: () => unwrap(client.api.GET('/v1/admin/billing/overview', { params: { query: { cycle, limit: 500 } } })),
  });
  const plans = useQuery({ queryKey: ['billing', 'plans'], queryFn: () => unwrap(client.api.GET('/v1/plans')) });
  const planIds = plans.data?.plans.map((p) => p.id) ?? [];
  const data = overview.data;
  const money = (v: number) => formatVnd(v, lang);
  return (
    <>
      <PageHeader title={t('adminConsole.billing.title')} description={t('adminConsole.billing.description')} />
      <div className="grid gap-6">
        <div className="flex items-center gap-3">
          <Label htmlFor={cycleId}>{t('adminConsole.billing.cycle')}</Label>
          <Input id={cycleId} type="month" className="w-auto" value={cycle} onChange={(e) => e.target.value && setCycle(e.target.value)} />
        </div>
        <ApiErrorAlert error={overview.error} />
        {overview.isPending ? <p role="status">{t('common.loading')}</p> : null}
        {data ? (
          <>
            <dl className="grid gap-4 sm:grid-cols-3">
              {(['revenue_vnd', 'cost_vnd', 'margin_vnd'] as const).map((k) => (
                <Card key={k}>
                  <CardContent className="pt-6">
                    <dt className="text-sm text-muted-foreground">{t(`adminConsole.billing.totals.${k}`)}</dt>
                    <dd className="text-2xl font-bold">{money(data.totals[k])}</dd>
                  </CardContent>
                </Card>
              ))}
            </dl>
            <Card>
              <CardContent className="grid gap-3 pt-6">
                {data.items.length === 0 ? <p className="text-sm text-muted-foreground">{t('admin.empty')}</p> : null}
                {data.items.length > 0 ? (
                  <Table>
                    <TableHeader>
                      <TableRow>
                        <TableHead>{t('admin.tenant')}</TableHead>
                        <TableHead>{t('adminConsole.billing.plan')}</TableHead>
                        <TableHead>{t('adminConsole.billing.chats')}</TableHead>
                        <TableHead>{t('adminConsole.billing.messages')}</TableHead>
                        <TableHead>{t('adminConsole.billing.tokens')}</TableHead>
                        <TableHead>{t('adminConsole.billing.cost')}</TableHead>
                        <TableHead>{t('adminConsole.billing.revenue')}</TableHead>
                        <TableHead>{t('adminConsole.billing.margin')}</TableHead>
                        <TableHead>{t('adminConsole.billing.balance')}</TableHead>
                        <TableHead>{t('common.actions')}</TableHead>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {data.items.map((line) => (
                        <TableRow key={line.tenant_id}>
                          <TableCell>
                            <span className="block font-medium">{line.name}</span>
                            <span className="block font-mono text-xs text-muted-foreground">{line.slug}</span>
                            {line.status !== 'active' ? <Badge variant="destructive">{t(`status.${line.status}`, line.status)}</Badge> : null}
                            {line.faq_only ? <Badge variant="secondary">{t('adminConsole.billing.faqOnly')}</Badge> : null}
                          </TableCell>
                          <TableCell>
                            {line.plan_id}
                            {line.plan_known ? null : <Badge variant="destructive">{t('adminConsole.billing.unknownPlan')}</Badge>}
                          </TableCell>
                          <TableCell>{formatNumber(line.chats, lang)}</TableCell>
                          <TableCell>{formatNumber(line.messages, lang)}</TableCell>
                          <TableCell>{formatNumber(line.tokens_in + line.tokens_out, lang)}</TableCell>
                          <TableCell>{money(line.cost_vnd)}</TableCell>
                          <TableCell>{money(line.revenue_vnd)}</TableCell>
                          <TableCell className={line.margin_vnd < 0 ? 'text-destructive' : ''}>{money(line.margin_vnd)}</TableCell>
                          <TableCell>{money(line.balance_vnd)}</TableCell>
                          <TableCell>
                            <Button
                              variant="outline"
                              size="sm"
                              aria-expanded={editing === line.tenant_id}
                              onClick={() => setEditing(editing === line.tenant_id ? null : line.tenant_id)}
                              aria-label={t('adminConsole.billing.editFor', { name: line.name })}
                            >
                              {t('adminConsole.billing.edit')}
                            </Button>
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                ) : null}
                {data.items
                  .filter((line) => line.tenant_id === editing)
                  .map((line) => (
                    <AccountEditor
                      key={line.tenant_id}
                      line={line}
                      plans={planIds.length > 0 ? planIds : [line.plan_id]}
                      onDone={() => {
                        setEditing(null);
                        void queryClient.invalidateQueries({ queryKey: ['admin', 'billing'] });
                      }}
                    />
                  ))}
              </CardContent>
            </Card>
          </>
        ) : null}
        <ConfirmTransfer />
      </div>
    </>
  );
}
