/**
 * `/app/analytics`: what customers ask and what it costs. A date range (two labelled date fields
 * and presets), headline figures, per-day charts (conversations, messages by author, tokens and
 * cost, conversions), the top questions grouped by meaning, the questions the bot could not answer
 * with "add to FAQ", and the conversion tracking links.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useApi, useSession } from '../api/api-context';
import { unwrap } from '../api/api-error';
import type { paths } from '../api/generated/openapi';
import { ApiErrorAlert } from '../components/api-error-alert';
import { BarChart } from '../components/charts/bar-chart';
import { ConfirmButton } from '../components/confirm-button';
import { CopyButton } from '../components/copy-button';
import { DialogFormFooter } from '../components/dialog-form-footer';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { Alert, Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from '../components/ui/dialog';
import { Input, Textarea } from '../components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table';
import { formatDateTime } from '../lib/format';
import { formValues, useValidatedForm, type FieldErrors } from '../lib/forms';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** `GET /v1/tenant/analytics/overview`. */
export type AnalyticsOverview = Json<paths['/v1/tenant/analytics/overview']['get']['responses'][200]>;
/** One unanswered group. */
export type UnansweredGroup = Json<paths['/v1/tenant/analytics/unanswered']['get']['responses'][200]>['items'][number];
/** One tracked link. */
export type TrackedLink = Json<paths['/v1/tenant/tracked-links']['get']['responses'][200]>['items'][number];

interface Range {
  from?: string;
  to?: string;
}

const DAY_MS = 86_400_000;
const shift = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const todayVietnam = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());

const linkSchema = z.object({
  name: z.string().trim().min(1, 'analytics.required').max(200, 'validation.tooLong'),
  target_url: z.string().trim().regex(/^https?:\/\/\S+$/i, 'analytics.links.urlInvalid').max(2000, 'validation.tooLong'),
});
const faqSchema = z.object({
  question: z.string().trim().min(1, 'analytics.required').max(4000, 'validation.tooLong'),
  answer: z.string().trim().min(1, 'analytics.required').max(20_000, 'validation.tooLong'),
});

const analyticsKey = (kind: string, range: Range) => ['tenant', 'analytics', kind, range.from ?? '', range.to ?? ''] as const;
const linksKey = ['tenant', 'tracked-links'] as const;

