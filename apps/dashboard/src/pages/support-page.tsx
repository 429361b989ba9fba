/**
 * `/app/support`: the tenant's support tickets. Any member opens a ticket (subject and message),
 * sees its own tickets with their status, reads the platform's replies, answers and closes.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { supportKeys } from '../api/billing-queries';
import { ApiErrorAlert } from '../components/api-error-alert';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { TicketStatusBadge, TicketThread } from '../components/ticket-thread';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card';
import { Input, Textarea } from '../components/ui/input';
import { formatDateTime } from '../lib/format';
import { cn } from '../lib/utils';

/** The Support page. */
export function SupportPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<string | null>(null);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<{ subject?: string; body?: string }>({});
  const list = useQuery({ queryKey: supportKeys.list, queryFn: () => unwrap(client.api.GET('/v1/tenant/support/tickets')) });
  const ticket = useQuery({
    queryKey: supportKeys.ticket(selected ?? ''),
    queryFn: () => unwrap(client.api.GET('/v1/tenant/support/tickets/{id}', { params: { path: { id: selected ?? '' } } })),
    enabled: selected !== null,
  });
  const refresh = (id: string) => Promise.all([queryClient.invalidateQueries({ queryKey: supportKeys.list }), queryClient.invalidateQueries({ queryKey: supportKeys.ticket(id) })]);
  const open = useMutation({
    mutationFn: (input: { subject: string; body: string }) => unwrap(client.api.POST('/v1/tenant/support/tickets', { body: input })),
    onSuccess: async (created) => {
      setSubject('');
      setBody('');
      queryClient.setQueryData(supportKeys.ticket(created.id), created);
      setSelected(created.id);
      await queryClient.invalidateQueries({ queryKey: supportKeys.list });
    },
  });
  const reply = useMutation({
    mutationFn: ({ id, text }: { id: string; text: string }) =>
      unwrap(client.api.POST('/v1/tenant/support/tickets/{id}/messages', { params: { path: { id } }, body: { body: text } })),
    onSuccess: (_data, { id }) => refresh(id),
  });
  const close = useMutation({
    mutationFn: (id: string) => unwrap(client.api.POST('/v1/tenant/support/tickets/{id}/close', { params: { path: { id } } })),
    onSuccess: (_data, id) => refresh(id),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = {
      ...(subject.trim().length < 3 ? { subject: 'support.subjectRequired' } : {}),
      ...(body.trim() === '' ? { body: 'support.bodyRequired' } : {}),
    };
    setErrors(next);
    if (Object.keys(next).length === 0) open.mutate({ subject: subject.trim(), body: body.trim() });
  };
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader title={t('support.title')} description={t('support.description')} />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,22rem)_1fr]">
        <div className="grid content-start gap-6">
          <Card>
            <CardHeader>
              <CardTitle>{t('support.newTitle')}</CardTitle>
            </CardHeader>
            <CardContent>
              <form onSubmit={submit} className="grid gap-3" noValidate>
                <FormField label={t('support.subject')} error={errors.subject}>
                  <Input value={subject} maxLength={200} onChange={(e) => setSubject(e.target.value)} />
                </FormField>
                <FormField label={t('support.body')} error={errors.body}>
                  <Textarea rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
                </FormField>
                <ApiErrorAlert error={open.error} />
                <div>
                  <Button type="submit" disabled={open.isPending}>
                    {t('support.submit')}
                  </Button>
                </div>
              </form>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t('support.listTitle')}</CardTitle>
            </CardHeader>
            <CardContent className="grid gap-2">
              <ApiErrorAlert error={list.error} />
              {list.data && items.length === 0 ? <p className="text-sm text-muted-foreground">{t('support.empty')}</p> : null}
              <ul className="grid gap-2">
                {items.map((item) => (
                  <li key={item.id}>
                    <button
                      type="button"
                      onClick={() => setSelected(item.id)}
                      aria-current={selected === item.id ? 'true' : undefined}
                      className={cn(
                        'grid w-full gap-1 rounded-md border p-3 text-left text-sm hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
                        selected === item.id && 'border-primary',
                      )}
                    >
                      <span className="flex items-center justify-between gap-2">
                        <span className="font-medium">{item.subject}</span>
                        <TicketStatusBadge status={item.status} />
                      </span>
                      <span className="text-xs text-muted-foreground">
                        {t('support.updated', { date: formatDateTime(item.updated_at, i18n.language), n: item.message_count })}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </CardContent>
          </Card>
        </div>
        <div>
          <ApiErrorAlert error={ticket.error ?? reply.error ?? close.error} />
          {ticket.data && selected ? (
            <TicketThread
              ticket={ticket.data}
              side="tenant"
              busy={reply.isPending || close.isPending}
              onReply={(text) => reply.mutateAsync({ id: selected, text })}
              onClose={() => close.mutate(selected)}
            />
          ) : (
            <p className="text-sm text-muted-foreground">{t('support.pick')}</p>
          )}
        </div>
      </div>
    </>
  );
}
