/**
 * One conversation in the inbox: the actions (take over, hand back, close, assign), the messages
 * with internal notes set apart, the composer (reply to the customer or save a note) and the
 * contact panel (contact, channel identities, tags, notes, reply window).
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi, useSession } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import type { paths } from '../../api/generated/openapi';
import { queryKeys } from '../../api/queries';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { Badge } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card';
import { NativeSelect, Textarea } from '../../components/ui/input';
import { Label } from '../../components/ui/label';
import { formatDateTime } from '../../lib/format';
import { cn } from '../../lib/utils';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** `GET /v1/tenant/inbox/conversations/{id}`. */
export type InboxDetail = Json<paths['/v1/tenant/inbox/conversations/{id}']['get']['responses'][200]>;

/** Query keys of the inbox. */
export const inboxKeys = {
  all: ['inbox'] as const,
  list: (filters: Record<string, string>) => ['inbox', 'list', filters] as const,
  detail: (id: string) => ['inbox', 'detail', id] as const,
};

type Action = 'take-over' | 'hand-back' | 'close';

/** The contact panel. */
function ContactPanel({ detail }: { detail: InboxDetail }) {
  const { t, i18n } = useTranslation();
  const contact = detail.contact;
  return (
    <aside aria-label={t('inbox.contact.title')} className="grid content-start gap-3 rounded-md border p-4 text-sm">
      <h3 className="font-semibold">{t('inbox.contact.title')}</h3>
      {contact ? (
        <dl className="grid gap-2">
          <div>
            <dt className="text-xs text-muted-foreground">{t('inbox.contact.name')}</dt>
            <dd>{contact.name ?? t('inbox.anonymous')}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t('inbox.contact.phone')}</dt>
            <dd>{contact.phone ?? '—'}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t('inbox.contact.email')}</dt>
            <dd>{contact.email ?? '—'}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t('inbox.contact.tags')}</dt>
            <dd className="flex flex-wrap gap-1">{contact.tags.length ? contact.tags.map((tag) => <Badge key={tag} variant="secondary">{tag}</Badge>) : '—'}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t('inbox.contact.notes')}</dt>
            <dd className="whitespace-pre-wrap">{contact.notes ?? '—'}</dd>
          </div>
          <div>
            <dt className="text-xs text-muted-foreground">{t('inbox.contact.identities')}</dt>
            <dd>
              <ul className="grid gap-1">
                {contact.identities.map((identity) => (
                  <li key={`${identity.channel}:${identity.external_user_id}`}>
                    {t(`inbox.channels.${identity.channel}`, { defaultValue: identity.channel })}: {identity.display_name ?? identity.external_user_id}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        </dl>
      ) : (
        <p className="text-muted-foreground">{t('inbox.contact.none')}</p>
      )}
      {detail.conversation.reply_window_ends_at ? (
        <p className="rounded-md bg-amber-50 p-2 text-xs text-amber-900">
          {t('inbox.replyWindow', { time: formatDateTime(detail.conversation.reply_window_ends_at, i18n.language) })}
        </p>
      ) : null}
    </aside>
  );
}

