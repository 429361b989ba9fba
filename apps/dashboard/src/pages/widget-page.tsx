/**
 * `/app/settings/widget`: the website chat widget (runtime `GET/PUT /v1/tenant/widget`): the
 * snippet to paste before `</body>` with a copy button, the domains allowed to embed it, its look
 * (bot name, colour, logo, position, greeting), suggested questions in Vietnamese and English, and
 * identity verification (the secret is shown once, when it is generated).
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/api-context';
import { unwrap } from '../api/api-error';
import { ApiErrorAlert } from '../components/api-error-alert';
import { CheckboxField } from '../components/checkbox-field';
import { ConfirmButton } from '../components/confirm-button';
import { FormField } from '../components/form-field';
import { FormSaveRow } from '../components/form-save-row';
import { PageHeader } from '../components/page-header';
import { Alert } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card';
import { Input, NativeSelect, Textarea } from '../components/ui/input';
import type { FieldErrors } from '../lib/forms';
import { CopyField } from './channels/channel-card';
import { onboardingKeys, type Widget, type WidgetUpdate } from './onboarding/api-types';

const lines = (value: FormDataEntryValue | null) =>
  String(value ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const orNull = (value: FormDataEntryValue | null) => String(value ?? '').trim() || null;

/** Reads and checks the settings form; the runtime validates again. */
export function widgetFormValues(form: HTMLFormElement): { body: WidgetUpdate; errors: FieldErrors } {
  const data = new FormData(form);
  const errors: FieldErrors = {};
  const domains = lines(data.get('allowed_domains'));
  if (domains.some((d) => !/^(\*|(https?:\/\/)?(\*\.)?[a-z0-9.-]+(:\d{1,5})?\/?)$/i.test(d))) errors['allowed_domains'] = 'widget.badDomain';
  const color = String(data.get('color') ?? '').trim();
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) errors['color'] = 'widget.badColor';
  const logo = orNull(data.get('logo_url'));
  if (logo && !/^https?:\/\/\S+$/.test(logo)) errors['logo_url'] = 'widget.badLogo';
  const botName = String(data.get('bot_name') ?? '').trim();
  if (!botName) errors['bot_name'] = 'validation.botNameRequired';
  const vi = lines(data.get('suggested_vi'));
  const en = lines(data.get('suggested_en'));
  if (vi.length > 6) errors['suggested_vi'] = 'widget.tooManyQuestions';
  if (en.length > 6) errors['suggested_en'] = 'widget.tooManyQuestions';
  const body: WidgetUpdate = {
    enabled: data.get('enabled') === 'on',
    allowed_domains: domains,
    bot_name: botName,
    color,
    logo_url: logo,
    position: data.get('position') === 'left' ? 'left' : 'right',
    greeting: { vi: orNull(data.get('greeting_vi')), en: orNull(data.get('greeting_en')) },
    suggested_questions: { vi, en },
    identity: { enabled: data.get('identity_enabled') === 'on', required: data.get('identity_required') === 'on' },
  };
  return { body, errors };
}

