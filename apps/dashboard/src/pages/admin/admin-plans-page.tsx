/**
 * `/app/admin/plans` (platform admins): the plans (fee, included chats, overage), model costs and
 * the operator's margin with the resulting credit prices, which payment methods are configured,
 * and an editor for the whole configuration (JSON, validated by the runtime; saved to the
 * `CHATBOT_BILLING_CONFIG` file and applied at once).
 */
import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { ApiError, unwrap } from '../../api/api-error';
import { consoleKeys } from '../../api/billing-queries';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { FormField } from '../../components/form-field';
import { PageHeader } from '../../components/page-header';
import { Alert, Badge } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Textarea } from '../../components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { formatNumber, formatVnd } from '../../lib/money';

interface PlanConfig {
  id: string;
  kind: 'free' | 'subscription';
  name: string;
  nameVi: string;
  includedChats: number;
  monthlyFeeVnd?: number;
  overagePerChatVnd?: number;
}
interface BillingConfigView {
  config: {
    plans: PlanConfig[];
    modelCosts: Record<string, { inputVndPerMillionTokens: number; outputVndPerMillionTokens: number }>;
    marginBasisPoints: number;
    defaultMonthlyCapVnd: number;
    alertThresholdsPercent: number[];
  };
  source: 'file' | 'default';
  payment_methods: Record<string, boolean>;
  bank_webhook: boolean;
}

/** The plans and prices page. */
export function AdminPlansPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { client } = useApi();
  const queryClient = useQueryClient();
  const config = useQuery({
    queryKey: consoleKeys.config,
    queryFn: async () => (await unwrap(client.api.GET('/v1/admin/billing/config'))) as unknown as BillingConfigView,
  });
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | undefined>();
  useEffect(() => {
    if (config.data) setText(JSON.stringify(config.data.config, null, 2));
  }, [config.data]);
  const save = useMutation({
    mutationFn: (next: Record<string, unknown>) => unwrap(client.api.PUT('/v1/admin/billing/config', { body: { config: next } })),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: consoleKeys.config }), queryClient.invalidateQueries({ queryKey: ['billing', 'plans'] })]),
  });
  const submit = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      setParseError('adminConsole.plans.invalidJson');
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setParseError('adminConsole.plans.invalidJson');
      return;
    }
    setParseError(undefined);
    save.mutate(parsed as Record<string, unknown>);
  };
  const issues = save.error instanceof ApiError ? ((save.error.details?.['issues'] as { path: string; message: string }[] | undefined) ?? []) : [];
  const data = config.data;
  const margin = data ? data.config.marginBasisPoints / 10_000 : 0;
  return (
    <>
      <PageHeader title={t('adminConsole.plans.title')} description={t('adminConsole.plans.description')} />
      <ApiErrorAlert error={config.error} />
      {config.isPending ? <p role="status">{t('common.loading')}</p> : null}
      {data ? (
        <div className="grid gap-6">
          <Card>
            <CardHeader>
              <CardTitle>{t('adminConsole.plans.plans')}</CardTitle>
              <CardDescription>
                {t(`adminConsole.plans.source.${data.source}`)} · {t('adminConsole.plans.defaultCap', { amount: formatVnd(data.config.defaultMonthlyCapVnd, lang) })} ·{' '}
                {t('adminConsole.plans.thresholds', { list: data.config.alertThresholdsPercent.join('%, ') + '%' })}
              </CardDescription>
            </CardHeader>
            <CardContent>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t('adminConsole.plans.id')}</TableHead>
                    <TableHead>{t('adminConsole.plans.name')}</TableHead>
                    <TableHead>{t('adminConsole.plans.fee')}</TableHead>
                    <TableHead>{t('adminConsole.plans.included')}</TableHead>
                    <TableHead>{t('adminConsole.plans.overage')}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.config.plans.map((p) => (
                    <TableRow key={p.id}>
                      <TableCell className="font-mono">{p.id}</TableCell>
                      <TableCell>{lang.startsWith('vi') ? p.nameVi : p.name}</TableCell>
                      <TableCell>{formatVnd(p.monthlyFeeVnd ?? 0, lang)}</TableCell>
                      <TableCell>{formatNumber(p.includedChats, lang)}</TableCell>
                      <TableCell>{p.overagePerChatVnd === undefined ? '—' : formatVnd(p.overagePerChatVnd, lang)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t('adminConsole.plans.models')}</CardTitle>
              <CardDescription>{t('adminConsole.plans.margin', { percent: formatNumber(margin * 100, lang) })}</CardDescription>
            </CardHeader>
            <CardContent>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t('adminConsole.plans.model')}</TableHead>
                    <TableHead>{t('adminConsole.plans.costIn')}</TableHead>
                    <TableHead>{t('adminConsole.plans.costOut')}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {Object.entries(data.config.modelCosts).map(([model, cost]) => (
                    <TableRow key={model}>
                      <TableCell className="font-mono text-xs">{model}</TableCell>
                      <TableCell>{formatVnd(cost.inputVndPerMillionTokens, lang)}</TableCell>
                      <TableCell>{formatVnd(cost.outputVndPerMillionTokens, lang)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              <p className="mt-4 flex flex-wrap gap-2 text-sm">
                {t('adminConsole.plans.payments')}:
                {Object.entries(data.payment_methods).map(([method, on]) => (
                  <Badge key={method} variant={on ? 'default' : 'outline'}>
                    {t(`billing.topup.methods.${method}`, method)} {on ? '✓' : '✗'}
                  </Badge>
                ))}
              </p>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t('adminConsole.plans.editTitle')}</CardTitle>
              <CardDescription>{t('adminConsole.plans.editHint')}</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-3">
              <FormField label={t('adminConsole.plans.json')} error={parseError}>
                <Textarea rows={18} spellCheck={false} className="font-mono text-xs" value={text} onChange={(e) => setText(e.target.value)} />
              </FormField>
              <ApiErrorAlert error={save.error} />
              {issues.length > 0 ? (
                <ul className="list-disc pl-6 text-sm text-destructive">
                  {issues.map((issue) => (
                    <li key={`${issue.path}:${issue.message}`}>
                      <code>{issue.path || '/'}</code>: {issue.message}
                    </li>
                  ))}
                </ul>
              ) : null}
              {save.isSuccess ? <Alert variant="success">{t('adminConsole.plans.saved')}</Alert> : null}
              <div>
                <Button type="button" disabled={save.isPending} onClick={submit}>
                  {t('adminConsole.plans.save')}
                </Button>
              </div>
            </CardContent>
          </Card>
        </div>
      ) : null}
    </>
  );
}
