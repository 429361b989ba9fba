/**
 * `/app/knowledge`: what the bot knows. Documents are dropped on the page (or picked with a
 * keyboard-accessible file input), each with its own progress bar — upload progress from
 * XMLHttpRequest, then the ingestion stage and percent streamed by the runtime — its status and
 * its error in the reader's language; documents can be re-indexed and deleted. Below: the FAQ
 * editor (create, edit, delete, import CSV/XLSX) and the products table (search, edit, delete,
 * import). Changing knowledge is for tenant-admins; agents see it read-only.
 */
import { useCallback, useEffect, useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FileUp, RefreshCw, Trash2, Upload } from 'lucide-react';
import { useApi, useSession } from '../api/api-context';
import { toApiError, unwrap } from '../api/api-error';
import { contentKeys, formatNumber, formatVnd, type FaqEntry, type KnowledgeDocument, type Product, type UploadAnswer } from '../api/content-types';
import { ApiErrorAlert } from '../components/api-error-alert';
import { ConfirmButton } from '../components/confirm-button';
import { DialogFormFooter } from '../components/dialog-form-footer';
import { FormField } from '../components/form-field';
import { PageHeader } from '../components/page-header';
import { ProgressBar } from '../components/progress-bar';
import { Alert, Badge } from '../components/ui/alert';
import { Button } from '../components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '../components/ui/card';
import { Dialog, DialogContent, DialogHeader, DialogTitle } from '../components/ui/dialog';
import { Input, Textarea } from '../components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table';
import { formatDateTime } from '../lib/format';
import { parseTags } from '../lib/forms';
import { readSse } from '../lib/sse';
import { uploadFile } from '../lib/upload';
import { cn } from '../lib/utils';

/** File types the runtime ingests. */
export const ACCEPTED_FILES = '.txt,.md,.pdf,.docx,.csv,.xlsx';
const SHEETS = '.csv,.xlsx';
/** Uploads running at once (each file has its own request, hence its own progress). */
const PARALLEL_UPLOADS = 2;

type BilingualError = { message: string; message_vi: string };
const bilingual = (error: BilingualError | null | undefined, language: string) =>
  error ? (language.startsWith('vi') ? error.message_vi : error.message) : '';

/** One file of this visit's uploads. */
interface UploadRow {
  key: string;
  name: string;
  size: number;
  phase: 'queued' | 'uploading' | 'accepted' | 'refused';
  uploadPercent: number;
  documentId?: string;
  error?: BilingualError;
}

interface ProgressEvent {
  documentId: string;
  name: string;
  status: KnowledgeDocument['status'];
  stage: string;
  percent: number;
  chunkCount?: number;
  error?: { code: string; message: string; message_vi: string };
}

/** Keeps the documents list live from the runtime's progress stream (reconnects after a drop). */
function useKnowledgeEvents(onProgress: (event: ProgressEvent) => void, onDeleted: (id: string) => void) {
  const { client } = useApi();
  const handlers = useRef({ onProgress, onDeleted });
  handlers.current = { onProgress, onDeleted };
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async (): Promise<void> => {
      try {
        const response = await client.fetchRaw('/v1/tenant/documents/events', { headers: { Accept: 'text/event-stream' }, signal: abort.signal });
        if (!response.ok) return; // not allowed or not available: the list still polls while work is pending
        await readSse(
          response,
          ({ event, data }) => {
            const parsed = JSON.parse(data) as Record<string, unknown>;
            if (event === 'document.progress') handlers.current.onProgress(parsed as unknown as ProgressEvent);
            else if (event === 'document.deleted' && typeof parsed['documentId'] === 'string') handlers.current.onDeleted(parsed['documentId']);
          },
          abort.signal,
        );
      } catch {
        // network drop: retry below
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void connect(), 5000);
    };
    void connect();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [client]);
}