function WidgetForm({ widget, onSaved }: { widget: Widget; onSaved: (w: Widget) => void }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: (body: WidgetUpdate) => unwrap(client.api.PUT('/v1/tenant/widget', { body })),
    onSuccess: onSaved,
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { body, errors: found } = widgetFormValues(event.currentTarget);
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate(body);
  };
  return (
    <form noValidate onSubmit={submit} className="grid gap-4">
      <CheckboxField name="enabled" label={t('widget.enabled')} defaultChecked={widget.enabled} />
      <FormField label={t('widget.allowedDomains')} hint={t('widget.allowedDomainsHint')} error={errors['allowed_domains']}>
        <Textarea name="allowed_domains" rows={3} defaultValue={widget.allowed_domains.join('\n')} spellCheck={false} />
      </FormField>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label={t('widget.botName')} error={errors['bot_name']}>
          <Input name="bot_name" defaultValue={widget.bot_name} maxLength={60} />
        </FormField>
        <FormField label={t('widget.color')} hint={t('widget.colorHint')} error={errors['color']}>
          <Input name="color" defaultValue={widget.color} maxLength={7} spellCheck={false} />
        </FormField>
        <FormField label={t('widget.logoUrl')} hint={t('widget.logoHint')} error={errors['logo_url']}>
          <Input name="logo_url" type="url" defaultValue={widget.logo_url ?? ''} spellCheck={false} />
        </FormField>
        <FormField label={t('widget.position')}>
          <NativeSelect name="position" defaultValue={widget.position}>
            <option value="right">{t('widget.right')}</option>
            <option value="left">{t('widget.left')}</option>
          </NativeSelect>
        </FormField>
        <FormField label={t('widget.greetingVi')}>
          <Textarea name="greeting_vi" rows={2} defaultValue={widget.greeting.vi ?? ''} maxLength={500} />
        </FormField>
        <FormField label={t('widget.greetingEn')}>
          <Textarea name="greeting_en" rows={2} defaultValue={widget.greeting.en ?? ''} maxLength={500} />
        </FormField>
        <FormField label={t('widget.suggestedVi')} hint={t('widget.suggestedHint')} error={errors['suggested_vi']}>
          <Textarea name="suggested_vi" rows={4} defaultValue={widget.suggested_questions.vi.join('\n')} />
        </FormField>
        <FormField label={t('widget.suggestedEn')} hint={t('widget.suggestedHint')} error={errors['suggested_en']}>
          <Textarea name="suggested_en" rows={4} defaultValue={widget.suggested_questions.en.join('\n')} />
        </FormField>
      </div>
      <fieldset className="grid gap-3 rounded-md border p-3">
        <legend className="px-1 text-sm font-medium">{t('widget.identity')}</legend>
        <CheckboxField name="identity_enabled" label={t('widget.identityEnabled')} hint={t('widget.identityHint')} defaultChecked={widget.identity.enabled} />
        <CheckboxField name="identity_required" label={t('widget.identityRequired')} defaultChecked={widget.identity.required} />
        {widget.identity.secret_mask ? <p className="text-sm">{t('widget.secretMask', { mask: widget.identity.secret_mask })}</p> : null}
      </fieldset>
      <FormSaveRow save={save} />
    </form>
  );
}

/** The widget settings page. */
export function WidgetPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  // The secret is in the answer that generated it only: keep it for this visit, never refetch it.
  const [revealed, setRevealed] = useState<string | null>(null);
  const widget = useQuery({ queryKey: onboardingKeys.widget, queryFn: () => unwrap(client.api.GET('/v1/tenant/widget')) });
  const saved = (w: Widget) => {
    if (w.identity.secret) setRevealed(w.identity.secret);
    queryClient.setQueryData(onboardingKeys.widget, { ...w, identity: { ...w.identity, secret: undefined } });
  };
  const action = useMutation({
    mutationFn: (body: WidgetUpdate) => unwrap(client.api.PUT('/v1/tenant/widget', { body })),
    onSuccess: saved,
  });
  const data = widget.data;
  return (
    <>
      <PageHeader title={t('widget.title')} description={t('widget.description')} />
      <ApiErrorAlert error={widget.error ?? action.error} />
      {widget.isPending ? <p role="status">{t('common.loading')}</p> : null}
      {data ? (
        <div className="grid max-w-4xl gap-6">
          <Card>
            <CardHeader>
              <CardTitle>{t('widget.snippetTitle')}</CardTitle>
              <CardDescription>{t('widget.snippetDescription')}</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-3">
              <CopyField label={t('widget.snippet')} value={data.snippet} />
              {data.allowed_domains.length === 0 ? <Alert>{t('widget.noDomains')}</Alert> : null}
              <div>
                <ConfirmButton
                  title={t('widget.rotateKeyTitle')}
                  description={t('widget.rotateKeyConfirm')}
                  confirmLabel={t('widget.rotateKey')}
                  disabled={action.isPending}
                  onConfirm={() => action.mutate({ rotate_public_key: true })}
                >
                  {t('widget.rotateKey')}
                </ConfirmButton>
              </div>
            </CardContent>
          </Card>
          {revealed ? (
            <Alert variant="success" className="grid gap-2">
              <p>{t('widget.secretOnce')}</p>
              <CopyField label={t('widget.identitySecret')} value={revealed} />
            </Alert>
          ) : null}
          <Card>
            <CardHeader>
              <CardTitle>{t('widget.settingsTitle')}</CardTitle>
            </CardHeader>
            <CardContent>
              <WidgetForm widget={data} onSaved={saved} />
              {data.identity.enabled ? (
                <div className="mt-4">
                  <Button type="button" variant="outline" disabled={action.isPending} onClick={() => action.mutate({ identity: { rotate_secret: true } })}>
                    {t('widget.rotateSecret')}
                  </Button>
                </div>
              ) : null}
            </CardContent>
          </Card>
        </div>
      ) : null}
    </>
  );
}
