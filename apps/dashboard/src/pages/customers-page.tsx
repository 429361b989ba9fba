/**
 * `/app/customers`: everyone who has talked to the bot, with how they are known on each channel,
 * their tags and notes. Search by name, phone, tag or channel id; filter by tag and channel; edit
 * tags and notes (agents too); export the filtered list as CSV for Excel.
 */
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { contentKeys, type Contact } from '../api/content-types';
import { ApiErrorAlert } from '../components/api-error-alert';
import { ChannelFilterSelect } from '../components/channel-filter-select';
import { DialogFormFooter } from '../components/dialog-form-footer';
import { CsvExportButton, CsvExportResult, useCsvExport } from '../components/csv-export';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { Alert, Badge } from '../components/ui/alert';
import { Button, buttonVariants } from '../components/ui/button';
import { Card, CardContent } from '../components/ui/card';
import { Dialog, DialogContent, DialogHeader, DialogTitle } from '../components/ui/dialog';
import { Input, Textarea } from '../components/ui/input';
import { Label } from '../components/ui/label';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table';
import { formatDateTime } from '../lib/format';
import { parseTags } from '../lib/forms';

const PAGE = 50;

/** The edit dialog of one contact. */
function EditContact({ contact, onClose }: { contact: Contact; onClose: () => void }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (body: { name: string | null; phone: string | null; email: string | null; tags: string[]; notes: string | null }) =>
      unwrap(client.api.PATCH('/v1/tenant/contacts/{id}', { params: { path: { id: contact.id } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['tenant', 'contacts'] });
      onClose();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const tags = parseTags(text('tags'));
    if (tags.length > 20 || tags.some((tag) => tag.length > 40)) {
      setError('validation.tags');
      return;
    }
    setError(undefined);
    save.mutate({ name: text('name') || null, phone: text('phone') || null, email: text('email') || null, tags, notes: text('notes') || null });
  };
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent closeLabel={t('common.close')}>
        <DialogHeader>
          <DialogTitle>{t('customers.editTitle', { name: contact.name ?? t('customers.unnamed') })}</DialogTitle>
        </DialogHeader>
        <form noValidate onSubmit={submit} className="grid gap-4">
          <FormField label={t('customers.name')}>
            <Input name="name" defaultValue={contact.name ?? ''} maxLength={200} />
          </FormField>
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label={t('customers.phone')}>
              <Input name="phone" type="tel" defaultValue={contact.phone ?? ''} maxLength={40} />
            </FormField>
            <FormField label={t('customers.email')}>
              <Input name="email" type="email" defaultValue={contact.email ?? ''} maxLength={320} />
            </FormField>
          </div>
          <FormField label={t('customers.tags')} hint={t('knowledge.tagsHint')} error={error}>
            <Input name="tags" defaultValue={contact.tags.join(', ')} />
          </FormField>
          <FormField label={t('customers.notes')}>
            <Textarea name="notes" defaultValue={contact.notes ?? ''} rows={4} maxLength={10000} />
          </FormField>
          <DialogFormFooter save={save} onCancel={onClose} />
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** The customers page. */
export function CustomersPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const ids = { q: useId(), tag: useId() };
  const [filters, setFilters] = useState<{ q?: string; tag?: string; channel?: string }>({});
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<Contact | null>(null);
  const contacts = useQuery({
    queryKey: contentKeys.contacts({ ...filters, offset: String(offset) }),
    queryFn: () => unwrap(client.api.GET('/v1/tenant/contacts', { params: { query: { ...filters, limit: PAGE, offset } } })),
  });
  const exportCsv = useCsvExport('/v1/tenant/contacts/export.csv', filters, 'khach-hang.csv');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    setOffset(0);
    setFilters({ ...(text('q') ? { q: text('q') } : {}), ...(text('tag') ? { tag: text('tag') } : {}), ...(text('channel') ? { channel: text('channel') } : {}) });
  };
  const total = contacts.data?.total ?? 0;
  return (
    <>
      <PageHeader
        title={t('customers.title')}
        description={t('customers.description')}
        actions={<CsvExportButton csv={exportCsv} label={t('customers.export')} />}
      />
      <div className="grid gap-4">
        <CsvExportResult csv={exportCsv} />
        <form role="search" aria-label={t('customers.filters')} onSubmit={submit} className="grid gap-3 rounded-md border p-4 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_auto] lg:items-end">
          <div className="grid gap-2">
            <Label htmlFor={ids.q}>{t('customers.search')}</Label>
            <Input id={ids.q} name="q" type="search" placeholder={t('customers.searchPlaceholder')} maxLength={200} />
          </div>
          <div className="grid gap-2">
            <Label htmlFor={ids.tag}>{t('customers.tagFilter')}</Label>
            <Input id={ids.tag} name="tag" maxLength={40} />
          </div>
          <ChannelFilterSelect />
          <Button type="submit">{t('common.search')}</Button>
        </form>
        <Card>
          <CardContent className="grid gap-3 pt-6">
            <ApiErrorAlert error={contacts.error} />
            {contacts.data && contacts.data.items.length === 0 ? <Alert>{t('customers.empty')}</Alert> : null}
            {contacts.data && contacts.data.items.length > 0 ? (
              <div className="overflow-x-auto">
                <Table>
                  <TableHeader>
                    <TableRow>
                      <TableHead>{t('customers.name')}</TableHead>
                      <TableHead>{t('customers.channels')}</TableHead>
                      <TableHead>{t('customers.tags')}</TableHead>
                      <TableHead>{t('customers.notes')}</TableHead>
                      <TableHead>{t('customers.lastActive')}</TableHead>
                      <TableHead>{t('common.actions')}</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {contacts.data.items.map((contact) => (
                      <TableRow key={contact.id}>
                        <TableCell>
                          <span className="font-medium">{contact.name ?? t('customers.unnamed')}</span>
                          {contact.phone || contact.email ? (
                            <span className="block text-xs text-muted-foreground">{[contact.phone, contact.email].filter(Boolean).join(' · ')}</span>
                          ) : null}
                        </TableCell>
                        <TableCell>
                          <ul className="grid gap-1">
                            {contact.identities.map((identity) => (
                              <li key={`${identity.channel}:${identity.external_user_id}`} className="text-xs">
                                <Badge variant="secondary">{t(`conversations.channels.${identity.channel}`, { defaultValue: identity.channel })}</Badge>{' '}
                                <span className="break-all">{identity.display_name ?? identity.external_user_id}</span>
                              </li>
                            ))}
                          </ul>
                        </TableCell>
                        <TableCell>
                          <div className="flex flex-wrap gap-1">
                            {contact.tags.map((tag) => (
                              <Badge key={tag} variant="outline">
                                {tag}
                              </Badge>
                            ))}
                          </div>
                        </TableCell>
                        <TableCell className="max-w-64">
                          <span className="line-clamp-3 whitespace-pre-wrap text-sm">{contact.notes ?? ''}</span>
                        </TableCell>
                        <TableCell className="text-xs">
                          {formatDateTime(contact.last_message_at, i18n.language)}
                          <span className="block text-muted-foreground">{t('customers.conversationCount', { count: contact.conversation_count })}</span>
                        </TableCell>
                        <TableCell>
                          <div className="flex flex-wrap gap-2">
                            <Link
                              to="/app/conversations"
                              search={{ contact: contact.id }}
                              className={buttonVariants({ variant: 'ghost', size: 'sm' })}
                              aria-label={t('customers.viewConversationsNamed', { name: contact.name ?? t('customers.unnamed') })}
                            >
                              {t('customers.viewConversations')}
                            </Link>
                            <Button variant="outline" size="sm" onClick={() => setEditing(contact)} aria-label={t('customers.editNamed', { name: contact.name ?? t('customers.unnamed') })}>
                              {t('customers.edit')}
                            </Button>
                          </div>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            ) : null}
            {total > PAGE ? (
              <nav aria-label={t('customers.pages')} className="flex items-center justify-between gap-2 text-sm">
                <Button variant="outline" size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                  {t('common.previous')}
                </Button>
                <span>{t('customers.range', { from: offset + 1, to: Math.min(offset + PAGE, total), total })}</span>
                <Button variant="outline" size="sm" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
                  {t('common.next')}
                </Button>
              </nav>
            ) : null}
          </CardContent>
        </Card>
      </div>
      {editing ? <EditContact contact={editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}