/** The "add to FAQ" dialog for one unanswered question. */
function AddToFaqDialog({ group, onClose, onAdded }: { group: UnansweredGroup | null; onClose: () => void; onAdded: () => void }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const add = useMutation({
    mutationFn: (input: { messageId: string; question: string; answer: string }) =>
      unwrap(
        client.api.POST('/v1/tenant/analytics/unanswered/{messageId}/faq', {
          params: { path: { messageId: input.messageId } },
          body: { question: input.question, answer: input.answer },
        }),
      ),
    onSuccess: () => {
      onAdded();
      onClose();
    },
  });
  // The form is shown only with a group.
  const { errors, setErrors, submit } = useValidatedForm(faqSchema, (values) => {
    if (group) add.mutate({ messageId: group.message_id, ...values });
  });
  return (
    <Dialog
      open={group !== null}
      onOpenChange={(open) => {
        if (!open) {
          setErrors({});
          add.reset();
          onClose();
        }
      }}
    >
      <DialogContent closeLabel={t('common.close')}>
        <DialogHeader>
          <DialogTitle>{t('analytics.unanswered.dialogTitle')}</DialogTitle>
          <DialogDescription>{t('analytics.unanswered.dialogDescription')}</DialogDescription>
        </DialogHeader>
        {group ? (
          <form noValidate onSubmit={submit} className="grid gap-4">
            <FormField label={t('analytics.unanswered.question')} error={errors['question']}>
              <Input name="question" defaultValue={group.question} />
            </FormField>
            <FormField label={t('analytics.unanswered.answer')} error={errors['answer']} hint={t('analytics.unanswered.answerHint')}>
              <Textarea name="answer" rows={4} />
            </FormField>
            <DialogFormFooter save={add} onCancel={onClose} saveLabel={t('analytics.unanswered.save')} />
          </form>
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

/** One headline figure. */
function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg border p-4">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
      {hint ? <dd className="text-xs text-muted-foreground">{hint}</dd> : null}
    </div>
  );
}

/** The tracked links card: create, copy, count, delete. */
function TrackedLinks() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const isAdmin = useSession((s) => s.tenant?.role === 'tenant-admin');
  const links = useQuery({ queryKey: linksKey, queryFn: () => unwrap(client.api.GET('/v1/tenant/tracked-links')) });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: linksKey });
  const create = useMutation({
    mutationFn: (body: z.infer<typeof linkSchema>) => unwrap(client.api.POST('/v1/tenant/tracked-links', { body })),
    onSuccess: () => void invalidate(),
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(client.api.DELETE('/v1/tenant/tracked-links/{id}', { params: { path: { id } } })),
    onSettled: invalidate,
  });
  const { errors, submit } = useValidatedForm(linkSchema, (values, form) => create.mutate(values, { onSuccess: () => form.reset() }));
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('analytics.links.title')}</CardTitle>
        <CardDescription>{t('analytics.links.description')}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {isAdmin ? (
          <form noValidate onSubmit={submit} className="grid gap-4 md:grid-cols-[1fr_2fr_auto] md:items-end" aria-label={t('analytics.links.create')}>
            <FormField label={t('analytics.links.name')} error={errors['name']}>
              <Input name="name" autoComplete="off" />
            </FormField>
            <FormField label={t('analytics.links.target')} error={errors['target_url']}>
              <Input name="target_url" type="url" inputMode="url" autoComplete="off" placeholder="https://" />
            </FormField>
            <Button type="submit" disabled={create.isPending}>
              {t('analytics.links.createButton')}
            </Button>
          </form>
        ) : null}
        <ApiErrorAlert error={create.error ?? links.error ?? remove.error} />
        {links.data && links.data.items.length === 0 ? <Alert>{t('analytics.links.empty')}</Alert> : null}
        {links.data && links.data.items.length > 0 ? (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t('analytics.links.name')}</TableHead>
                <TableHead>{t('analytics.links.shortUrl')}</TableHead>
                <TableHead>{t('analytics.links.clicks')}</TableHead>
                <TableHead>{t('analytics.links.lastClick')}</TableHead>
                <TableHead>
                  <span className="sr-only">{t('analytics.links.actions')}</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {links.data.items.map((link) => (
                <TableRow key={link.id}>
                  <TableCell>
                    <div className="font-medium">{link.name}</div>
                    <div className="max-w-xs truncate text-xs text-muted-foreground">{link.target_url}</div>
                  </TableCell>
                  <TableCell>
                    <div className="flex items-center gap-2">
                      <code className="text-xs">{link.url}</code>
                      <CopyButton value={link.url} />
                    </div>
                  </TableCell>
                  <TableCell className="tabular-nums">{link.clicks.toLocaleString(i18n.language)}</TableCell>
                  <TableCell>{formatDateTime(link.last_clicked_at, i18n.language)}</TableCell>
                  <TableCell>
                    {isAdmin ? (
                      <ConfirmButton
                        title={t('analytics.links.deleteTitle', { name: link.name })}
                        description={t('analytics.links.deleteDescription')}
                        confirmLabel={t('analytics.links.delete')}
                        onConfirm={() => remove.mutate(link.id)}
                        variant="outline"
                      >
                        {t('analytics.links.delete')}
                        <span className="sr-only">: {link.name}</span>
                      </ConfirmButton>
                    ) : null}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** The Analytics page. */
export function AnalyticsPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const isAdmin = useSession((s) => s.tenant?.role === 'tenant-admin');
  const [range, setRange] = useState<Range>({});
  const [rangeErrors, setRangeErrors] = useState<FieldErrors>({});
  const [adding, setAdding] = useState<UnansweredGroup | null>(null);
  const query = { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) };
  const overview = useQuery({
    queryKey: analyticsKey('overview', range),
    queryFn: () => unwrap(client.api.GET('/v1/tenant/analytics/overview', { params: { query } })),
  });
  const top = useQuery({
    queryKey: analyticsKey('top-questions', range),
    queryFn: () => unwrap(client.api.GET('/v1/tenant/analytics/top-questions', { params: { query: { ...query, limit: 10 } } })),
  });
  const unanswered = useQuery({
    queryKey: analyticsKey('unanswered', range),
    queryFn: () => unwrap(client.api.GET('/v1/tenant/analytics/unanswered', { params: { query: { ...query, limit: 20 } } })),
  });
  const data = overview.data;
  const number = (value: number) => value.toLocaleString(i18n.language);
  const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toLocaleString(i18n.language, { maximumFractionDigits: 1 })}%`);
  const seconds = (value: number | null) => (value === null ? '—' : t('analytics.seconds', { value: value.toLocaleString(i18n.language, { maximumFractionDigits: 1 }) }));
  const vnd = (value: number) => `${value.toLocaleString(i18n.language)} ₫`;
  const shownFrom = range.from ?? data?.from ?? '';
  const shownTo = range.to ?? data?.to ?? '';

  const applyRange = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const from = values['from'] ?? '';
    const to = values['to'] ?? '';
    const errors: FieldErrors = {};
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) errors['from'] = 'analytics.range.invalidDate';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) errors['to'] = 'analytics.range.invalidDate';
    if (!errors['from'] && !errors['to'] && from > to) errors['from'] = 'analytics.range.fromAfterTo';
    setRangeErrors(errors);
    if (Object.keys(errors).length === 0) setRange({ from, to });
  };
  const preset = (days: number) => {
    const to = todayVietnam();
    setRangeErrors({});
    setRange({ from: shift(to, -(days - 1)), to });
  };
  const points = (pick: (day: AnalyticsOverview['days'][number]) => number[]) => (data?.days ?? []).map((day) => ({ label: day.date, values: pick(day) }));

  return (
    <>
      <PageHeader title={t('analytics.title')} description={t('analytics.description')} />
      <div className="grid gap-6">
        <Card>
          <CardContent className="pt-6">
            {/* key: the fields show the range the server resolved once it answers. */}
            <form key={`${shownFrom}:${shownTo}`} noValidate onSubmit={applyRange} aria-label={t('analytics.range.label')} className="flex flex-wrap items-end gap-4">
              <FormField label={t('analytics.range.from')} error={rangeErrors['from']}>
                <Input name="from" type="date" defaultValue={shownFrom} className="w-44" />
              </FormField>
              <FormField label={t('analytics.range.to')} error={rangeErrors['to']}>
                <Input name="to" type="date" defaultValue={shownTo} className="w-44" />
              </FormField>
              <Button type="submit">{t('analytics.range.apply')}</Button>
              <div role="group" aria-label={t('analytics.range.presets')} className="flex gap-2">
                {[7, 30, 90].map((days) => (
                  <Button key={days} type="button" variant="outline" size="sm" onClick={() => preset(days)}>
                    {t('analytics.range.lastDays', { count: days })}
                  </Button>
                ))}
              </div>
            </form>
          </CardContent>
        </Card>

        <ApiErrorAlert error={overview.error} />
        {overview.isPending ? <p role="status">{t('common.loading')}</p> : null}
        {data ? (
          <section aria-labelledby="analytics-summary" className="grid gap-4">
            <h2 id="analytics-summary" className="sr-only">
              {t('analytics.summary')}
            </h2>
            <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
              <Stat label={t('analytics.stats.conversations')} value={number(data.totals.conversations)} />
              <Stat
                label={t('analytics.stats.messages')}
                value={number(data.totals.messages.customer + data.totals.messages.bot + data.totals.messages.agent)}
                hint={t('analytics.stats.messagesHint', {
                  customer: number(data.totals.messages.customer),
                  bot: number(data.totals.messages.bot),
                  agent: number(data.totals.messages.agent),
                })}
              />
              <Stat label={t('analytics.stats.botShare')} value={percent(data.totals.bot_share)} hint={t('analytics.stats.humanShare', { value: percent(data.totals.human_share) })} />
              <Stat label={t('analytics.stats.fallbackRate')} value={percent(data.totals.fallback_rate)} hint={t('analytics.stats.fallbackHint', { count: data.totals.fallback })} />
              <Stat
                label={t('analytics.stats.firstResponse')}
                value={seconds(data.totals.first_response.median_seconds)}
                hint={t('analytics.stats.firstResponseHint', { p90: seconds(data.totals.first_response.p90_seconds) })}
              />
              <Stat label={t('analytics.stats.tokens')} value={number(data.totals.tokens_in + data.totals.tokens_out)} hint={t('analytics.stats.tokensHint', { input: number(data.totals.tokens_in), output: number(data.totals.tokens_out) })} />
              <Stat label={t('analytics.stats.cost')} value={vnd(data.totals.cost_vnd)} />
              <Stat label={t('analytics.stats.conversions')} value={number(data.totals.conversions)} />
            </dl>
            <div className="grid gap-4 lg:grid-cols-2">
              <Card>
                <CardContent className="pt-6">
                  <BarChart title={t('analytics.charts.conversations')} series={[{ name: t('analytics.stats.conversations'), fill: 'fill-primary', swatch: 'bg-primary' }]} points={points((d) => [d.conversations])} format={number} />
                </CardContent>
              </Card>
              <Card>
                <CardContent className="pt-6">
                  <BarChart
                    title={t('analytics.charts.messages')}
                    series={[
                      { name: t('analytics.series.customer'), fill: 'fill-sky-400', swatch: 'bg-sky-400' },
                      { name: t('analytics.series.bot'), fill: 'fill-primary', swatch: 'bg-primary' },
                      { name: t('analytics.series.agent'), fill: 'fill-amber-500', swatch: 'bg-amber-500' },
                    ]}
                    points={points((d) => [d.messages.customer, d.messages.bot, d.messages.agent])}
                    format={number}
                  />
                </CardContent>
              </Card>
              <Card>
                <CardContent className="pt-6">
                  <BarChart title={t('analytics.charts.cost')} series={[{ name: t('analytics.stats.cost'), fill: 'fill-emerald-500', swatch: 'bg-emerald-500' }]} points={points((d) => [d.cost_vnd])} format={vnd} />
                </CardContent>
              </Card>
              <Card>
                <CardContent className="pt-6">
                  <BarChart title={t('analytics.charts.conversions')} series={[{ name: t('analytics.stats.conversions'), fill: 'fill-violet-500', swatch: 'bg-violet-500' }]} points={points((d) => [d.conversions])} format={number} />
                </CardContent>
              </Card>
            </div>
          </section>
        ) : null}

        <div className="grid gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>{t('analytics.top.title')}</CardTitle>
              <CardDescription>{t('analytics.top.description')}</CardDescription>
            </CardHeader>
            <CardContent>
              <ApiErrorAlert error={top.error} />
              {top.data && top.data.items.length === 0 ? <Alert>{t('analytics.top.empty')}</Alert> : null}
              {top.data && top.data.items.length > 0 ? (
                <ol className="grid gap-3" aria-label={t('analytics.top.title')}>
                  {top.data.items.map((group) => (
                    <li key={group.message_id} className="flex items-start justify-between gap-3 border-b pb-2 last:border-b-0">
                      <div className="min-w-0">
                        <p className="font-medium">{group.question}</p>
                        {group.examples.length > 1 ? (
                          <p className="text-xs text-muted-foreground">{t('analytics.top.alsoAsked', { examples: group.examples.filter((e) => e !== group.question).join(' · ') })}</p>
                        ) : null}
                      </div>
                      <Badge>{t('analytics.top.times', { count: group.count })}</Badge>
                    </li>
                  ))}
                </ol>
              ) : null}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t('analytics.unanswered.title')}</CardTitle>
              <CardDescription>{t('analytics.unanswered.description')}</CardDescription>
            </CardHeader>
            <CardContent>
              <ApiErrorAlert error={unanswered.error} />
              {unanswered.data && unanswered.data.items.length === 0 ? <Alert>{t('analytics.unanswered.empty')}</Alert> : null}
              {unanswered.data && unanswered.data.items.length > 0 ? (
                <ul className="grid gap-3" aria-label={t('analytics.unanswered.title')}>
                  {unanswered.data.items.map((group) => (
                    <li key={group.message_id} className="flex items-start justify-between gap-3 border-b pb-2 last:border-b-0">
                      <div className="min-w-0">
                        <p className="font-medium">{group.question}</p>
                        <p className="text-xs text-muted-foreground">
                          {t(`analytics.reason.${group.reason}`)} · {t('analytics.top.times', { count: group.count })} · {formatDateTime(group.last_asked_at, i18n.language)}
                        </p>
                      </div>
                      {isAdmin ? (
                        <Button size="sm" variant="outline" onClick={() => setAdding(group)}>
                          {t('analytics.unanswered.add')}
                          <span className="sr-only">: {group.question}</span>
                        </Button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : null}
            </CardContent>
          </Card>
        </div>

        <TrackedLinks />
      </div>
      <AddToFaqDialog
        group={adding}
        onClose={() => setAdding(null)}
        onAdded={() => void queryClient.invalidateQueries({ queryKey: ['tenant', 'analytics', 'unanswered'] })}
      />
    </>
  );
}
