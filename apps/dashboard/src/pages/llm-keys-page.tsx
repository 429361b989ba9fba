/**
 * `/app/settings/llm-keys`: the shop's AI provider settings — the ones the bot really uses
 * (`GET/PUT /v1/tenant/llm`): provider (OpenAI, Anthropic, Ollama, or any OpenAI-compatible API such
 * as Gemini, DeepSeek or Groq through a base URL), the API key, who pays (own key only, own key then
 * platform credits, platform credits only) and the cheap / premium models. The key is write-only:
 * the server checks it with the provider before storing it encrypted (422 with a bilingual message
 * when refused, nothing stored), and the page only ever shows its mask.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import type { paths } from '../api/generated/openapi';
import { ApiErrorAlert } from '../components/api-error-alert';
import { ConfirmButton } from '../components/confirm-button';
import { apiProviderOf, LlmAccountFields, providerChoiceOf, readLlmAccount, type ProviderChoice } from '../components/llm-account-fields';
import { PageHeader } from '../components/page-header';
import { Alert, Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card';
import { clearInputs, type FieldErrors } from '../lib/forms';
import { onboardingKeys, type LlmSettings } from './onboarding/api-types';

/** The body of `PUT /v1/tenant/llm`. */
type LlmUpdate = NonNullable<paths['/v1/tenant/llm']['put']['requestBody']>['content']['application/json'];
type KeyMode = LlmSettings['key_mode'];

/** Who pays for the answers, in the order the page lists them. */
export const keyModeChoices: readonly KeyMode[] = ['own', 'own_then_platform', 'platform'];

/** The LLM settings form (remounted with fresh defaults whenever the saved settings change). */
function LlmForm({ settings }: { settings: LlmSettings }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<ProviderChoice>(providerChoiceOf(settings));
  const [keyMode, setKeyMode] = useState<KeyMode>(settings.key_mode);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<'saved' | 'removed' | null>(null);
  const stored = (saved: LlmSettings) => {
    queryClient.setQueryData(onboardingKeys.llm, saved);
    void queryClient.invalidateQueries({ queryKey: onboardingKeys.state });
  };
  const save = useMutation({
    mutationFn: (body: LlmUpdate) => unwrap(client.api.PUT('/v1/tenant/llm', { body })),
    onSuccess: (saved) => {
      setDone('saved');
      stored(saved);
    },
  });
  const removeKey = useMutation({
    // The bot falls back to platform credits: without a key, "own" could not answer at all.
    mutationFn: () => unwrap(client.api.PUT('/v1/tenant/llm', { body: { provider: settings.provider, api_key: null, key_mode: 'platform' } })),
    onSuccess: (saved) => {
      setDone('removed');
      setKeyMode(saved.key_mode);
      stored(saved);
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    // A stored key is kept only for the same provider; platform credits need no key.
    const providerChanged = apiProviderOf(choice) !== settings.provider;
    const { account, errors: found } = readLlmAccount(new FormData(form), choice, { keyRequired: keyMode !== 'platform' && (!settings.api_key_set || providerChanged) });
    setErrors(found);
    setDone(null);
    if (Object.keys(found).length > 0) return;
    const body: LlmUpdate = { ...account, key_mode: keyMode };
    // Clear the key field at once: the key should not linger in the page after it is sent.
    save.mutate(body, { onSettled: () => clearInputs(form, ['api_key']) });
  };

  return (
    <div className="grid max-w-3xl gap-6">
      <Card>
        <CardHeader>
          <CardTitle>{t('llmKeys.current')}</CardTitle>
          <CardDescription>
            {t(`llmKeys.providers.${providerChoiceOf(settings)}`)} · {t(`llmKeys.keyModes.${settings.key_mode}.title`)}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3">
          <p className="text-sm">
            {settings.api_key_set ? (
              <>
                <Badge variant="secondary" className="mr-2 font-mono">
                  {settings.api_key_hint ?? '••••'}
                </Badge>
                {t('llmKeys.keyStored')}
              </>
            ) : (
              t('llmKeys.notSet')
            )}
          </p>
          {settings.api_key_set ? (
            <div>
              <ConfirmButton
                title={t('llmKeys.removeTitle')}
                description={t('llmKeys.removeConfirm')}
                confirmLabel={t('llmKeys.remove')}
                disabled={removeKey.isPending}
                onConfirm={() => removeKey.mutate()}
              >
                {t('llmKeys.remove')}
              </ConfirmButton>
            </div>
          ) : null}
          <ApiErrorAlert error={removeKey.error} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>{t('llmKeys.formTitle')}</CardTitle>
          <CardDescription>{t('llmKeys.formDescription')}</CardDescription>
        </CardHeader>
        <CardContent>
          <form noValidate onSubmit={submit} className="grid gap-4">
            <LlmAccountFields
              choice={choice}
              onChoice={setChoice}
              labels={{
                provider: t('llmKeys.provider'),
                baseUrl: t('llmKeys.baseUrl'),
                apiKey: t('llmKeys.apiKey'),
                cheapModel: t('llmKeys.cheapModel'),
                premiumModel: t('llmKeys.premiumModel'),
              }}
              hints={{
                apiKey: settings.api_key_set && settings.api_key_hint ? t('llmKeys.apiKeyKeep', { mask: settings.api_key_hint }) : t('llmKeys.apiKeyHint'),
                cheapModel: t('llmKeys.cheapModelHint'),
                premiumModel: t('llmKeys.premiumModelHint'),
              }}
              defaults={settings}
              errors={errors}
            />
            <fieldset className="grid gap-2">
              <legend className="mb-2 text-sm font-medium">{t('llmKeys.keyMode')}</legend>
              {keyModeChoices.map((mode) => (
                <label key={mode} className="flex cursor-pointer gap-3 rounded-md border p-3 text-sm has-[:checked]:border-primary has-[:checked]:bg-muted">
                  <input type="radio" name="key_mode" value={mode} checked={keyMode === mode} onChange={() => setKeyMode(mode)} className="mt-1 accent-primary" />
                  <span className="grid gap-1">
                    <span className="font-medium">{t(`llmKeys.keyModes.${mode}.title`)}</span>
                    <span className="text-muted-foreground">{t(`llmKeys.keyModes.${mode}.description`)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <ApiErrorAlert error={save.error} />
            {done ? <Alert variant="success">{t(done === 'saved' ? 'llmKeys.saved' : 'llmKeys.removed')}</Alert> : null}
            <div>
              <Button type="submit" disabled={save.isPending}>
                {save.isPending ? t('llmKeys.checking') : t('common.save')}
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}

/** The LLM keys page. */
export function LlmKeysPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const llm = useQuery({ queryKey: onboardingKeys.llm, queryFn: () => unwrap(client.api.GET('/v1/tenant/llm')) });
  return (
    <>
      <PageHeader title={t('llmKeys.title')} description={t('llmKeys.description')} />
      <ApiErrorAlert error={llm.error} />
      {llm.isPending ? <p role="status">{t('common.loading')}</p> : null}
      {llm.data ? <LlmForm settings={llm.data} /> : null}
    </>
  );
}
