/** The Billing page's plan and usage card: this cycle's chats, messages, tokens and cost. */
import { useTranslation } from 'react-i18next';
import type { BillingStatus } from '../../api/billing-types';
import { UsageMeter } from '../../components/usage-meter';
import { Badge } from '../../components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { formatNumber, formatVnd } from '../../lib/money';

/** Plan, usage against quota and per-model tokens for `status`. */
export function UsageCard({ status }: { status: BillingStatus }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { usage, plan } = status;
  const tokensIn = usage.models.reduce((s, m) => s + m.tokens_in, 0);
  const tokensOut = usage.models.reduce((s, m) => s + m.tokens_out, 0);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('billing.usage.title', { cycle: status.cycle })}</CardTitle>
        <CardDescription>
          {t('billing.usage.plan')}: <strong>{lang.startsWith('vi') ? plan.name_vi : plan.name}</strong>{' '}
          {status.mode === 'faq-only' ? <Badge variant="destructive">{t('billing.usage.faqOnly')}</Badge> : null}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <UsageMeter
          label={t('billing.usage.chats')}
          value={usage.chats}
          max={usage.chats_included}
          valueText={t('billing.usage.ofIncluded', { used: formatNumber(usage.chats, lang), included: formatNumber(usage.chats_included, lang) })}
        />
        {usage.overage_chats > 0 ? <p className="text-sm text-amber-800">{t('billing.usage.overage', { n: formatNumber(usage.overage_chats, lang) })}</p> : null}
        {status.mode === 'faq-only' ? <p className="text-sm text-destructive">{t(`billing.usage.reason.${status.mode_reason ?? 'admin'}`)}</p> : null}
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-muted-foreground">{t('billing.usage.messages')}</dt>
            <dd className="text-lg font-semibold">{formatNumber(usage.messages, lang)}</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">{t('billing.usage.tokensIn')}</dt>
            <dd className="text-lg font-semibold">{formatNumber(tokensIn, lang)}</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">{t('billing.usage.tokensOut')}</dt>
            <dd className="text-lg font-semibold">{formatNumber(tokensOut, lang)}</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">{t('billing.usage.cost')}</dt>
            <dd className="text-lg font-semibold">{formatVnd(usage.platform_cost_vnd, lang)}</dd>
          </div>
        </dl>
        {usage.models.length > 0 ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t('billing.usage.model')}</TableHead>
                <TableHead>{t('billing.usage.keySource')}</TableHead>
                <TableHead>{t('billing.usage.tokensIn')}</TableHead>
                <TableHead>{t('billing.usage.tokensOut')}</TableHead>
                <TableHead>{t('billing.usage.cost')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {usage.models.map((m) => (
                <TableRow key={`${m.provider}:${m.model}:${m.key_source}`}>
                  <TableCell className="font-mono text-xs">{`${m.provider}:${m.model}`}</TableCell>
                  <TableCell>{t(`billing.usage.keys.${m.key_source}`)}</TableCell>
                  <TableCell>{formatNumber(m.tokens_in, lang)}</TableCell>
                  <TableCell>{formatNumber(m.tokens_out, lang)}</TableCell>
                  <TableCell>{formatVnd(m.cost_vnd, lang)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </CardContent>
    </Card>
  );
}
