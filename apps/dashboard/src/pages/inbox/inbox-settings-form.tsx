/**
 * The inbox settings (tenant-admins): how long a conversation may sit with no staff activity before
 * the bot takes it back, e-mail notifications, the owner's Telegram chat id, and the phrases that
 * hand a conversation to a person (the bot persona's handoff keywords).
 */
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { FormField } from '../../components/form-field';
import { FormSaveRow } from '../../components/form-save-row';
import { Input, Textarea } from '../../components/ui/input';
import { Label } from '../../components/ui/label';

const settingsKey = ['inbox', 'settings'] as const;

/** Parses the keywords textarea: one phrase per line, blanks dropped. */
export function parseKeywords(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** The settings form. */
export function InboxSettingsForm() {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const notifyId = useId();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const settings = useQuery({ queryKey: settingsKey, queryFn: () => unwrap(client.api.GET('/v1/tenant/inbox/settings')) });
  const save = useMutation({
    mutationFn: (body: { idle_minutes: number; notify_email: boolean; telegram_chat_id: string | null; handoff_keywords: string[] }) =>
      unwrap(client.api.PUT('/v1/tenant/inbox/settings', { body })),
    onSuccess: (data) => queryClient.setQueryData(settingsKey, data),
  });
  if (settings.error) return <ApiErrorAlert error={settings.error} />;
  if (!settings.data) return <p role="status">{t('common.loading')}</p>;
  const current = settings.data;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const idle = Number(data.get('idle_minutes'));
    const chat = String(data.get('telegram_chat_id') ?? '').trim();
    const keywords = parseKeywords(String(data.get('handoff_keywords') ?? ''));
    const found: Record<string, string> = {};
    if (!Number.isInteger(idle) || idle < 1 || idle > 10_080) found['idle_minutes'] = 'inbox.settings.idleInvalid';
    if (chat && !/^-?\d{1,20}$/.test(chat)) found['telegram_chat_id'] = 'inbox.settings.chatInvalid';
    if (keywords.some((k) => k.length < 2 || k.length > 80) || keywords.length > 50) found['handoff_keywords'] = 'inbox.settings.keywordsInvalid';
    setErrors(found);
    if (Object.keys(found).length) return;
    save.mutate({ idle_minutes: idle, notify_email: data.get('notify_email') === 'on', telegram_chat_id: chat || null, handoff_keywords: keywords });
  };

  return (
    <form className="grid gap-3" onSubmit={submit} noValidate>
      <FormField label={t('inbox.settings.idle')} error={errors['idle_minutes']} hint={t('inbox.settings.idleHint')}>
        <Input name="idle_minutes" type="number" min={1} max={10080} defaultValue={current.idle_minutes} />
      </FormField>
      <div className="flex items-center gap-2">
        <input id={notifyId} name="notify_email" type="checkbox" className="h-4 w-4" defaultChecked={current.notify_email} />
        <Label htmlFor={notifyId}>{t('inbox.settings.notifyEmail')}</Label>
      </div>
      <FormField label={t('inbox.settings.telegram')} error={errors['telegram_chat_id']} hint={t('inbox.settings.telegramHint')}>
        <Input name="telegram_chat_id" inputMode="numeric" defaultValue={current.telegram_chat_id ?? ''} />
      </FormField>
      <FormField label={t('inbox.settings.keywords')} error={errors['handoff_keywords']} hint={t('inbox.settings.keywordsHint')}>
        <Textarea name="handoff_keywords" rows={4} defaultValue={current.handoff_keywords.join('\n')} />
      </FormField>
      <FormSaveRow save={save} savedLabel={t('inbox.settings.saved')} saveLabel={t('inbox.settings.save')} />
    </form>
  );
}
