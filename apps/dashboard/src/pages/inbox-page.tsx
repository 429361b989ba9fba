/**
 * `/app/inbox`: the live inbox. The list (filters: needs a human, mine, unread, channel, search)
 * and the chosen conversation (`?conversation=ID`, the link the handoff e-mail carries) with its
 * contact panel, composer and take over / hand back / close / assign. Everything updates live
 * from the runtime's inbox event stream (see `inbox/use-inbox-stream.ts`).
 */
import { useId, useState, type FormEvent } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useApi, useSession } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { ApiErrorAlert } from '../components/api-error-alert';
import { PageHeader } from '../components/page-header';
import { Alert, Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Input, NativeSelect } from '../components/ui/input';
import { Label } from '../components/ui/label';
import { formatDateTime } from '../lib/format';
import { cn } from '../lib/utils';
import { InboxConversation, inboxKeys } from './inbox/inbox-conversation';
import { InboxSettingsForm } from './inbox/inbox-settings-form';
import { useInboxStream } from './inbox/use-inbox-stream';

/** Channels an inbox conversation can come from. */
export const INBOX_CHANNELS = ['zalo', 'messenger', 'telegram', 'line', 'web'] as const;

/** The list's filters as the API takes them (booleans as `'true'`). */
export interface InboxFilters {
  needs_human?: 'true';
  mine?: 'true';
  unread?: 'true';
  channel?: string;
  q?: string;
}