/** The conversation view. */
export function InboxConversation({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const me = useSession((s) => s.user?.id);
  const ids = { composer: useId(), assignee: useId() };
  const composer = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const detail = useQuery({
    queryKey: inboxKeys.detail(id),
    queryFn: () => unwrap(client.api.GET('/v1/tenant/inbox/conversations/{id}', { params: { path: { id } } })),
  });
  const members = useQuery({ queryKey: queryKeys.members, queryFn: () => unwrap(client.api.GET('/v1/tenant/members')) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: inboxKeys.all });

  // Opening a conversation marks it read for me.
  useEffect(() => {
    void client.api
      .POST('/v1/tenant/inbox/conversations/{id}/read', { params: { path: { id } } })
      .then(() => queryClient.invalidateQueries({ queryKey: inboxKeys.all }));
  }, [client, queryClient, id]);

  const act = useMutation({
    mutationFn: (action: Action) => {
      const path = { params: { path: { id } } };
      if (action === 'take-over') return unwrap(client.api.POST('/v1/tenant/inbox/conversations/{id}/take-over', path));
      if (action === 'hand-back') return unwrap(client.api.POST('/v1/tenant/inbox/conversations/{id}/hand-back', path));
      return unwrap(client.api.POST('/v1/tenant/inbox/conversations/{id}/close', path));
    },
    onSuccess: refresh,
  });
  const assign = useMutation({
    mutationFn: (userId: string) =>
      unwrap(client.api.POST('/v1/tenant/inbox/conversations/{id}/assign', { params: { path: { id } }, body: { user_id: userId } })),
    onSuccess: refresh,
  });
  const send = useMutation({
    mutationFn: ({ kind, content }: { kind: 'reply' | 'note'; content: string }) =>
      kind === 'reply'
        ? unwrap(client.api.POST('/v1/tenant/inbox/conversations/{id}/messages', { params: { path: { id } }, body: { content } }))
        : unwrap(client.api.POST('/v1/tenant/inbox/conversations/{id}/notes', { params: { path: { id } }, body: { content } })),
    onSuccess: () => {
      setText('');
      composer.current?.focus();
      void refresh();
    },
  });

  if (detail.error) return <ApiErrorAlert error={detail.error} />;
  if (!detail.data) return <p role="status">{t('common.loading')}</p>;
  const { conversation, messages } = detail.data;
  const held = conversation.mode === 'human';
  const submit = (kind: 'reply' | 'note') => (event?: FormEvent) => {
    event?.preventDefault();
    const content = text.trim();
    if (content) send.mutate({ kind, content });
  };

  return (
    <div className="grid gap-4 xl:grid-cols-[1fr_18rem]">
      <Card>
        <CardHeader className="gap-2">
          <CardTitle>{conversation.contact.name ?? t('inbox.anonymous')}</CardTitle>
          <p className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
            <span>{t(`inbox.channels.${conversation.channel}`, { defaultValue: conversation.channel })}</span>
            <Badge variant={held ? 'default' : 'secondary'}>{t(`inbox.modes.${conversation.mode}`)}</Badge>
            {conversation.needs_human ? <Badge variant="destructive">{t('inbox.needsHuman')}</Badge> : null}
            <span>{conversation.assignee ? t('inbox.assignedTo', { name: conversation.assignee.name ?? conversation.assignee.email }) : t('inbox.unassigned')}</span>
          </p>
          <div className="flex flex-wrap items-end gap-2" role="group" aria-label={t('inbox.actions')}>
            {!held || conversation.assignee?.id !== me ? (
              <Button size="sm" onClick={() => act.mutate('take-over')} disabled={act.isPending}>
                {t('inbox.takeOver')}
              </Button>
            ) : null}
            {held ? (
              <Button size="sm" variant="outline" onClick={() => act.mutate('hand-back')} disabled={act.isPending}>
                {t('inbox.handBack')}
              </Button>
            ) : null}
            {conversation.mode !== 'closed' ? (
              <Button size="sm" variant="outline" onClick={() => act.mutate('close')} disabled={act.isPending}>
                {t('inbox.close')}
              </Button>
            ) : null}
            <form
              className="flex items-end gap-2"
              onSubmit={(event) => {
                event.preventDefault();
                const userId = String(new FormData(event.currentTarget).get('assignee') ?? '');
                if (userId) assign.mutate(userId);
              }}
            >
              <div className="grid gap-1">
                <Label htmlFor={ids.assignee}>{t('inbox.assignLabel')}</Label>
                <NativeSelect id={ids.assignee} name="assignee" defaultValue={conversation.assignee?.id ?? ''}>
                  <option value="">{t('inbox.chooseColleague')}</option>
                  {(members.data?.items ?? []).map((member) => (
                    <option key={member.user_id} value={member.user_id}>
                      {member.name ?? member.email}
                    </option>
                  ))}
                </NativeSelect>
              </div>
              <Button size="sm" variant="outline" type="submit" disabled={assign.isPending}>
                {t('inbox.assign')}
              </Button>
            </form>
          </div>
          <ApiErrorAlert error={act.error ?? assign.error} />
        </CardHeader>
        <CardContent className="grid gap-3">
          <ol className="grid max-h-[60vh] gap-2 overflow-y-auto" aria-label={t('inbox.messages')} aria-live="polite">
            {messages.map((message) => (
              <li
                key={message.id}
                className={cn(
                  'grid gap-1 rounded-md border p-2 text-sm',
                  message.role === 'customer' ? 'mr-8 bg-muted/40' : message.role === 'note' ? 'border-dashed bg-amber-50' : 'ml-8 bg-primary/5',
                )}
              >
                <div className="flex flex-wrap justify-between gap-2 text-xs text-muted-foreground">
                  <span className="font-semibold text-foreground">
                    {t(`inbox.roles.${message.role}`)}
                    {message.author ? ` · ${message.author.name ?? message.author.email}` : ''}
                  </span>
                  <time dateTime={message.created_at}>{formatDateTime(message.created_at, i18n.language)}</time>
                </div>
                <p className="whitespace-pre-wrap break-words">{message.content}</p>
                {message.role === 'agent' && message.delivery_status && message.delivery_status !== 'sent' ? (
                  <p className="text-xs text-muted-foreground">{t(`inbox.delivery.${message.delivery_status}`, { defaultValue: message.delivery_status })}</p>
                ) : null}
              </li>
            ))}
          </ol>
          <form className="grid gap-2" onSubmit={submit('reply')}>
            <Label htmlFor={ids.composer}>{t('inbox.composerLabel')}</Label>
            <Textarea
              id={ids.composer}
              ref={composer}
              rows={3}
              value={text}
              maxLength={4000}
              onChange={(event) => setText(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit('reply')();
              }}
              aria-describedby={`${ids.composer}-hint`}
            />
            <p id={`${ids.composer}-hint`} className="text-xs text-muted-foreground">
              {t('inbox.composerHint')}
            </p>
            <ApiErrorAlert error={send.error} />
            <div className="flex flex-wrap gap-2">
              <Button type="submit" disabled={send.isPending || !text.trim()}>
                {t('inbox.send')}
              </Button>
              <Button type="button" variant="outline" onClick={() => submit('note')()} disabled={send.isPending || !text.trim()}>
                {t('inbox.saveNote')}
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
      <ContactPanel detail={detail.data} />
    </div>
  );
}
