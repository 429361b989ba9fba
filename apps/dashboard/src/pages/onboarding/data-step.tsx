/**
 * Wizard step 2: give the bot something to know. Upload files (price lists, FAQ, policies; a
 * progress bar per file, then the ingestion status) or apply an industry template (shop, spa,
 * restaurant, education) that fills the persona, sample FAQ, products or services and suggested
 * questions in one go.
 */
import { useState, type ChangeEvent, type DragEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { unwrap } from '../../api/api-error';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ProgressBar } from '../../components/progress-bar';
import { Alert } from '../../components/ui/alert';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { uploadFile } from '../../lib/upload';
import { onboardingKeys, type TemplateApplied } from './api-types';

interface FileProgress {
  name: string;
  percent: number;
  state: 'uploading' | 'done' | 'failed';
  error?: string;
}

/** Accepted document types (what the knowledge ingestion reads). */
export const ACCEPTED_FILES = '.pdf,.docx,.csv,.xlsx,.txt,.md';

function Uploads() {
  const { t, i18n } = useTranslation();
  const { client, session } = useApi();
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<FileProgress[]>([]);
  const [dragging, setDragging] = useState(false);
  const patch = (index: number, change: Partial<FileProgress>) => setFiles((all) => all.map((f, i) => (i === index ? { ...f, ...change } : f)));
  const upload = async (list: readonly File[]) => {
    const start = files.length;
    setFiles((all) => [...all, ...list.map((f) => ({ name: f.name, percent: 0, state: 'uploading' as const }))]);
    await Promise.all(
      list.map(async (file, i) => {
        const result = await uploadFile({ client, session, path: '/v1/tenant/documents', file, onProgress: (percent) => patch(start + i, { percent }) });
        if (result.ok) patch(start + i, { percent: 100, state: 'done' });
        else patch(start + i, { state: 'failed', error: i18n.language.startsWith('vi') ? result.error.messageVi : result.error.message });
      }),
    );
    void queryClient.invalidateQueries({ queryKey: onboardingKeys.state });
  };
  const pick = (event: ChangeEvent<HTMLInputElement>) => {
    const list = [...(event.target.files ?? [])];
    event.target.value = '';
    if (list.length) void upload(list);
  };
  const drop = (event: DragEvent<HTMLLabelElement>) => {
    event.preventDefault();
    setDragging(false);
    const list = [...event.dataTransfer.files];
    if (list.length) void upload(list);
  };
  return (
    <div className="grid gap-3">
      <label
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        className={`grid cursor-pointer place-items-center gap-1 rounded-md border-2 border-dashed p-6 text-center text-sm focus-within:ring-2 focus-within:ring-ring ${dragging ? 'border-primary bg-muted' : ''}`}
      >
        <span className="font-medium">{t('onboarding.dropFiles')}</span>
        <span className="text-muted-foreground">{t('onboarding.fileTypes')}</span>
        <input type="file" multiple accept={ACCEPTED_FILES} onChange={pick} className="sr-only" aria-label={t('onboarding.chooseFiles')} />
      </label>
      {files.length > 0 ? (
        <ul className="grid gap-2" aria-label={t('onboarding.uploads')}>
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`} className="grid gap-1 text-sm">
              <div className="flex justify-between gap-2">
                <span className="truncate">{f.name}</span>
                <span className={f.state === 'failed' ? 'text-destructive' : 'text-muted-foreground'}>
                  {f.state === 'failed' ? f.error : f.state === 'done' ? t('onboarding.uploaded') : `${f.percent}%`}
                </span>
              </div>
              <ProgressBar
                value={f.state === 'failed' ? 100 : f.percent}
                tone={f.state === 'failed' ? 'error' : f.state === 'done' ? 'success' : 'default'}
                label={t('onboarding.uploadProgress', { name: f.name })}
                valueText={`${f.percent}%`}
              />
            </li>
          ))}
        </ul>
      ) : null}
      {files.some((f) => f.state === 'done') ? <p className="text-sm text-muted-foreground">{t('onboarding.ingesting')}</p> : null}
    </div>
  );
}

function Templates({ onApplied }: { onApplied: (result: TemplateApplied) => void }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const templates = useQuery({ queryKey: onboardingKeys.templates, queryFn: () => unwrap(client.api.GET('/v1/templates')), staleTime: Infinity });
  const [picked, setPicked] = useState<string | null>(null);
  const apply = useMutation({
    mutationFn: (id: string) => unwrap(client.api.POST('/v1/tenant/templates/{id}/apply', { params: { path: { id } } })),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: onboardingKeys.state });
      void queryClient.invalidateQueries({ queryKey: ['tenant'], exact: true });
      onApplied(result);
    },
  });
  const english = !i18n.language.startsWith('vi');
  return (
    <div className="grid gap-3">
      <ApiErrorAlert error={templates.error ?? apply.error} />
      {templates.isPending ? <p role="status">{t('common.loading')}</p> : null}
      <fieldset className="grid gap-2 sm:grid-cols-2">
        <legend className="sr-only">{t('onboarding.pickTemplate')}</legend>
        {(templates.data?.items ?? []).map((tpl) => (
          <label key={tpl.id} className="flex cursor-pointer gap-3 rounded-md border p-3 text-sm has-[:checked]:border-primary has-[:checked]:bg-muted">
            <input type="radio" name="template" value={tpl.id} checked={picked === tpl.id} onChange={() => setPicked(tpl.id)} className="mt-1 accent-primary" />
            <span className="grid gap-1">
              <span className="font-medium">{english ? tpl.name_en : tpl.name}</span>
              <span className="text-muted-foreground">{english ? tpl.description_en : tpl.description}</span>
              <span className="text-xs text-muted-foreground">{t('onboarding.templateCounts', { faq: tpl.faq.length, products: tpl.products.length })}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div>
        <Button type="button" disabled={!picked || apply.isPending} onClick={() => picked && apply.mutate(picked)}>
          {apply.isPending ? t('onboarding.applying') : t('onboarding.applyTemplate')}
        </Button>
      </div>
      {apply.data ? (
        <Alert variant="success">
          {t('onboarding.templateApplied', { faq: apply.data.faq_added, skipped: apply.data.faq_skipped, products: apply.data.products })}
        </Alert>
      ) : null}
    </div>
  );
}

/** Step 2 of the wizard. */
export function DataStep({ onApplied }: { onApplied: (result: TemplateApplied) => void }) {
  const { t } = useTranslation();
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>{t('onboarding.uploadTitle')}</CardTitle>
          <CardDescription>{t('onboarding.uploadDescription')}</CardDescription>
        </CardHeader>
        <CardContent>
          <Uploads />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t('onboarding.templateTitle')}</CardTitle>
          <CardDescription>{t('onboarding.templateDescription')}</CardDescription>
        </CardHeader>
        <CardContent>
          <Templates onApplied={onApplied} />
        </CardContent>
      </Card>
    </div>
  );
}
