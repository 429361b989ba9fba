/** `/app/settings/audit-log`: who did what in the tenant, newest first, 50 at a time. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { queryKeys } from '../api/queries';
import { ApiErrorAlert } from '../components/api-error-alert';
import { PageHeader } from '../components/page-header';
import { Button } from '../components/ui/button';
import { Card, CardContent } from '../components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table';
import { formatDateTime } from '../lib/format';

/** The audit log page. */
export function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const log = useInfiniteQuery({
    queryKey: queryKeys.auditLog,
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(client.api.GET('/v1/tenant/audit-log', { params: { query: { limit: 50, ...(pageParam ? { before: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_before ?? undefined,
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      <ApiErrorAlert error={log.error} />
      <Card className="max-w-5xl">
        <CardContent className="grid gap-3 pt-6">
          {log.isPending ? <p role="status">{t('common.loading')}</p> : null}
          {log.data && entries.length === 0 ? <p className="text-sm text-muted-foreground">{t('audit.empty')}</p> : null}
          {entries.length > 0 ? (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t('audit.when')}</TableHead>
                  <TableHead>{t('audit.actor')}</TableHead>
                  <TableHead>{t('audit.action')}</TableHead>
                  <TableHead>{t('audit.target')}</TableHead>
                  <TableHead>{t('audit.ip')}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {entries.map((e) => (
                  <TableRow key={e.id}>
                    <TableCell className="whitespace-nowrap">{formatDateTime(e.created_at, i18n.language)}</TableCell>
                    <TableCell>
                      <span className="block">{t(`audit.actorKind.${e.actor_kind}`, e.actor_kind)}</span>
                      {e.actor_user_id ? <span className="block font-mono text-xs text-muted-foreground">{e.actor_user_id}</span> : null}
                    </TableCell>
                    <TableCell className="font-mono">{e.action}</TableCell>
                    <TableCell className="font-mono text-xs">{e.target_type ? `${e.target_type}:${e.target_id ?? ''}` : '—'}</TableCell>
                    <TableCell className="font-mono text-xs">{e.ip ?? '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
          {log.hasNextPage ? (
            <div>
              <Button variant="outline" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                {t('audit.more')}
              </Button>
            </div>
          ) : null}
        </CardContent>
      </Card>
    </>
  );
}
