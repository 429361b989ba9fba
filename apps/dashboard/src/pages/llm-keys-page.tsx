/**
 * `/app/settings/llm-keys`: the shop's own LLM provider keys, stored as write-only tenant secrets
 * (`PUT /v1/tenant/secrets/{name}`): the dashboard can replace or delete a key but only ever sees
 * its mask (`sk-…abcd`).
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { queryKeys } from '../api/queries';
import type { SecretInfo } from '../api/types';
import { ApiErrorAlert } from '../components/api-error-alert';
import { ConfirmButton } from '../components/confirm-button';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card';
import { Input } from '../components/ui/input';
import { formatDateTime } from '../lib/format';
import { formValues, validate, type FieldErrors } from '../lib/forms';

/** The secret names the LLM keys are stored under. */
export const llmKeySlots = [
  { name: 'openai_api_key', provider: 'OpenAI', placeholder: 'sk-…' },
  { name: 'anthropic_api_key', provider: 'Anthropic', placeholder: 'sk-ant-…' },
] as const;

const keySchema = z.object({ value: z.string().trim().min(1, 'validation.keyRequired').max(8192, 'validation.tooLong') });

function KeySlot({ slot, stored }: { slot: (typeof llmKeySlots)[number]; stored: SecretInfo | undefined }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const invalidate = () => queryClient.invalidateQueries({ queryKey: queryKeys.secrets });
  const params = { params: { path: { name: slot.name } } };
  const save = useMutation({
    mutationFn: (value: string) => unwrap(client.api.PUT('/v1/tenant/secrets/{name}', { ...params, body: { value } })),
    onSuccess: invalidate,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(client.api.DELETE('/v1/tenant/secrets/{name}', params)),
    onSettled: invalidate,
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const result = validate(keySchema, formValues(form));
    setErrors(result.ok ? {} : result.errors);
    // Clear the field at once: the key should not linger in the page after it is sent.
    if (result.ok) save.mutate(result.data.value, { onSettled: () => form.reset() });
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>{slot.provider}</CardTitle>
        <CardDescription>
          {stored ? (
            <>
              <Badge variant="secondary" className="mr-2 font-mono">
                {stored.mask}
              </Badge>
              {t('llmKeys.updatedAt', { when: formatDateTime(stored.updated_at, i18n.language) })}
            </>
          ) : (
            t('llmKeys.notSet')
          )}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <form noValidate onSubmit={submit} className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-end">
          <FormField label={stored ? t('llmKeys.replace', { provider: slot.provider }) : t('llmKeys.set', { provider: slot.provider })} error={errors['value']}>
            <Input name="value" type="password" autoComplete="off" spellCheck={false} placeholder={slot.placeholder} />
          </FormField>
          <Button type="submit" disabled={save.isPending}>
            {t('common.save')}
          </Button>
        </form>
        <ApiErrorAlert error={save.error ?? remove.error} />
        {stored ? (
          <div>
            <ConfirmButton
              title={t('llmKeys.deleteTitle')}
              description={t('llmKeys.deleteConfirm', { provider: slot.provider })}
              confirmLabel={t('common.delete')}
              disabled={remove.isPending}
              onConfirm={() => remove.mutate()}
            >
              {t('common.delete')}
            </ConfirmButton>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** The LLM keys page. */
export function LlmKeysPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const secrets = useQuery({ queryKey: queryKeys.secrets, queryFn: () => unwrap(client.api.GET('/v1/tenant/secrets')) });
  const byName = new Map((secrets.data?.items ?? []).map((s) => [s.name, s]));
  return (
    <>
      <PageHeader title={t('llmKeys.title')} description={t('llmKeys.description')} />
      <ApiErrorAlert error={secrets.error} />
      {secrets.isPending ? <p role="status">{t('common.loading')}</p> : null}
      {secrets.data ? (
        <div className="grid max-w-3xl gap-6">
          {llmKeySlots.map((slot) => (
            <KeySlot key={slot.name} slot={slot} stored={byName.get(slot.name)} />
          ))}
        </div>
      ) : null}
    </>
  );
}
