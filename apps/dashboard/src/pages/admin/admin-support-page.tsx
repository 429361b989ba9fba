/**
 * `/app/admin/support` (platform admins): every tenant's support tickets, filtered by status;
 * open one to read it, reply (the ticket becomes "answered") or close it.
 */
import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { supportKeys } from '../../api/billing-queries';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { PageHeader } from '../../components/page-header';
import { TicketStatusBadge, TicketThread } from '../../components/ticket-thread';
import { Button } from '../../components/ui/button';
import { Card, CardContent } from '../../components/ui/card';
import { NativeSelect } from '../../components/ui/input';
import { Label } from '../../components/ui/label';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table';
import { formatDateTime } from '../../lib/format';

const filters = ['open', 'answered', 'closed', 'all'] as const;
type Filter = (typeof filters)[number];

/** The support console. */
export function AdminSupportPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const filterId = useId();
  const [status, setStatus] = useState<Filter>('open');
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    queryKey: supportKeys.adminList(status),
    queryFn: () => unwrap(client.api.GET('/v1/admin/support/tickets', { params: { query: status === 'all' ? {} : { status } } })),
  });
  const ticket = useQuery({
    queryKey: supportKeys.adminTicket(selected ?? ''),
    queryFn: () => unwrap(client.api.GET('/v1/admin/support/tickets/{id}', { params: { path: { id: selected ?? '' } } })),
    enabled: selected !== null,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'support'] });
  const reply = useMutation({
    mutationFn: ({ id, text }: { id: string; text: string }) => unwrap(client.api.POST('/v1/admin/support/tickets/{id}/messages', { params: { path: { id } }, body: { body: text } })),
    onSuccess: refresh,
  });
  const close = useMutation({
    mutationFn: (id: string) => unwrap(client.api.POST('/v1/admin/support/tickets/{id}/close', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader title={t('adminConsole.support.title')} description={t('adminConsole.support.description')} />
      <div className="grid gap-6">
        <Card>
          <CardContent className="grid gap-4 pt-6">
            <div className="flex items-center gap-3">
              <Label htmlFor={filterId}>{t('admin.filter')}</Label>
              <NativeSelect id={filterId} className="w-auto" value={status} onChange={(e) => setStatus(e.target.value as Filter)}>
                {filters.map((f) => (
                  <option key={f} value={f}>
                    {f === 'all' ? t('status.all') : t(`support.statuses.${f}`)}
                  </option>
                ))}
              </NativeSelect>
            </div>
            <ApiErrorAlert error={list.error} />
            {list.data && items.length === 0 ? <p className="text-sm text-muted-foreground">{t('adminConsole.support.empty')}</p> : null}
            {items.length > 0 ? (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t('admin.tenant')}</TableHead>
                    <TableHead>{t('support.subject')}</TableHead>
                    <TableHead>{t('overview.status')}</TableHead>
                    <TableHead>{t('adminConsole.support.updatedAt')}</TableHead>
                    <TableHead>{t('common.actions')}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {items.map((item) => (
                    <TableRow key={item.id}>
                      <TableCell>{item.tenant_name}</TableCell>
                      <TableCell>{item.subject}</TableCell>
                      <TableCell>
                        <TicketStatusBadge status={item.status} />
                      </TableCell>
                      <TableCell>{formatDateTime(item.updated_at, i18n.language)}</TableCell>
                      <TableCell>
                        <Button variant="outline" size="sm" onClick={() => setSelected(item.id)} aria-label={t('adminConsole.support.openFor', { subject: item.subject })}>
                          {t('adminConsole.support.open')}
                        </Button>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            ) : null}
          </CardContent>
        </Card>
        <ApiErrorAlert error={ticket.error ?? reply.error ?? close.error} />
        {ticket.data && selected ? (
          <TicketThread
            ticket={ticket.data}
            side="platform"
            busy={reply.isPending || close.isPending}
            onReply={(text) => reply.mutateAsync({ id: selected, text })}
            onClose={() => close.mutate(selected)}
          />
        ) : null}
      </div>
    </>
  );
}
