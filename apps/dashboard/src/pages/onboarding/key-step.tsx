/**
 * Wizard step 3: who pays for the AI. Platform credits (billed per use), or the shop's own API key
 * — checked with the provider when saved (`PUT /v1/tenant/llm` answers 422 and stores nothing
 * when the provider refuses it), optionally falling back to platform credits when it fails. An
 * OpenAI-compatible API (Gemini, DeepSeek, Groq…) is OpenAI with a base URL.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { CheckboxField } from '../../components/checkbox-field';
import { FormField } from '../../components/form-field';
import { apiProviderOf } from '../../components/llm-account-fields';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Input, NativeSelect } from '../../components/ui/input';
import { clearInputs, type FieldErrors } from '../../lib/forms';
import { onboardingKeys, type LlmSettings } from './api-types';

type Mode = 'platform' | 'own';
type Provider = LlmSettings['provider'];
/** The providers offered with a key; `openai_compatible` is OpenAI with a base URL. */
const keyProviders = ['openai', 'anthropic', 'openai_compatible'] as const;
type KeyProvider = (typeof keyProviders)[number];

/** Step 3 of the wizard. */
export function KeyStep() {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const llm = useQuery({ queryKey: onboardingKeys.llm, queryFn: () => unwrap(client.api.GET('/v1/tenant/llm')) });
  const [mode, setMode] = useState<Mode | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [picked, setPicked] = useState<KeyProvider | null>(null);
  const storedProvider: KeyProvider = llm.data?.provider === 'anthropic' ? 'anthropic' : llm.data?.provider === 'openai' && llm.data.base_url ? 'openai_compatible' : 'openai';
  const provider = picked ?? storedProvider;
  const current: Mode = mode ?? (llm.data && llm.data.key_mode !== 'platform' && llm.data.api_key_set ? 'own' : 'platform');
  const save = useMutation({
    mutationFn: (body: { provider: Provider; key_mode: LlmSettings['key_mode']; api_key?: string; base_url?: string | null }) => unwrap(client.api.PUT('/v1/tenant/llm', { body })),
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
    const baseUrl = provider === 'openai_compatible' ? String(data.get('base_url') ?? '').trim() : '';
    const found: FieldErrors = key || llm.data?.api_key_set ? {} : { api_key: 'validation.keyRequired' };
    if (provider === 'openai_compatible' && !baseUrl) found['base_url'] = 'llmKeys.baseUrlRequired';
    else if (baseUrl && !URL.canParse(baseUrl)) found['base_url'] = 'llmKeys.baseUrlInvalid';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const keyMode: LlmSettings['key_mode'] = data.get('fallback') === 'on' ? 'own_then_platform' : 'own';
    // A base URL only for OpenAI-compatible APIs; one stored earlier is cleared when leaving them.
    const base = baseUrl ? { base_url: baseUrl } : llm.data?.base_url ? { base_url: null } : {};
    const body = { provider: apiProviderOf(provider), key_mode: keyMode, ...base, ...(key ? { api_key: key } : {}) };
    // Only the key is cleared (it should not linger in the page); a refused key keeps the base URL typed.
    save.mutate(body, { onSettled: () => clearInputs(form, ['api_key']) });
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
            <NativeSelect name="provider" value={provider} onChange={(event) => setPicked(event.target.value as KeyProvider)}>
              {keyProviders.map((p) => (
                <option key={p} value={p}>
                  {t(p === 'openai_compatible' ? 'llmKeys.providers.openai_compatible' : `onboarding.providers.${p}`)}
                </option>
              ))}
            </NativeSelect>
          </FormField>
          {provider === 'openai_compatible' ? (
            <FormField label={t('llmKeys.baseUrl')} hint={t('llmKeys.baseUrlHint')} error={errors['base_url']}>
              <Input name="base_url" type="url" inputMode="url" autoComplete="off" spellCheck={false} defaultValue={llm.data?.base_url ?? ''} placeholder="https://api.deepseek.com/v1" />
            </FormField>
          ) : null}
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
