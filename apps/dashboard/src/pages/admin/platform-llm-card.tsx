/**
 * The platform LLM account on `/app/admin/system` (platform admins): what is in effect (saved here
 * or from `CHATBOT_PLATFORM_LLM_*`, the key only masked) and a form to change it
 * with an optional failover account (`PUT /v1/admin/platform-llm`: the server checks each key with the provider first — a refused key
 * is a bilingual 422 shown here, nothing stored — then every runtime process uses it within
 * seconds, no restart) or to remove the saved setting (`DELETE`, back to the environment).
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { consoleKeys } from '../../api/billing-queries';
import type { PlatformLlm } from '../../api/billing-types';
import type { paths } from '../../api/generated/openapi';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ConfirmButton } from '../../components/confirm-button';
import { Alert, Badge } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { formatDateTime } from '../../lib/format';
import { clearInputs, type FieldErrors } from '../../lib/forms';
import { apiProviderOf, LlmAccountFields, providerChoiceOf, readLlmAccount, type ProviderChoice } from '../../components/llm-account-fields';

/** The body of `PUT /v1/admin/platform-llm`. */
type PlatformLlmUpdate = NonNullable<paths['/v1/admin/platform-llm']['put']['requestBody']>['content']['application/json'];

/** The form (remounted with fresh defaults whenever the setting in effect changes). */
function PlatformLlmForm({ llm }: { llm: PlatformLlm }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const saved = llm.source === 'database';
  const [choice, setChoice] = useState<ProviderChoice>(llm.provider ? providerChoiceOf({ provider: llm.provider, ...(llm.base_url ? { base_url: llm.base_url } : {}) }) : 'openai');
  const [useFailover, setUseFailover] = useState(llm.failover !== null);
  const [failoverChoice, setFailoverChoice] = useState<ProviderChoice>(
    llm.failover ? providerChoiceOf({ provider: llm.failover.provider, ...(llm.failover.base_url ? { base_url: llm.failover.base_url } : {}) }) : 'anthropic',
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<'saved' | 'removed' | null>(null);
  const save = useMutation({
    mutationFn: (body: PlatformLlmUpdate) => unwrap(client.api.PUT('/v1/admin/platform-llm', { body })),
    onSuccess: (view) => {
      setDone('saved');
      queryClient.setQueryData(consoleKeys.platformLlm, view);
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(client.api.DELETE('/v1/admin/platform-llm')),
    onSuccess: (view) => {
      setDone('removed');
      queryClient.setQueryData(consoleKeys.platformLlm, view);
    },
  });
  // Only a key saved here, for the same provider, can be kept by leaving the field empty.
  const canKeepKey = saved && llm.api_key_hint !== null && llm.provider === apiProviderOf(choice);
  const canKeepFailoverKey = saved && llm.failover?.api_key_hint != null && llm.failover.provider === apiProviderOf(failoverChoice);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const main = readLlmAccount(data, choice, { keyRequired: !canKeepKey });
    const failover = useFailover ? readLlmAccount(data, failoverChoice, { prefix: 'failover_', keyRequired: !canKeepFailoverKey }) : null;
    const found: FieldErrors = { ...main.errors, ...failover?.errors };
    setErrors(found);
    setDone(null);
    if (Object.keys(found).length > 0) return;
    const body: PlatformLlmUpdate = { ...main.account };
    if (failover) body.failover = failover.account;
    else if (llm.failover) body.failover = null;
    // The keys must not linger in the page once sent.
    save.mutate(body, { onSettled: () => clearInputs(form, ['api_key', 'failover_api_key']) });
  };

  return (
    <div className="grid gap-4">
      <p className="text-sm">
        <Badge variant={saved ? 'default' : 'secondary'} className="mr-2">
          {t(`adminConsole.llm.sources.${llm.source}`)}
        </Badge>
        {saved && llm.updated_at ? t('adminConsole.llm.savedAt', { date: formatDateTime(llm.updated_at, i18n.language) }) : null}
      </p>
      {llm.failover ? (
        <p className="text-sm text-muted-foreground">
          {t('adminConsole.llm.failover', { provider: llm.failover.provider, model: llm.failover.cheap_model, mask: llm.failover.api_key_hint ?? '—' })}
        </p>
      ) : null}
      <form noValidate onSubmit={submit} className="grid gap-4" aria-label={t('adminConsole.llm.formTitle')}>
        <h3 className="text-base font-semibold">{t('adminConsole.llm.formTitle')}</h3>
        <p className="text-sm text-muted-foreground">{t('adminConsole.llm.formDescription')}</p>
        <LlmAccountFields
          choice={choice}
          onChoice={setChoice}
          labels={{
            provider: t('adminConsole.llm.provider'),
            baseUrl: t('adminConsole.llm.baseUrl'),
            apiKey: t('adminConsole.llm.apiKey'),
            cheapModel: t('adminConsole.llm.cheap'),
            premiumModel: t('adminConsole.llm.premium'),
          }}
          hints={{ apiKey: canKeepKey && llm.api_key_hint ? t('adminConsole.llm.apiKeyKeep', { mask: llm.api_key_hint }) : t('adminConsole.llm.apiKeyHint') }}
          defaults={llm}
          errors={errors}
        />
        <fieldset className="grid gap-4 rounded-md border p-4">
          <legend className="px-1 text-sm font-medium">{t('adminConsole.llm.failoverTitle')}</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={useFailover} onChange={(event) => setUseFailover(event.target.checked)} className="accent-primary" />
            {t('adminConsole.llm.useFailover')}
          </label>
          {useFailover ? (
            <>
              <LlmAccountFields
                prefix="failover_"
                choice={failoverChoice}
                onChoice={setFailoverChoice}
                labels={{
                  provider: t('adminConsole.llm.failoverProvider'),
                  baseUrl: t('adminConsole.llm.failoverBaseUrl'),
                  apiKey: t('adminConsole.llm.failoverApiKey'),
                  cheapModel: t('adminConsole.llm.failoverCheap'),
                  premiumModel: t('adminConsole.llm.failoverPremium'),
                }}
                hints={{
                  apiKey: canKeepFailoverKey && llm.failover?.api_key_hint ? t('adminConsole.llm.apiKeyKeep', { mask: llm.failover.api_key_hint }) : t('adminConsole.llm.apiKeyHint'),
                }}
                defaults={llm.failover ?? {}}
                errors={errors}
              />
            </>
          ) : null}
        </fieldset>
        <ApiErrorAlert error={save.error ?? remove.error} />
        {done ? <Alert variant="success">{t(done === 'saved' ? 'adminConsole.llm.saved' : 'adminConsole.llm.removed')}</Alert> : null}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? t('adminConsole.llm.checking') : t('adminConsole.llm.save')}
          </Button>
          {saved ? (
            <ConfirmButton
              title={t('adminConsole.llm.removeTitle')}
              description={t('adminConsole.llm.removeConfirm')}
              confirmLabel={t('adminConsole.llm.remove')}
              disabled={remove.isPending}
              onConfirm={() => remove.mutate()}
            >
              {t('adminConsole.llm.remove')}
            </ConfirmButton>
          ) : null}
        </div>
      </form>
    </div>
  );
}

