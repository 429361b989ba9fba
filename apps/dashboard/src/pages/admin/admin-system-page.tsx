/**
 * `/app/admin/system` (platform admins): system health — database round trip, job queues (waiting,
 * active, dead letters, failures in the last hour), HTTP and job error rates — and the platform
 * LLM key (provider, models, masked key), editable here (see `platform-llm-card.tsx`).
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { consoleKeys } from '../../api/billing-queries';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { PageHeader } from '../../components/page-header';
import { Badge } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { formatDateTime } from '../../lib/format';
import { formatNumber, formatPercent } from '../../lib/money';
import { PlatformLlmCard } from './platform-llm-card';

/** The system page. */
export function AdminSystemPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { client } = useApi();
  const health = useQuery({ queryKey: consoleKeys.health, queryFn: () => unwrap(client.api.GET('/v1/admin/system/health')), refetchInterval: 30_000 });
  const h = health.data;
  return (
    <>
      <PageHeader
        title={t('adminConsole.system.title')}
        description={t('adminConsole.system.description')}
        actions={
          <Button variant="outline" onClick={() => void health.refetch()} disabled={health.isFetching}>
            {t('adminConsole.system.refresh')}
          </Button>
        }
      />
      <div className="grid gap-6">
        <ApiErrorAlert error={health.error} />
        {health.isPending ? <p role="status">{t('common.loading')}</p> : null}
        {h ? (
          <Card>
            <CardHeader>
              <CardTitle className="flex items-center gap-2">
                {t('adminConsole.system.health')}
                <Badge variant={h.status === 'ok' ? 'default' : 'destructive'}>{t(`adminConsole.system.status.${h.status}`)}</Badge>
              </CardTitle>
              <CardDescription>{t('adminConsole.system.checkedAt', { date: formatDateTime(h.checked_at, lang) })}</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4">
              <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
                <div>
                  <dt className="text-muted-foreground">{t('adminConsole.system.database')}</dt>
                  <dd className="text-lg font-semibold">{h.database.ok ? t('adminConsole.system.dbOk', { ms: h.database.latency_ms }) : t('adminConsole.system.dbDown')}</dd>
                </div>
                <div>
                  <dt className="text-muted-foreground">{t('adminConsole.system.queued')}</dt>
                  <dd className="text-lg font-semibold">{formatNumber(h.totals.queued, lang)}</dd>
                </div>
                <div>
                  <dt className="text-muted-foreground">{t('adminConsole.system.deadLetters')}</dt>
                  <dd className="text-lg font-semibold">
                    {formatNumber(h.totals.dead_letters, lang)}{' '}
                    <span className="text-xs font-normal text-muted-foreground">{t('adminConsole.system.lastDay', { n: h.totals.dead_letters_last_day })}</span>
                  </dd>
                </div>
                <div>
                  <dt className="text-muted-foreground">{t('adminConsole.system.errorRate')}</dt>
                  <dd className="text-lg font-semibold">
                    {formatPercent(h.http.error_rate, lang)}{' '}
                    <span className="text-xs font-normal text-muted-foreground">{t('adminConsole.system.jobErrors', { rate: formatPercent(h.totals.job_error_rate_last_hour, lang) })}</span>
                  </dd>
                </div>
              </dl>
              {h.queues === null ? <p className="text-sm text-muted-foreground">{t('adminConsole.system.noQueues')}</p> : null}
              {h.queues && h.queues.length > 0 ? (
                <Table>
                  <TableHeader>
                    <TableRow>
                      <TableHead>{t('adminConsole.system.queue')}</TableHead>
                      <TableHead>{t('adminConsole.system.queued')}</TableHead>
                      <TableHead>{t('adminConsole.system.active')}</TableHead>
                      <TableHead>{t('adminConsole.system.deadLetters')}</TableHead>
                      <TableHead>{t('adminConsole.system.doneHour')}</TableHead>
                      <TableHead>{t('adminConsole.system.failedHour')}</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {h.queues.map((q) => (
                      <TableRow key={q.name}>
                        <TableCell className="font-mono text-xs">{q.name}</TableCell>
                        <TableCell>{formatNumber(q.queued, lang)}</TableCell>
                        <TableCell>{formatNumber(q.active, lang)}</TableCell>
                        <TableCell className={q.dead_letters > 0 ? 'font-semibold text-destructive' : ''}>{formatNumber(q.dead_letters, lang)}</TableCell>
                        <TableCell>{formatNumber(q.completed_last_hour, lang)}</TableCell>
                        <TableCell>{formatNumber(q.failed_last_hour, lang)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              ) : null}
              <p className="text-xs text-muted-foreground">
                {t('adminConsole.system.processNote', { uptime: formatNumber(Math.round(h.process.uptime_seconds / 60), lang), requests: formatNumber(h.http.requests, lang) })}
              </p>
            </CardContent>
          </Card>
        ) : null}
        <PlatformLlmCard />
      </div>
    </>
  );
}
