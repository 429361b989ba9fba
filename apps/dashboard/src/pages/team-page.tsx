/**
 * `/app/settings/team`: members and their roles; tenant-admins also change roles, remove members,
 * invite by e-mail and revoke pending invitations.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useApi, useSession } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { queryKeys } from '../api/queries';
import type { Role } from '../api/types';
import { ApiErrorAlert } from '../components/api-error-alert';
import { ConfirmButton } from '../components/confirm-button';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { Alert, Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card';
import { Input, NativeSelect } from '../components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table';
import { formatDateTime } from '../lib/format';
import { useValidatedForm } from '../lib/forms';
import { emailField } from '../lib/validation';

const roles: readonly Role[] = ['tenant-admin', 'tenant-agent'];

const inviteSchema = z.object({ email: emailField, role: z.enum(['tenant-admin', 'tenant-agent']) });

function MembersCard({ isAdmin }: { isAdmin: boolean }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const me = useSession((s) => s.user?.id);
  const members = useQuery({ queryKey: queryKeys.members, queryFn: () => unwrap(client.api.GET('/v1/tenant/members')) });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.members });
  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      unwrap(client.api.PATCH('/v1/tenant/members/{userId}', { params: { path: { userId } }, body: { role } })),
    onSettled: invalidate,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => unwrap(client.api.DELETE('/v1/tenant/members/{userId}', { params: { path: { userId } } })),
    onSettled: invalidate,
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('team.members')}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-3">
        <ApiErrorAlert error={members.error ?? changeRole.error ?? remove.error} />
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t('team.person')}</TableHead>
              <TableHead>{t('team.role')}</TableHead>
              <TableHead>{t('team.joinedAt')}</TableHead>
              {isAdmin ? <TableHead>{t('common.actions')}</TableHead> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {(members.data?.items ?? []).map((m) => (
              <TableRow key={m.user_id}>
                <TableCell>
                  <span className="block font-medium">{m.name ?? m.email}</span>
                  <span className="block text-xs text-muted-foreground">{m.email}</span>
                </TableCell>
                <TableCell>
                  {isAdmin && m.user_id !== me ? (
                    <NativeSelect
                      aria-label={t('team.roleOf', { person: m.name ?? m.email })}
                      className="h-9 w-auto"
                      value={m.role}
                      disabled={changeRole.isPending}
                      onChange={(e) => changeRole.mutate({ userId: m.user_id, role: e.target.value as Role })}
                    >
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {t(`roles.${r}`)}
                        </option>
                      ))}
                    </NativeSelect>
                  ) : (
                    <Badge variant="secondary">{t(`roles.${m.role}`)}</Badge>
                  )}
                </TableCell>
                <TableCell>{formatDateTime(m.joined_at, i18n.language)}</TableCell>
                {isAdmin ? (
                  <TableCell>
                    {m.user_id !== me ? (
                      <ConfirmButton
                        title={t('team.removeTitle')}
                        description={t('team.removeConfirm', { person: m.email })}
                        confirmLabel={t('team.remove')}
                        disabled={remove.isPending}
                        onConfirm={() => remove.mutate(m.user_id)}
                      >
                        {t('team.remove')}
                      </ConfirmButton>
                    ) : (
                      <span className="text-xs text-muted-foreground">{t('team.you')}</span>
                    )}
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function InvitationsCard() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const invitations = useQuery({ queryKey: queryKeys.invitations, queryFn: () => unwrap(client.api.GET('/v1/tenant/invitations')) });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.invitations });
  const invite = useMutation({
    mutationFn: (body: z.infer<typeof inviteSchema>) => unwrap(client.api.POST('/v1/tenant/invitations', { body })),
    onSuccess: invalidate,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(client.api.DELETE('/v1/tenant/invitations/{id}', { params: { path: { id } } })),
    onSettled: invalidate,
  });
  const { errors, submit } = useValidatedForm(inviteSchema, (values, form) => invite.mutate(values, { onSuccess: () => form.reset() }));
  const pending = (invitations.data?.items ?? []).filter((i) => i.accepted_at === null);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('team.invitations')}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form noValidate onSubmit={submit} className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-end">
          <FormField label={t('common.email')} error={errors['email']}>
            <Input name="email" type="email" autoComplete="off" />
          </FormField>
          <FormField label={t('team.role')} error={errors['role']}>
            <NativeSelect name="role" defaultValue="tenant-agent">
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </NativeSelect>
          </FormField>
          <Button type="submit" disabled={invite.isPending}>
            {t('team.invite')}
          </Button>
        </form>
        {invite.data ? (
          <Alert variant={invite.data.email_sent ? 'success' : 'destructive'}>
            {invite.data.email_sent ? t('team.invited', { email: invite.data.email }) : t('team.inviteMailFailed', { email: invite.data.email })}
          </Alert>
        ) : null}
        <ApiErrorAlert error={invitations.error ?? invite.error ?? revoke.error} />
        {pending.length === 0 ? (
          <p className="text-sm text-muted-foreground">{t('team.noInvitations')}</p>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t('common.email')}</TableHead>
                <TableHead>{t('team.role')}</TableHead>
                <TableHead>{t('team.expiresAt')}</TableHead>
                <TableHead>{t('common.actions')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {pending.map((inv) => (
                <TableRow key={inv.id}>
                  <TableCell>{inv.email}</TableCell>
                  <TableCell>{t(`roles.${inv.role}`)}</TableCell>
                  <TableCell>{formatDateTime(inv.expires_at, i18n.language)}</TableCell>
                  <TableCell>
                    <Button variant="outline" size="sm" disabled={revoke.isPending} onClick={() => revoke.mutate(inv.id)}>
                      {t('team.revokeInvitation')}
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

/** The team page. */
export function TeamPage() {
  const { t } = useTranslation();
  const isAdmin = useSession((s) => s.tenant?.role === 'tenant-admin');
  return (
    <>
      <PageHeader title={t('team.title')} description={t('team.description')} />
      <div className="grid max-w-4xl gap-6">
        <MembersCard isAdmin={isAdmin} />
        {isAdmin ? <InvitationsCard /> : null}
      </div>
    </>
  );
}
