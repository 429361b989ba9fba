/** `/app/admin/tenants` (platform-admins): every tenant, filter by status, suspend and resume. */
import { useId, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { queryKeys } from '../api/queries';
import { ApiErrorAlert } from '../components/api-error-alert';
import { ConfirmButton } from '../components/confirm-button';
import { PageHeader } from '../components/page-header';
import { Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent } from '../components/ui/card';
import { NativeSelect } from '../components/ui/input';
import { Label } from '../components/ui/label';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table';
import { formatDateTime } from '../lib/format';

const statuses = ['all', 'active', 'suspended', 'deleted'] as const;
type StatusFilter = (typeof statuses)[number];
const pageSize = 100;

/** The platform-admin tenants page. */
export function AdminTenantsPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const filterId = useId();
  const [status, setStatus] = useState<StatusFilter>('all');
  const [offset, setOffset] = useState(0);
  const tenants = useQuery({
    queryKey: [...queryKeys.adminTenants(status), offset],
    queryFn: () =>
      unwrap(
        client.api.GET('/v1/admin/tenants', {
          params: { query: { limit: pageSize, offset, ...(status === 'all' ? {} : { status }) } },
        }),
      ),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['admin', 'tenants'] });
  const setTenantStatus = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'suspend' | 'resume' }) =>
      action === 'suspend'
        ? unwrap(client.api.POST('/v1/admin/tenants/{id}/suspend', { params: { path: { id } } }))
        : unwrap(client.api.POST('/v1/admin/tenants/{id}/resume', { params: { path: { id } } })),
    onSettled: invalidate,
  });
  const items = tenants.data?.items ?? [];
  return (
    <>
      <PageHeader title={t('admin.title')} description={t('admin.description')} />
      <Card>
        <CardContent className="grid gap-4 pt-6">
          <div className="flex items-center gap-3">
            <Label htmlFor={filterId}>{t('admin.filter')}</Label>
            <NativeSelect
              id={filterId}
              className="w-auto"
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as StatusFilter);
                setOffset(0);
              }}
            >
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </NativeSelect>
          </div>
          <ApiErrorAlert error={tenants.error ?? setTenantStatus.error} />
          {tenants.isPending ? <p role="status">{t('common.loading')}</p> : null}
          {tenants.data && items.length === 0 ? <p className="text-sm text-muted-foreground">{t('admin.empty')}</p> : null}
          {items.length > 0 ? (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t('admin.tenant')}</TableHead>
                  <TableHead>{t('overview.plan')}</TableHead>
                  <TableHead>{t('overview.status')}</TableHead>
                  <TableHead>{t('admin.members')}</TableHead>
                  <TableHead>{t('overview.createdAt')}</TableHead>
                  <TableHead>{t('common.actions')}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.map((tenant) => (
                  <TableRow key={tenant.id}>
                    <TableCell>
                      <span className="block font-medium">{tenant.name}</span>
                      <span className="block font-mono text-xs text-muted-foreground">{tenant.slug}</span>
                    </TableCell>
                    <TableCell>{tenant.plan}</TableCell>
                    <TableCell>
                      <Badge variant={tenant.status === 'active' ? 'default' : 'destructive'}>{t(`status.${tenant.status}`)}</Badge>
                    </TableCell>
                    <TableCell>{tenant.member_count}</TableCell>
                    <TableCell>{formatDateTime(tenant.created_at, i18n.language)}</TableCell>
                    <TableCell>
                      {tenant.status === 'active' ? (
                        <ConfirmButton
                          title={t('admin.suspendTitle')}
                          description={t('admin.suspendConfirm', { name: tenant.name })}
                          confirmLabel={t('admin.suspend')}
                          disabled={setTenantStatus.isPending}
                          onConfirm={() => setTenantStatus.mutate({ id: tenant.id, action: 'suspend' })}
                        >
                          {t('admin.suspend')}
                        </ConfirmButton>
                      ) : tenant.status === 'suspended' ? (
                        <Button
                          variant="outline"
                          size="sm"
                          disabled={setTenantStatus.isPending}
                          onClick={() => setTenantStatus.mutate({ id: tenant.id, action: 'resume' })}
                        >
                          {t('admin.resume')}
                        </Button>
                      ) : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
          <div className="flex gap-2">
            <Button variant="outline" size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
              {t('common.previous')}
            </Button>
            <Button variant="outline" size="sm" disabled={items.length < pageSize} onClick={() => setOffset(offset + pageSize)}>
              {t('common.next')}
            </Button>
          </div>
        </CardContent>
      </Card>
    </>
  );
}