function statusVariant(status: KnowledgeDocument['status']): 'default' | 'secondary' | 'destructive' | 'outline' {
  return status === 'ready' ? 'default' : status === 'failed' ? 'destructive' : status === 'deleting' ? 'outline' : 'secondary';
}

/** The documents part: drop zone, this visit's uploads and every document. */
function DocumentsSection({ canEdit }: { canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const { client, session } = useApi();
  const queryClient = useQueryClient();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [rows, setRows] = useState<UploadRow[]>([]);
  const [dragging, setDragging] = useState(false);
  const docs = useQuery({
    queryKey: contentKeys.documents,
    queryFn: () => unwrap(client.api.GET('/v1/tenant/documents', { params: { query: { limit: 200 } } })),
    // A safety net when the event stream is unavailable: poll while something is being processed.
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.status === 'pending' || d.status === 'processing') ? 5000 : false),
  });
  const patchDoc = useCallback(
    (id: string, change: (doc: KnowledgeDocument | undefined) => KnowledgeDocument | null) =>
      queryClient.setQueryData<{ items: KnowledgeDocument[]; total: number }>(contentKeys.documents, (old) => {
        if (!old) return old;
        const current = old.items.find((d) => d.id === id);
        const next = change(current);
        if (next === null) return { items: old.items.filter((d) => d.id !== id), total: Math.max(0, old.total - (current ? 1 : 0)) };
        return current ? { ...old, items: old.items.map((d) => (d.id === id ? next : d)) } : { items: [next, ...old.items], total: old.total + 1 };
      }),
    [queryClient],
  );
  useKnowledgeEvents(
    (event) =>
      patchDoc(event.documentId, (doc) =>
        doc
          ? {
              ...doc,
              status: event.status,
              stage: event.stage,
              percent: event.percent,
              error: event.error ?? (event.status === 'failed' ? doc.error : null),
              chunk_count: event.chunkCount ?? doc.chunk_count,
            }
          : (void queryClient.invalidateQueries({ queryKey: contentKeys.documents }), null),
      ),
    (id) => patchDoc(id, () => null),
  );

  const update = (key: string, change: Partial<UploadRow>) => setRows((all) => all.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const uploadOne = async (row: UploadRow, file: File) => {
    update(row.key, { phase: 'uploading' });
    const result = await uploadFile({ client, session, path: '/v1/tenant/documents', file, onProgress: (uploadPercent) => update(row.key, { uploadPercent }) });
    if (!result.ok) {
      // One file: the runtime answers the file's own error (413 too large, 415 type, 422 unreadable).
      update(row.key, { phase: 'refused', uploadPercent: 100, error: { message: result.error.message, message_vi: result.error.messageVi } });
      return;
    }
    const item = (result.body as UploadAnswer).items[0];
    if (item?.document) {
      const doc = item.document;
      update(row.key, { phase: 'accepted', uploadPercent: 100, documentId: doc.id });
      patchDoc(doc.id, (existing) => existing ?? doc);
    } else {
      update(row.key, { phase: 'refused', uploadPercent: 100, ...(item?.error ? { error: item.error } : {}) });
    }
  };

  const addFiles = (list: FileList | File[]) => {
    const files = [...list];
    if (!files.length || !canEdit) return;
    const added = files.map((file, index) => ({
      file,
      row: { key: `${Date.now()}-${index}-${file.name}`, name: file.name, size: file.size, phase: 'queued' as const, uploadPercent: 0 },
    }));
    setRows((all) => [...added.map((a) => a.row), ...all]);
    // A small pool: every file keeps its own request and progress, without flooding the server.
    const queue = [...added];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await uploadOne(next.row, next.file);
    };
    void Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, worker));
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer.files);
  };

  const reindex = useMutation({
    mutationFn: (id: string) => unwrap(client.api.POST('/v1/tenant/documents/{id}/reindex', { params: { path: { id } } })),
    onSuccess: (doc) => patchDoc(doc.id, () => doc),
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(client.api.DELETE('/v1/tenant/documents/{id}', { params: { path: { id } } })),
    onSuccess: (_, id) => patchDoc(id, () => null),
  });
  const byId = new Map((docs.data?.items ?? []).map((d) => [d.id, d]));

  const rowProgress = (row: UploadRow) => {
    if (row.phase === 'queued') return { value: 0, text: t('knowledge.upload.queued'), tone: 'default' as const };
    if (row.phase === 'uploading') return { value: row.uploadPercent, text: t('knowledge.upload.uploading', { percent: row.uploadPercent }), tone: 'default' as const };
    if (row.phase === 'refused') return { value: 100, text: bilingual(row.error, i18n.language) || t('knowledge.upload.refused'), tone: 'error' as const };
    const doc = row.documentId ? byId.get(row.documentId) : undefined;
    if (!doc) return { value: 100, text: t('knowledge.upload.uploaded'), tone: 'default' as const };
    if (doc.status === 'ready') return { value: 100, text: t('knowledge.upload.ready', { count: doc.chunk_count }), tone: 'success' as const };
    if (doc.status === 'failed') return { value: 100, text: bilingual(doc.error, i18n.language) || t('knowledge.status.failed'), tone: 'error' as const };
    return { value: doc.percent, text: t('knowledge.upload.processing', { stage: t(`knowledge.stages.${doc.stage ?? 'queued'}`, { defaultValue: doc.stage ?? '' }), percent: doc.percent }), tone: 'default' as const };
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('knowledge.documents.title')}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4">
        {canEdit ? (
          <div
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            data-testid="dropzone"
            className={cn('grid place-items-center gap-3 rounded-lg border-2 border-dashed p-6 text-center', dragging ? 'border-primary bg-primary/5' : 'border-input')}
          >
            <Upload className="h-8 w-8 text-muted-foreground" aria-hidden="true" />
            <p className="text-sm">{t('knowledge.upload.drop')}</p>
            <p className="text-xs text-muted-foreground">{t('knowledge.upload.formats')}</p>
            <label htmlFor={inputId} className="sr-only">
              {t('knowledge.upload.chooseLabel')}
            </label>
            <input
              id={inputId}
              ref={inputRef}
              type="file"
              multiple
              accept={ACCEPTED_FILES}
              // The visible button below opens it; one tab stop, not an invisible second one.
              tabIndex={-1}
              className="sr-only"
              onChange={(event) => {
                if (event.currentTarget.files) addFiles(event.currentTarget.files);
                event.currentTarget.value = '';
              }}
            />
            <Button type="button" variant="outline" onClick={() => inputRef.current?.click()}>
              <FileUp className="h-4 w-4" aria-hidden="true" />
              {t('knowledge.upload.choose')}
            </Button>
          </div>
        ) : (
          <Alert>{t('knowledge.readOnly')}</Alert>
        )}
        {rows.length > 0 ? (
          <ul aria-label={t('knowledge.upload.listLabel')} className="grid gap-3">
            {rows.map((row) => {
              const progress = rowProgress(row);
              return (
                <li key={row.key} className="grid gap-1">
                  <div className="flex flex-wrap justify-between gap-2 text-sm">
                    <span className="min-w-0 truncate font-medium">{row.name}</span>
                    <span className={cn('text-xs', progress.tone === 'error' ? 'text-destructive' : 'text-muted-foreground')}>{progress.text}</span>
                  </div>
                  <ProgressBar value={progress.value} label={t('knowledge.upload.progressLabel', { name: row.name })} valueText={progress.text} tone={progress.tone} />
                </li>
              );
            })}
          </ul>
        ) : null}
        <ApiErrorAlert error={docs.error ?? reindex.error ?? remove.error} />
        {docs.data && docs.data.items.length === 0 ? <Alert>{t('knowledge.documents.empty')}</Alert> : null}
        {docs.data && docs.data.items.length > 0 ? (
          <div className="overflow-x-auto">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t('knowledge.documents.name')}</TableHead>
                  <TableHead>{t('knowledge.documents.status')}</TableHead>
                  <TableHead>{t('knowledge.documents.chunks')}</TableHead>
                  <TableHead>{t('knowledge.documents.updated')}</TableHead>
                  {canEdit ? <TableHead>{t('common.actions')}</TableHead> : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {docs.data.items.map((doc) => (
                  <TableRow key={doc.id}>
                    <TableCell className="max-w-64">
                      <span className="break-words font-medium">{doc.name}</span>
                      {doc.error ? <p className={cn('text-xs', doc.status === 'failed' ? 'text-destructive' : 'text-amber-700')}>{bilingual(doc.error, i18n.language)}</p> : null}
                    </TableCell>
                    <TableCell className="min-w-40">
                      <Badge variant={statusVariant(doc.status)}>{t(`knowledge.status.${doc.status}`)}</Badge>
                      {doc.status === 'pending' || doc.status === 'processing' ? (
                        <ProgressBar
                          className="mt-2"
                          value={doc.percent}
                          label={t('knowledge.documents.progressLabel', { name: doc.name })}
                          valueText={t('knowledge.upload.processing', { stage: t(`knowledge.stages.${doc.stage ?? 'queued'}`, { defaultValue: doc.stage ?? '' }), percent: doc.percent })}
                        />
                      ) : null}
                    </TableCell>
                    <TableCell>{formatNumber(doc.chunk_count, i18n.language)}</TableCell>
                    <TableCell>{formatDateTime(doc.updated_at, i18n.language)}</TableCell>
                    {canEdit ? (
                      <TableCell>
                        <div className="flex flex-wrap gap-2">
                          <Button
                            variant="outline"
                            size="sm"
                            disabled={reindex.isPending || doc.status === 'deleting'}
                            onClick={() => reindex.mutate(doc.id)}
                            aria-label={t('knowledge.documents.reindexNamed', { name: doc.name })}
                          >
                            <RefreshCw className="h-4 w-4" aria-hidden="true" />
                            {t('knowledge.documents.reindex')}
                          </Button>
                          <ConfirmButton
                            title={t('knowledge.documents.deleteTitle')}
                            description={t('knowledge.documents.deleteConfirm', { name: doc.name })}
                            confirmLabel={t('common.delete')}
                            disabled={remove.isPending}
                            onConfirm={() => remove.mutate(doc.id)}
                          >
                            <Trash2 className="h-4 w-4" aria-hidden="true" />
                            {t('common.delete')}
                          </ConfirmButton>
                        </div>
                      </TableCell>
                    ) : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** A file input that sends one CSV/XLSX to an import route and reports how many rows came in. */
function ImportButton({ path, label, onDone }: { path: '/v1/tenant/faq/import' | '/v1/tenant/products/import'; label: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  const run = useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      const response = await client.fetchRaw(path, { method: 'POST', body: form });
      const body: unknown = await response.json().catch(() => undefined);
      if (!response.ok) throw toApiError(response.status, body);
      return body as { imported: number };
    },
    onSuccess: onDone,
  });
  return (
    <div className="grid gap-2">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        ref={ref}
        type="file"
        accept={SHEETS}
        tabIndex={-1}
        className="sr-only"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          if (file) run.mutate(file);
          event.currentTarget.value = '';
        }}
      />
      <Button type="button" variant="outline" onClick={() => ref.current?.click()} disabled={run.isPending}>
        <FileUp className="h-4 w-4" aria-hidden="true" />
        {label}
      </Button>
      {run.data ? <Alert variant="success">{t('knowledge.imported', { count: run.data.imported })}</Alert> : null}
      <ApiErrorAlert error={run.error} />
    </div>
  );
}

/** The FAQ editor. */
function FaqSection({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<FaqEntry | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const faq = useQuery({ queryKey: contentKeys.faq, queryFn: () => unwrap(client.api.GET('/v1/tenant/faq', { params: { query: { limit: 200 } } })) });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: contentKeys.faq });
  const save = useMutation({
    mutationFn: (input: { id?: string; question: string; answer: string; tags: string[] }) =>
      input.id
        ? unwrap(client.api.PATCH('/v1/tenant/faq/{id}', { params: { path: { id: input.id } }, body: { question: input.question, answer: input.answer, tags: input.tags } }))
        : unwrap(client.api.POST('/v1/tenant/faq', { body: { question: input.question, answer: input.answer, tags: input.tags } })),
    onSuccess: () => {
      setEditing(null);
      void invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(client.api.DELETE('/v1/tenant/faq/{id}', { params: { path: { id } } })),
    onSettled: invalidate,
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const question = String(data.get('question') ?? '').trim();
    const answer = String(data.get('answer') ?? '').trim();
    if (!question || !answer) {
      setError('validation.faqRequired');
      return;
    }
    setError(null);
    const tags = parseTags(String(data.get('tags') ?? ''));
    save.mutate({ ...(editing && editing !== 'new' ? { id: editing.id } : {}), question, answer, tags });
  };
  const current = editing && editing !== 'new' ? editing : null;
  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-3">
        <CardTitle>{t('knowledge.faq.title')}</CardTitle>
        {canEdit ? (
          <div className="flex flex-wrap items-start gap-2">
            <Button
              onClick={() => {
                save.reset();
                setError(null);
                setEditing('new');
              }}
            >
              {t('knowledge.faq.add')}
            </Button>
            <ImportButton path="/v1/tenant/faq/import" label={t('knowledge.faq.import')} onDone={() => void invalidate()} />
          </div>
        ) : null}
      </CardHeader>
      <CardContent className="grid gap-3">
        {canEdit ? <p className="text-xs text-muted-foreground">{t('knowledge.faq.importHint')}</p> : null}
        <ApiErrorAlert error={faq.error ?? remove.error} />
        {faq.data && faq.data.items.length === 0 ? <Alert>{t('knowledge.faq.empty')}</Alert> : null}
        {faq.data && faq.data.items.length > 0 ? (
          <ul className="grid gap-3" aria-label={t('knowledge.faq.title')}>
            {faq.data.items.map((entry) => (
              <li key={entry.id} className="grid gap-2 rounded-md border p-3">
                <p className="font-medium">{entry.question}</p>
                <p className="whitespace-pre-wrap text-sm text-muted-foreground">{entry.answer}</p>
                {entry.tags.length ? (
                  <div className="flex flex-wrap gap-1">
                    {entry.tags.map((tag) => (
                      <Badge key={tag} variant="outline">
                        {tag}
                      </Badge>
                    ))}
                  </div>
                ) : null}
                {canEdit ? (
                  <EditDeleteActions
                    editLabel={t('knowledge.faq.edit')}
                    editAriaLabel={t('knowledge.faq.editNamed', { question: entry.question })}
                    onEdit={() => {
                      save.reset();
                      setError(null);
                      setEditing(entry);
                    }}
                    deleteTitle={t('knowledge.faq.deleteTitle')}
                    deleteDescription={t('knowledge.faq.deleteConfirm', { question: entry.question })}
                    deleting={remove.isPending}
                    onDelete={() => remove.mutate(entry.id)}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </CardContent>
      <Dialog open={editing !== null} onOpenChange={(open) => !open && setEditing(null)}>
        <DialogContent closeLabel={t('common.close')}>
          <DialogHeader>
            <DialogTitle>{current ? t('knowledge.faq.editTitle') : t('knowledge.faq.addTitle')}</DialogTitle>
          </DialogHeader>
          <form noValidate onSubmit={submit} className="grid gap-4">
            <FormField label={t('knowledge.faq.question')} error={error ?? undefined}>
              <Input name="question" defaultValue={current?.question ?? ''} maxLength={4000} />
            </FormField>
            <FormField label={t('knowledge.faq.answer')}>
              <Textarea name="answer" defaultValue={current?.answer ?? ''} rows={5} maxLength={20000} />
            </FormField>
            <FormField label={t('knowledge.faq.tags')} hint={t('knowledge.tagsHint')}>
              <Input name="tags" defaultValue={current?.tags.join(', ') ?? ''} />
            </FormField>
            <DialogFormFooter save={save} onCancel={() => setEditing(null)} />
          </form>
        </DialogContent>
      </Dialog>
    </Card>
  );
}

/** Parses a price typed in the edit form ("150000", "150.000"); null when empty, NaN when invalid. */
function parseAmount(text: string): number | null {
  const digits = text.replace(/[.\s,₫đ]/gi, '');
  if (digits === '') return null;
  return /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
}

/** The products table. */
function ProductsSection({ canEdit }: { canEdit: boolean }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Product | null>(null);
  const [error, setError] = useState<string | null>(null);
  const searchId = useId();
  const products = useQuery({
    queryKey: contentKeys.products(q),
    queryFn: () => unwrap(client.api.GET('/v1/tenant/products', { params: { query: { limit: 200, ...(q ? { q } : {}) } } })),
  });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['tenant', 'products'] });
  const save = useMutation({
    mutationFn: ({ id, body }: { id: string; body: { name: string; sku: string | null; price_vnd: number | null; stock: number | null; category: string | null } }) =>
      unwrap(client.api.PATCH('/v1/tenant/products/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      setEditing(null);
      void invalidate();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(client.api.DELETE('/v1/tenant/products/{id}', { params: { path: { id } } })),
    onSettled: invalidate,
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!editing) return;
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const price = parseAmount(text('price'));
    const stock = parseAmount(text('stock'));
    if (!text('name')) return setError('validation.productNameRequired');
    if (Number.isNaN(price) || Number.isNaN(stock)) return setError('validation.wholeNumber');
    setError(null);
    save.mutate({ id: editing.id, body: { name: text('name'), sku: text('sku') || null, price_vnd: price, stock, category: text('category') || null } });
  };
  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-3">
        <CardTitle>{t('knowledge.products.title')}</CardTitle>
        {canEdit ? <ImportButton path="/v1/tenant/products/import" label={t('knowledge.products.import')} onDone={() => void invalidate()} /> : null}
      </CardHeader>
      <CardContent className="grid gap-3">
        {canEdit ? <p className="text-xs text-muted-foreground">{t('knowledge.products.importHint')}</p> : null}
        <form
          role="search"
          className="flex gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            setQ(String(new FormData(event.currentTarget).get('q') ?? '').trim());
          }}
        >
          <label htmlFor={searchId} className="sr-only">
            {t('knowledge.products.search')}
          </label>
          <Input id={searchId} name="q" type="search" placeholder={t('knowledge.products.search')} />
          <Button type="submit" variant="secondary">
            {t('common.search')}
          </Button>
        </form>
        <ApiErrorAlert error={products.error ?? remove.error} />
        {products.data && products.data.items.length === 0 ? <Alert>{t('knowledge.products.empty')}</Alert> : null}
        {products.data && products.data.items.length > 0 ? (
          <div className="overflow-x-auto">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t('knowledge.products.name')}</TableHead>
                  <TableHead>{t('knowledge.products.sku')}</TableHead>
                  <TableHead>{t('knowledge.products.price')}</TableHead>
                  <TableHead>{t('knowledge.products.stock')}</TableHead>
                  <TableHead>{t('knowledge.products.category')}</TableHead>
                  {canEdit ? <TableHead>{t('common.actions')}</TableHead> : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {products.data.items.map((product) => (
                  <TableRow key={product.id}>
                    <TableCell className="font-medium">{product.name}</TableCell>
                    <TableCell className="font-mono text-xs">{product.sku ?? '—'}</TableCell>
                    <TableCell>{formatVnd(product.price_vnd, i18n.language)}</TableCell>
                    <TableCell>{formatNumber(product.stock, i18n.language)}</TableCell>
                    <TableCell>{product.category ?? '—'}</TableCell>
                    {canEdit ? (
                      <TableCell>
                        <EditDeleteActions
                          editLabel={t('knowledge.products.edit')}
                          editAriaLabel={t('knowledge.products.editNamed', { name: product.name })}
                          onEdit={() => {
                            save.reset();
                            setError(null);
                            setEditing(product);
                          }}
                          deleteTitle={t('knowledge.products.deleteTitle')}
                          deleteDescription={t('knowledge.products.deleteConfirm', { name: product.name })}
                          deleting={remove.isPending}
                          onDelete={() => remove.mutate(product.id)}
                        />
                      </TableCell>
                    ) : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {products.data.total > products.data.items.length ? (
              <p className="mt-2 text-xs text-muted-foreground">{t('knowledge.products.more', { shown: products.data.items.length, total: products.data.total })}</p>
            ) : null}
          </div>
        ) : null}
      </CardContent>
      <Dialog open={editing !== null} onOpenChange={(open) => !open && setEditing(null)}>
        <DialogContent closeLabel={t('common.close')}>
          <DialogHeader>
            <DialogTitle>{t('knowledge.products.editTitle')}</DialogTitle>
          </DialogHeader>
          {editing ? (
            <form noValidate onSubmit={submit} className="grid gap-4">
              <FormField label={t('knowledge.products.name')} error={error ?? undefined}>
                <Input name="name" defaultValue={editing.name} maxLength={500} />
              </FormField>
              <div className="grid gap-4 sm:grid-cols-2">
                <FormField label={t('knowledge.products.sku')}>
                  <Input name="sku" defaultValue={editing.sku ?? ''} maxLength={100} />
                </FormField>
                <FormField label={t('knowledge.products.category')}>
                  <Input name="category" defaultValue={editing.category ?? ''} maxLength={200} />
                </FormField>
                <FormField label={t('knowledge.products.priceInput')}>
                  <Input name="price" inputMode="numeric" defaultValue={editing.price_vnd === null ? '' : String(editing.price_vnd)} />
                </FormField>
                <FormField label={t('knowledge.products.stock')}>
                  <Input name="stock" inputMode="numeric" defaultValue={editing.stock === null ? '' : String(editing.stock)} />
                </FormField>
              </div>
              <DialogFormFooter save={save} onCancel={() => setEditing(null)} />
            </form>
          ) : null}
        </DialogContent>
      </Dialog>
    </Card>
  );
}

/** The knowledge page. */
export function KnowledgePage() {
  const { t } = useTranslation();
  const canEdit = useSession((s) => s.tenant?.role === 'tenant-admin');
  return (
    <>
      <PageHeader title={t('knowledge.title')} description={t('knowledge.description')} />
      <div className="grid max-w-5xl gap-6">
        <DocumentsSection canEdit={canEdit} />
        <FaqSection canEdit={canEdit} />
        <ProductsSection canEdit={canEdit} />
      </div>
    </>
  );
}

/** Edit and (confirmed) delete buttons of one FAQ entry or product row. */
function EditDeleteActions(props: {
  editLabel: string;
  editAriaLabel: string;
  onEdit: () => void;
  deleteTitle: string;
  deleteDescription: string;
  deleting: boolean;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="flex gap-2">
      <Button variant="outline" size="sm" aria-label={props.editAriaLabel} onClick={props.onEdit}>
        {props.editLabel}
      </Button>
      <ConfirmButton
        title={props.deleteTitle}
        description={props.deleteDescription}
        confirmLabel={t('common.delete')}
        disabled={props.deleting}
        onConfirm={props.onDelete}
      >
        {t('common.delete')}
      </ConfirmButton>
    </div>
  );
}
