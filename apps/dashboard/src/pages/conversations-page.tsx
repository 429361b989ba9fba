/**
 * `/app/conversations`: the history of every conversation. Filters (text, channel, date range)
 * narrow the list; choosing a conversation shows its transcript with, for each bot answer, the
 * model, the route, tokens in/out, cost and the sources it used. "Export CSV" downloads the
 * filtered history (one line per message) as a UTF-8 file that Excel opens in Vietnamese.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { contentKeys, formatNumber, formatVnd, type ConversationSummary, type TranscriptMessage } from '../api/content-types';
import { ApiErrorAlert } from '../components/api-error-alert';
import { ChannelFilterSelect } from '../components/channel-filter-select';
import { CsvExportButton, CsvExportResult, useCsvExport } from '../components/csv-export';
import { PageHeader } from '../components/page-header';
import { Alert, Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card';
import { Input } from '../components/ui/input';
import { Label } from '../components/ui/label';
import { formatDateTime } from '../lib/format';
import { cn } from '../lib/utils';

/** The list's filters as the API takes them. */
export interface ConversationFilters {
  q?: string;
  channel?: string;
  /** ISO start (inclusive), from a local date. */
  from?: string;
  /** ISO end (exclusive): the day after the chosen local date. */
  to?: string;
  contact_id?: string;
}

/** Local midnight of a `yyyy-mm-dd` date, as ISO; `addDays` moves it (the end date is exclusive). */
export function localDayStart(date: string, addDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays).toISOString();
}

