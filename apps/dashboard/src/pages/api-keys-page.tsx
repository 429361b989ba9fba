/**
 * `/app/settings/api-keys`: public API keys for calling the API from the shop's own systems. A new
 * key is shown exactly once, in a dialog with a copy button; after the dialog closes only its
 * prefix remains (the server keeps a hash, never the key).
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { queryKeys } from '../api/queries';
import type { CreatedApiKey } from '../api/types';
import { ApiErrorAlert } from '../components/api-error-alert';
import { ConfirmButton } from '../components/confirm-button';
import { CopyButton } from '../components/copy-button';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { Alert, Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '../components/ui/dialog';
import { Input } from '../components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table';
import { formatDateTime } from '../lib/format';
import { useValidatedForm } from '../lib/forms';

const createSchema = z.object({ name: z.string().trim().min(1, 'validation.keyNameRequired').max(100, 'validation.tooLong') });

/** The dialog that reveals a new key once. */
function RevealDialog({ created, onClose }: { created: CreatedApiKey | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={created !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent closeLabel={t('common.close')}>
        <DialogHeader>
          <DialogTitle>{t('apiKeys.revealTitle')}</DialogTitle>
          <DialogDescription>{t('apiKeys.revealWarning')}</DialogDescription>
        </DialogHeader>
        {created ? (
          <div className="grid gap-2">
            <label htmlFor="new-api-key" className="text-sm font-medium">
              {t('apiKeys.keyLabel', { name: created.name })}
            </label>
            <div className="flex gap-2">
              <Input id="new-api-key" readOnly value={created.key} className="font-mono" onFocus={(e) => e.currentTarget.select()} />
              <CopyButton value={created.key} />
            </div>
          </div>
        ) : null}
        <DialogFooter>
          <Button onClick={onClose}>{t('apiKeys.savedIt')}</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

/** The API keys page. */
export function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  // The only copy of the full key in the browser; dropped when the dialog closes.
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const keys = useQuery({ queryKey: queryKeys.apiKeys, queryFn: () => unwrap(client.api.GET('/v1/tenant/api-keys')) });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys });
  const create = useMutation({
    mutationFn: (body: z.infer<typeof createSchema>) => unwrap(client.api.POST('/v1/tenant/api-keys', { body })),
    onSuccess: (result) => {
      setCreated(result);
      void invalidate();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(client.api.DELETE('/v1/tenant/api-keys/{id}', { params: { path: { id } } })),
    onSettled: invalidate,
  });
  const { errors, submit } = useValidatedForm(createSchema, (values, form) => create.mutate(values, { onSuccess: () => form.reset() }));
  return (
    <>
      <PageHeader title={t('apiKeys.title')} description={t('apiKeys.description')} />
      <div className="grid max-w-4xl gap-6">
        <Card>
          <CardHeader>
            <CardTitle>{t('apiKeys.create')}</CardTitle>
          </CardHeader>
          <CardContent>
            <form noValidate onSubmit={submit} className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-end">
              <FormField label={t('apiKeys.name')} error={errors['name']} hint={t('apiKeys.nameHint')}>
                <Input name="name" autoComplete="off" />
              </FormField>
              <Button type="submit" disabled={create.isPending}>
                {t('apiKeys.createButton')}
              </Button>
            </form>
            <div className="mt-3">
              <ApiErrorAlert error={create.error} />
            </div>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t('apiKeys.list')}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-3">
            <ApiErrorAlert error={keys.error ?? revoke.error} />
            {keys.data && keys.data.items.length === 0 ? <Alert>{t('apiKeys.empty')}</Alert> : null}
            {keys.data && keys.data.items.length > 0 ? (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>{t('apiKeys.name')}</TableHead>
                    <TableHead>{t('apiKeys.prefix')}</TableHead>
                    <TableHead>{t('apiKeys.createdAt')}</TableHead>
                    <TableHead>{t('apiKeys.lastUsedAt')}</TableHead>
                    <TableHead>{t('common.actions')}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {keys.data.items.map((key) => (
                    <TableRow key={key.id}>
                      <TableCell>{key.name}</TableCell>
                      <TableCell className="font-mono">{key.prefix}…</TableCell>
                      <TableCell>{formatDateTime(key.created_at, i18n.language)}</TableCell>
                      <TableCell>{formatDateTime(key.last_used_at, i18n.language)}</TableCell>
                      <TableCell>
                        {key.revoked_at ? (
                          <Badge variant="secondary">{t('apiKeys.revoked')}</Badge>
                        ) : (
                          <ConfirmButton
                            title={t('apiKeys.revokeTitle')}
                            description={t('apiKeys.revokeConfirm', { name: key.name })}
                            confirmLabel={t('apiKeys.revoke')}
                            disabled={revoke.isPending}
                            onConfirm={() => revoke.mutate(key.id)}
                          >
                            {t('apiKeys.revoke')}
                          </ConfirmButton>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            ) : null}
          </CardContent>
        </Card>
      </div>
      <RevealDialog created={created} onClose={() => setCreated(null)} />
    </>
  );
}