/** The platform LLM card of the system page. */
export function PlatformLlmCard() {
  const { t } = useTranslation();
  const { client } = useApi();
  const llm = useQuery({ queryKey: consoleKeys.platformLlm, queryFn: () => unwrap(client.api.GET('/v1/admin/platform-llm')) });
  const data = llm.data;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('adminConsole.llm.title')}</CardTitle>
        <CardDescription>{t('adminConsole.llm.description')}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <ApiErrorAlert error={llm.error} />
        {llm.isPending ? <p role="status">{t('common.loading')}</p> : null}
        {data ? (
          data.configured ? (
            <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
              <dt className="text-muted-foreground">{t('adminConsole.llm.provider')}</dt>
              <dd>{data.provider}</dd>
              <dt className="text-muted-foreground">{t('adminConsole.llm.key')}</dt>
              <dd className="font-mono">{data.api_key_hint ?? '—'}</dd>
              <dt className="text-muted-foreground">{t('adminConsole.llm.cheap')}</dt>
              <dd className="font-mono">{data.cheap_model}</dd>
              <dt className="text-muted-foreground">{t('adminConsole.llm.premium')}</dt>
              <dd className="font-mono">{data.premium_model}</dd>
              {data.base_url ? (
                <>
                  <dt className="text-muted-foreground">{t('adminConsole.llm.baseUrl')}</dt>
                  <dd className="font-mono">{data.base_url}</dd>
                </>
              ) : null}
            </dl>
          ) : (
            <p className="text-sm">{t('adminConsole.llm.notConfigured')}</p>
          )
        ) : null}
        {data ? <PlatformLlmForm key={`${data.source}:${data.updated_at ?? ''}:${data.provider ?? ''}`} llm={data} /> : null}
        {data ? (
          <p className="text-xs text-muted-foreground">
            {t('adminConsole.llm.howTo')} <code>{data.env.join(', ')}</code>
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}