/** The transcript of one conversation. */
function Transcript({ conversation }: { conversation: ConversationSummary }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const messages = useInfiniteQuery({
    queryKey: contentKeys.transcript(conversation.id),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        client.api.GET('/v1/tenant/conversations/{id}/messages', {
          params: { path: { id: conversation.id }, query: { limit: 100, ...(pageParam ? { before: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.next_before ?? undefined,
  });
  // Pages come newest first; each page is oldest first.
  const items: TranscriptMessage[] = [...(messages.data?.pages ?? [])].reverse().flatMap((page) => page.items);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [conversation.id]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <span ref={heading} tabIndex={-1} className="outline-none">
            {t('conversations.transcriptOf', { name: conversation.contact.name ?? t('conversations.anonymous') })}
          </span>
        </CardTitle>
        <p className="text-xs text-muted-foreground">
          {t(`conversations.channels.${conversation.channel}`, { defaultValue: conversation.channel })} · {formatDateTime(conversation.created_at, i18n.language)}
        </p>
      </CardHeader>
      <CardContent className="grid gap-3">
        <ApiErrorAlert error={messages.error} />
        {messages.hasNextPage ? (
          <Button variant="outline" size="sm" onClick={() => void messages.fetchNextPage()} disabled={messages.isFetchingNextPage}>
            {t('conversations.older')}
          </Button>
        ) : null}
        <ol className="grid gap-3" aria-label={t('conversations.transcript')}>
          {items.map((message) => (
            <li
              key={message.id}
              className={cn(
                'grid gap-1 rounded-md border p-3 text-sm',
                message.role === 'customer' ? 'mr-8 bg-muted/40' : message.role === 'note' ? 'border-dashed bg-amber-50' : 'ml-8 bg-primary/5',
              )}
            >
              <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-muted-foreground">
                <span className="font-semibold text-foreground">{t(`conversations.roles.${message.role}`, { defaultValue: message.role })}</span>
                <time dateTime={message.created_at}>{formatDateTime(message.created_at, i18n.language)}</time>
              </div>
              <p className="whitespace-pre-wrap break-words">{message.content}</p>
              {message.role === 'bot' ? (
                <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-muted-foreground sm:grid-cols-4">
                  <div>
                    <dt className="inline">{t('conversations.meta.model')}: </dt>
                    <dd className="inline">{message.model ?? '—'}</dd>
                  </div>
                  <div>
                    <dt className="inline">{t('conversations.meta.route')}: </dt>
                    <dd className="inline">{message.route ? t(`conversations.routes.${message.route}`, { defaultValue: message.route }) : '—'}</dd>
                  </div>
                  <div>
                    <dt className="inline">{t('conversations.meta.tokens')}: </dt>
                    <dd className="inline">
                      {formatNumber(message.tokens_in, i18n.language)} / {formatNumber(message.tokens_out, i18n.language)}
                    </dd>
                  </div>
                  <div>
                    <dt className="inline">{t('conversations.meta.cost')}: </dt>
                    <dd className="inline">{formatVnd(message.cost_vnd, i18n.language)}</dd>
                  </div>
                  {message.sources.length ? (
                    <div className="col-span-full">
                      <dt className="inline">{t('conversations.meta.sources')}: </dt>
                      <dd className="inline">
                        {message.sources
                          .map((source) => String(source['title'] ?? source['sourceId'] ?? source['source_id'] ?? source['id'] ?? ''))
                          .filter(Boolean)
                          .join(', ')}
                      </dd>
                    </div>
                  ) : null}
                </dl>
              ) : null}
            </li>
          ))}
        </ol>
        {messages.data && items.length === 0 ? <Alert>{t('conversations.noMessages')}</Alert> : null}
      </CardContent>
    </Card>
  );
}

/** The conversations page. */
export function ConversationsPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const ids = { q: useId(), from: useId(), to: useId() };
  // `?contact=<id>` (from the customers page) narrows the history to one customer.
  const { contact } = useSearch({ from: '/app/conversations' });
  const navigate = useNavigate();
  const [filters, setFilters] = useState<ConversationFilters>(contact ? { contact_id: contact } : {});
  useEffect(() => {
    setFilters((current) => {
      const { contact_id: _dropped, ...rest } = current;
      return contact ? { ...rest, contact_id: contact } : rest;
    });
  }, [contact]);
  const contactName = useQuery({
    queryKey: ['tenant', 'contacts', 'one', contact ?? ''],
    enabled: Boolean(contact),
    queryFn: () => unwrap(client.api.GET('/v1/tenant/contacts/{id}', { params: { path: { id: contact ?? '' } } })),
  });
  const [dateError, setDateError] = useState(false);
  const [selected, setSelected] = useState<ConversationSummary | null>(null);
  const list = useInfiniteQuery({
    queryKey: contentKeys.conversations(filters as Record<string, string>),
    initialPageParam: 0,
    queryFn: ({ pageParam }) =>
      unwrap(client.api.GET('/v1/tenant/conversations', { params: { query: { ...filters, limit: 30, offset: pageParam } } })),
    getNextPageParam: (last) => last.next_offset ?? undefined,
  });
  const exportCsv = useCsvExport('/v1/tenant/conversations/export.csv', filters, 'hoi-thoai.csv');
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const from = text('from');
    const to = text('to');
    if (from && to && to < from) {
      setDateError(true);
      return;
    }
    setDateError(false);
    setSelected(null);
    setFilters({
      ...(contact ? { contact_id: contact } : {}),
      ...(text('q') ? { q: text('q') } : {}),
      ...(text('channel') ? { channel: text('channel') } : {}),
      ...(from ? { from: localDayStart(from) } : {}),
      ...(to ? { to: localDayStart(to, 1) } : {}),
    });
  };

  return (
    <>
      <PageHeader
        title={t('conversations.title')}
        description={t('conversations.description')}
        actions={<CsvExportButton csv={exportCsv} label={t('conversations.export')} />}
      />
      <div className="grid gap-4">
        <CsvExportResult csv={exportCsv} />
        {contact ? (
          <Alert className="flex flex-wrap items-center justify-between gap-2">
            <span>{t('conversations.onlyContact', { name: contactName.data?.name ?? t('conversations.anonymous') })}</span>
            <Button variant="outline" size="sm" onClick={() => void navigate({ to: '/app/conversations', search: {} })}>
              {t('conversations.allContacts')}
            </Button>
          </Alert>
        ) : null}
        <form role="search" aria-label={t('conversations.filters')} onSubmit={submit} className="grid gap-3 rounded-md border p-4 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_1fr_auto] lg:items-end">
          <div className="grid gap-2">
            <Label htmlFor={ids.q}>{t('conversations.search')}</Label>
            <Input id={ids.q} name="q" type="search" placeholder={t('conversations.searchPlaceholder')} maxLength={200} />
          </div>
          <ChannelFilterSelect />
          <div className="grid gap-2">
            <Label htmlFor={ids.from}>{t('conversations.from')}</Label>
            <Input id={ids.from} name="from" type="date" aria-invalid={dateError || undefined} />
          </div>
          <div className="grid gap-2">
            <Label htmlFor={ids.to}>{t('conversations.to')}</Label>
            <Input id={ids.to} name="to" type="date" aria-invalid={dateError || undefined} aria-describedby={dateError ? `${ids.to}-error` : undefined} />
          </div>
          <Button type="submit">{t('common.search')}</Button>
          {dateError ? (
            <p id={`${ids.to}-error`} role="alert" className="text-sm text-destructive sm:col-span-full">
              {t('validation.dateRange')}
            </p>
          ) : null}
        </form>
        <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
          <Card>
            <CardHeader>
              <CardTitle>{t('conversations.list')}</CardTitle>
            </CardHeader>
            <CardContent className="grid gap-2">
              <ApiErrorAlert error={list.error} />
              {list.data && items.length === 0 ? <Alert>{t('conversations.empty')}</Alert> : null}
              <ul className="grid gap-2" aria-label={t('conversations.list')}>
                {items.map((conversation) => (
                  <li key={conversation.id}>
                    <button
                      type="button"
                      onClick={() => setSelected(conversation)}
                      aria-pressed={selected?.id === conversation.id}
                      className={cn(
                        'grid w-full gap-1 rounded-md border p-3 text-left text-sm hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring',
                        selected?.id === conversation.id && 'border-primary bg-primary/5',
                      )}
                    >
                      <span className="flex flex-wrap items-center justify-between gap-2">
                        <span className="font-medium">{conversation.contact.name ?? t('conversations.anonymous')}</span>
                        <Badge variant="secondary">{t(`conversations.channels.${conversation.channel}`, { defaultValue: conversation.channel })}</Badge>
                      </span>
                      {conversation.last_message ? <span className="line-clamp-2 text-muted-foreground">{conversation.last_message.content}</span> : null}
                      <span className="text-xs text-muted-foreground">
                        {formatDateTime(conversation.last_message_at, i18n.language)} · {t('conversations.messageCount', { count: conversation.message_count })}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
              {list.hasNextPage ? (
                <Button variant="outline" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                  {t('conversations.more')}
                </Button>
              ) : null}
            </CardContent>
          </Card>
          <div>{selected ? <Transcript conversation={selected} /> : <Alert>{t('conversations.pick')}</Alert>}</div>
        </div>
      </div>
    </>
  );
}
