/**
 * `/app/settings/bot`: the shop's name and the bot persona. The persona is stored in the tenant
 * settings under `persona` (`PATCH /v1/tenant`), with the field names and limits of the core
 * persona schema (`packages/core/src/engine/persona.ts`), so the engine can read it unchanged.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { queryKeys } from '../api/queries';
import type { Tenant } from '../api/types';
import { ApiErrorAlert } from '../components/api-error-alert';
import { FormField } from '../components/form-field';
import { FormSaveRow } from '../components/form-save-row';
import { PageHeader } from '../components/page-header';
import { Card, CardContent } from '../components/ui/card';
import { Input, NativeSelect, Textarea } from '../components/ui/input';
import { useValidatedForm } from '../lib/forms';

/** Tones the engine understands. */
export const tones = ['friendly', 'professional', 'concise', 'custom'] as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'validation.tooLong')
    .transform((v) => (v === '' ? undefined : v));

/** The persona form's rules (limits from the core persona schema). */
export const personaFormSchema = z.object({
  tenant_name: z.string().trim().min(1, 'validation.tenantNameRequired').max(200, 'validation.tooLong'),
  name: z.string().trim().min(1, 'validation.botNameRequired').max(60, 'validation.tooLong'),
  businessName: optionalText(120),
  tone: z.enum(tones),
  customInstructions: optionalText(2000),
  greeting: optionalText(500),
  fallbackText: optionalText(500),
  handoffText: optionalText(500),
});

type PersonaField = 'name' | 'businessName' | 'tone' | 'customInstructions' | 'greeting' | 'fallbackText' | 'handoffText';

/** Reads the stored persona, tolerating missing or odd values. */
function storedPersona(tenant: Tenant): Partial<Record<PersonaField, string>> {
  const persona = tenant.settings['persona'];
  if (typeof persona !== 'object' || persona === null) return {};
  const result: Partial<Record<PersonaField, string>> = {};
  for (const [key, value] of Object.entries(persona)) if (typeof value === 'string') result[key as PersonaField] = value;
  return result;
}

function PersonaForm({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation();
  const { client, session } = useApi();
  const queryClient = useQueryClient();
  const persona = storedPersona(tenant);
  const save = useMutation({
    mutationFn: ({ tenant_name, ...fields }: z.infer<typeof personaFormSchema>) => {
      // Keep persona keys this form does not edit (handoff keywords, language, …).
      const current = typeof tenant.settings['persona'] === 'object' && tenant.settings['persona'] !== null ? tenant.settings['persona'] : {};
      const next: Record<string, unknown> = { ...current };
      for (const [key, value] of Object.entries(fields)) {
        if (value === undefined) delete next[key];
        else next[key] = value;
      }
      return unwrap(client.api.PATCH('/v1/tenant', { body: { name: tenant_name, settings: { persona: next } } }));
    },
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.tenant, updated);
      const membership = session.getState().tenant;
      if (membership) session.setState({ tenant: { ...membership, name: updated.name } });
    },
  });
  const { errors, submit } = useValidatedForm(personaFormSchema, (values) => save.mutate(values));
  return (
    <form noValidate onSubmit={submit} className="grid gap-4">
      <FormField label={t('bot.tenantName')} error={errors['tenant_name']}>
        <Input name="tenant_name" defaultValue={tenant.name} />
      </FormField>
      <FormField label={t('bot.name')} error={errors['name']} hint={t('bot.nameHint')}>
        <Input name="name" defaultValue={persona.name ?? t('bot.defaultName')} />
      </FormField>
      <FormField label={t('bot.businessName')} error={errors['businessName']}>
        <Input name="businessName" defaultValue={persona.businessName ?? ''} />
      </FormField>
      <FormField label={t('bot.tone')} error={errors['tone']}>
        <NativeSelect name="tone" defaultValue={persona.tone ?? 'friendly'}>
          {tones.map((tone) => (
            <option key={tone} value={tone}>
              {t(`bot.tones.${tone}`)}
            </option>
          ))}
        </NativeSelect>
      </FormField>
      <FormField label={t('bot.customInstructions')} error={errors['customInstructions']} hint={t('bot.customInstructionsHint')}>
        <Textarea name="customInstructions" rows={4} defaultValue={persona.customInstructions ?? ''} />
      </FormField>
      <FormField label={t('bot.greeting')} error={errors['greeting']} hint={t('bot.defaultHint')}>
        <Textarea name="greeting" rows={2} defaultValue={persona.greeting ?? ''} />
      </FormField>
      <FormField label={t('bot.fallbackText')} error={errors['fallbackText']} hint={t('bot.defaultHint')}>
        <Textarea name="fallbackText" rows={2} defaultValue={persona.fallbackText ?? ''} />
      </FormField>
      <FormField label={t('bot.handoffText')} error={errors['handoffText']} hint={t('bot.defaultHint')}>
        <Textarea name="handoffText" rows={2} defaultValue={persona.handoffText ?? ''} />
      </FormField>
      <FormSaveRow save={save} />
    </form>
  );
}

/** The bot settings page. */
export function BotSettingsPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const tenant = useQuery({ queryKey: queryKeys.tenant, queryFn: () => unwrap(client.api.GET('/v1/tenant')) });
  return (
    <>
      <PageHeader title={t('bot.title')} description={t('bot.description')} />
      <ApiErrorAlert error={tenant.error} />
      {tenant.data ? (
        <Card className="max-w-2xl">
          <CardContent className="pt-6">
            <PersonaForm key={tenant.data.id} tenant={tenant.data} />
          </CardContent>
        </Card>
      ) : tenant.isPending ? (
        <p role="status">{t('common.loading')}</p>
      ) : null}
    </>
  );
}
