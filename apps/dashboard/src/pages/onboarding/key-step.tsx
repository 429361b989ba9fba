/**
 * Wizard step 3: who pays for the AI. Platform credits (billed per use), or the shop's own API key
 * — checked with the provider when saved (`PUT /v1/tenant/llm` answers 422 and stores nothing
 * when the provider refuses it), optionally falling back to platform credits when it fails.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { CheckboxField } from '../../components/checkbox-field';
import { FormField } from '../../components/form-field';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Input, NativeSelect } from '../../components/ui/input';
import type { FieldErrors } from '../../lib/forms';
import { onboardingKeys, type LlmSettings } from './api-types';

type Mode = 'platform' | 'own';
type Provider = LlmSettings['provider'];
const keyProviders: readonly Provider[] = ['openai', 'anthropic'];

/** Step 3 of the wizard. */
export function KeyStep() {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const llm = useQuery({ queryKey: onboardingKeys.llm, queryFn: () => unwrap(client.api.GET('/v1/tenant/llm')) });
  const [mode, setMode] = useState<Mode | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const current: Mode = mode ?? (llm.data && llm.data.key_mode !== 'platform' && llm.data.api_key_set ? 'own' : 'platform');
  const save = useMutation({
    mutationFn: (body: { provider: Provider; key_mode: LlmSettings['key_mode']; api_key?: string }) => unwrap(client.api.PUT('/v1/tenant/llm', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(onboardingKeys.llm, saved);
      void queryClient.invalidateQueries({ queryKey: onboardingKeys.state });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    if (current === 'platform') {
      save.mutate({ provider: llm.data?.provider ?? 'openai', key_mode: 'platform' });
      return;
    }
    const key = String(data.get('api_key') ?? '').trim();
    const provider = String(data.get('provider') ?? 'openai') as Provider;
    const found: FieldErrors = key || llm.data?.api_key_set ? {} : { api_key: 'validation.keyRequired' };
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const keyMode = data.get('fallback') === 'on' ? 'own_then_platform' : 'own';
    save.mutate({ provider, key_mode: keyMode, ...(key ? { api_key: key } : {}) }, { onSettled: () => form.reset() });
  };
  return (
    <form noValidate onSubmit={submit} className="grid max-w-2xl gap-4">
      <ApiErrorAlert error={llm.error} />
      <fieldset className="grid gap-2">
        <legend className="mb-2 text-sm font-medium">{t('onboarding.keyMode')}</legend>
        {(['platform', 'own'] as const).map((m) => (
          <label key={m} className="flex cursor-pointer gap-3 rounded-md border p-3 text-sm has-[:checked]:border-primary has-[:checked]:bg-muted">
            <input type="radio" name="mode" value={m} checked={current === m} onChange={() => setMode(m)} className="mt-1 accent-primary" />
            <span className="grid gap-1">
              <span className="font-medium">{t(`onboarding.modes.${m}.title`)}</span>
              <span className="text-muted-foreground">{t(`onboarding.modes.${m}.description`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {current === 'own' ? (
        <>
          <FormField label={t('onboarding.provider')}>
            <NativeSelect name="provider" defaultValue={llm.data?.provider === 'anthropic' ? 'anthropic' : 'openai'}>
              {keyProviders.map((p) => (
                <option key={p} value={p}>
                  {t(`onboarding.providers.${p}`)}
                </option>
              ))}
            </NativeSelect>
          </FormField>
          <FormField
            label={t('onboarding.apiKey')}
            hint={llm.data?.api_key_hint ? t('onboarding.keyStored', { mask: llm.data.api_key_hint }) : t('onboarding.apiKeyHint')}
            error={errors['api_key']}
          >
            <Input name="api_key" type="password" autoComplete="off" spellCheck={false} placeholder="sk-…" />
          </FormField>
          <CheckboxField name="fallback" label={t('onboarding.fallback')} defaultChecked={llm.data?.key_mode !== 'own'} />
        </>
      ) : null}
      <ApiErrorAlert error={save.error} />
      {save.isSuccess ? (
        <Alert variant="success">
          {save.data.key_mode === 'platform' ? t('onboarding.platformSaved') : t('onboarding.keySaved', { mask: save.data.api_key_hint ?? '' })}
        </Alert>
      ) : null}
      <div>
        <Button type="submit" disabled={save.isPending || llm.isPending}>
          {save.isPending ? t('onboarding.checkingKey') : t('common.save')}
        </Button>
      </div>
    </form>
  );
}
