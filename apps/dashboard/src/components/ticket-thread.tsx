/**
 * One support ticket: its messages (tenant and platform, oldest first), a reply form and a close
 * button. Used by the tenant's Support page and the platform admins' support console.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SupportTicket } from '../api/billing-types';
import { formatDateTime } from '../lib/format';
import { cn } from '../lib/utils';
import { FormField } from './form-field';
import { Badge } from './ui/alert';
import { Button } from './ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from './ui/card';
import { Textarea } from './ui/input';

/** Props of {@link TicketThread}. */
export interface TicketThreadProps {
  ticket: SupportTicket;
  /** Whose view: the tenant's messages are "mine" on the tenant side, the platform's on the admin side. */
  side: 'tenant' | 'platform';
  busy: boolean;
  onReply: (body: string) => Promise<unknown>;
  onClose: () => void;
}

/** A ticket's status badge. */
export function TicketStatusBadge({ status }: { status: SupportTicket['status'] }) {
  const { t } = useTranslation();
  return <Badge variant={status === 'open' ? 'default' : status === 'answered' ? 'secondary' : 'outline'}>{t(`support.statuses.${status}`)}</Badge>;
}

/** The thread. */
export function TicketThread({ ticket, side, busy, onReply, onClose }: TicketThreadProps) {
  const { t, i18n } = useTranslation();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (body.trim() === '') {
      setError('support.bodyRequired');
      return;
    }
    setError(undefined);
    await onReply(body.trim());
    setBody('');
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2">
          {ticket.subject} <TicketStatusBadge status={ticket.status} />
        </CardTitle>
        <CardDescription>
          {ticket.tenant_name ? `${ticket.tenant_name} · ` : ''}
          {t('support.openedAt', { date: formatDateTime(ticket.created_at, i18n.language) })}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <ol className="grid gap-3" aria-label={t('support.messages')}>
          {ticket.messages.map((m) => (
            <li
              key={m.id}
              className={cn('max-w-[85%] rounded-lg border p-3 text-sm', m.author_kind === side ? 'justify-self-end bg-primary/5' : 'justify-self-start bg-muted')}
            >
              <p className="mb-1 text-xs text-muted-foreground">
                {m.author_kind === 'platform' ? t('support.fromPlatform') : (m.author_email ?? t('support.fromTenant'))} · {formatDateTime(m.created_at, i18n.language)}
              </p>
              <p className="whitespace-pre-wrap">{m.body}</p>
            </li>
          ))}
        </ol>
        <form onSubmit={(e) => void submit(e)} className="grid gap-3" noValidate>
          <FormField label={t('support.replyLabel')} error={error} {...(ticket.status === 'closed' && side === 'tenant' ? { hint: t('support.reopenHint') } : {})}>
            <Textarea rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
          </FormField>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={busy}>
              {t('support.send')}
            </Button>
            {ticket.status !== 'closed' ? (
              <Button type="button" variant="outline" disabled={busy} onClick={onClose}>
                {t('support.close')}
              </Button>
            ) : null}
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