/** The inbox page. */
export function InboxPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const search = useRouterState({ select: (state) => state.location.search as Record<string, unknown> });
  const selected = typeof search['conversation'] === 'string' ? search['conversation'] : null;
  const ids = { channel: useId(), q: useId(), needs: useId(), mine: useId(), unread: useId() };
  const [filters, setFilters] = useState<InboxFilters>({});
  const isAdmin = useSession((s) => s.tenant?.role === 'tenant-admin');

  const list = useInfiniteQuery({
    queryKey: inboxKeys.list(filters as Record<string, string>),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(client.api.GET('/v1/tenant/inbox/conversations', { params: { query: { ...filters, limit: 30, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [waiting, setWaiting] = useState<string | null>(null);
  const status = useInboxStream((event) => {
    // Any change (new message, mode, assignment, note) refreshes the list and the open conversation.
    void queryClient.invalidateQueries({ queryKey: inboxKeys.all });
    if (event.type === 'handoff.requested' && event.conversation_id) setWaiting(event.conversation_id);
  });
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  const toggle = (key: 'needs_human' | 'mine' | 'unread', on: boolean) =>
    setFilters((current) => {
      const next = { ...current };
      if (on) next[key] = 'true';
      else delete next[key];
      return next;
    });
  const choose = (id: string) => void navigate({ to: '/app/inbox', search: { conversation: id } });
  const submitSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget).get('q') ?? '').trim();
    setFilters((current) => {
      const next = { ...current };
      if (q) next.q = q;
      else delete next.q;
      return next;
    });
  };

  return (
    <>
      <PageHeader
        title={t('inbox.title')}
        description={t('inbox.description')}
        actions={
          <span role="status" className={cn('text-xs', status === 'live' ? 'text-emerald-700' : 'text-muted-foreground')}>
            {t(`inbox.stream.${status}`)}
          </span>
        }
      />
      <div aria-live="assertive" className="mb-4 empty:hidden">
        {waiting && waiting !== selected ? (
          <Alert variant="destructive" className="flex flex-wrap items-center justify-between gap-2">
            <span>{t('inbox.handoffAlert')}</span>
            <Button
              size="sm"
              onClick={() => {
                choose(waiting);
                setWaiting(null);
              }}
            >
              {t('inbox.handoffOpen')}
            </Button>
          </Alert>
        ) : null}
      </div>
      <div className="grid gap-4 lg:grid-cols-[20rem_1fr]">
        <section aria-label={t('inbox.listLabel')} className="grid content-start gap-3">
          <fieldset className="grid gap-2 rounded-md border p-3 text-sm">
            <legend className="px-1 text-xs font-semibold">{t('inbox.filters')}</legend>
            {(
              [
                ['needs_human', ids.needs, 'inbox.filterNeedsHuman'],
                ['mine', ids.mine, 'inbox.filterMine'],
                ['unread', ids.unread, 'inbox.filterUnread'],
              ] as const
            ).map(([key, id, label]) => (
              <div key={key} className="flex items-center gap-2">
                <input id={id} type="checkbox" className="h-4 w-4" checked={filters[key] === 'true'} onChange={(event) => toggle(key, event.target.checked)} />
                <Label htmlFor={id}>{t(label)}</Label>
              </div>
            ))}
            <div className="grid gap-1">
              <Label htmlFor={ids.channel}>{t('inbox.filterChannel')}</Label>
              <NativeSelect
                id={ids.channel}
                value={filters.channel ?? ''}
                onChange={(event) =>
                  setFilters((current) => {
                    const next = { ...current };
                    if (event.target.value) next.channel = event.target.value;
                    else delete next.channel;
                    return next;
                  })
                }
              >
                <option value="">{t('inbox.allChannels')}</option>
                {INBOX_CHANNELS.map((channel) => (
                  <option key={channel} value={channel}>
                    {t(`inbox.channels.${channel}`)}
                  </option>
                ))}
              </NativeSelect>
            </div>
            <form role="search" className="grid gap-1" onSubmit={submitSearch}>
              <Label htmlFor={ids.q}>{t('inbox.search')}</Label>
              <div className="flex gap-2">
                <Input id={ids.q} name="q" type="search" maxLength={200} />
                <Button type="submit" size="sm" variant="outline">
                  {t('inbox.searchButton')}
                </Button>
              </div>
            </form>
          </fieldset>
          <ApiErrorAlert error={list.error} />
          {list.data && items.length === 0 ? <Alert>{t('inbox.empty')}</Alert> : null}
          <ul className="grid gap-2" aria-label={t('inbox.listLabel')}>
            {items.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  onClick={() => choose(item.id)}
                  aria-current={item.id === selected ? 'true' : undefined}
                  className={cn(
                    'grid w-full gap-1 rounded-md border p-3 text-left text-sm hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
                    item.id === selected && 'border-primary bg-muted',
                  )}
                >
                  <span className="flex items-center justify-between gap-2">
                    <span className="truncate font-semibold">{item.contact.name ?? t('inbox.anonymous')}</span>
                    {item.unread_count > 0 ? (
                      <Badge aria-label={t('inbox.unreadCount', { count: item.unread_count })}>{item.unread_count}</Badge>
                    ) : null}
                  </span>
                  <span className="flex flex-wrap gap-1 text-xs text-muted-foreground">
                    <span>{t(`inbox.channels.${item.channel}`, { defaultValue: item.channel })}</span>
                    <span>· {t(`inbox.modes.${item.mode}`)}</span>
                    {item.needs_human ? <Badge variant="destructive">{t('inbox.needsHuman')}</Badge> : null}
                  </span>
                  {item.last_message ? <span className="truncate text-xs">{item.last_message.content}</span> : null}
                  <time className="text-xs text-muted-foreground" dateTime={item.last_message_at ?? item.created_at}>
                    {formatDateTime(item.last_message_at ?? item.created_at, i18n.language)}
                  </time>
                </button>
              </li>
            ))}
          </ul>
          {list.hasNextPage ? (
            <Button variant="outline" size="sm" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {t('inbox.more')}
            </Button>
          ) : null}
        </section>
        <section aria-label={t('inbox.conversationLabel')}>
          {selected ? <InboxConversation key={selected} id={selected} /> : <Alert>{t('inbox.pick')}</Alert>}
        </section>
      </div>
      {isAdmin ? (
        <details className="mt-6 rounded-md border p-4">
          <summary className="cursor-pointer font-semibold">{t('inbox.settings.title')}</summary>
          <div className="mt-4 max-w-xl">
            <InboxSettingsForm />
          </div>
        </details>
      ) : null}
    </>
  );
}
