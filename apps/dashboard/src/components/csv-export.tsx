/**
 * "Export CSV" of a list page (conversations, customers): the button in the page header downloads
 * the list with the filters in effect, through the session, as a UTF-8 file that Excel opens in
 * Vietnamese; the page then says which file was saved or why the export failed.
 */
import { useMutation, type UseMutationResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Download } from 'lucide-react';
import { useApi } from '../api/api-context';
import { filterQuery, saveDownload } from '../lib/download';
import { ApiErrorAlert } from './api-error-alert';
import { Alert } from './ui/alert';
import { Button } from './ui/button';

/** A running or finished export; its data is the saved file's name. */
export type CsvExport = UseMutationResult<string, Error, void>;

/**
 * The export of `path` with `filters` (empty ones left out); `fallbackName` when the server names
 * no file.
 *
 * @example const exportCsv = useCsvExport('/v1/tenant/contacts/export.csv', filters, 'khach-hang.csv');
 */
export function useCsvExport(path: string, filters: object, fallbackName: string): CsvExport {
  const { client } = useApi();
  return useMutation({ mutationFn: async () => saveDownload(await client.fetchRaw(`${path}${filterQuery(filters)}`), fallbackName) });
}

/** The header button that starts the export (disabled while it runs). */
export function CsvExportButton({ csv, label }: { csv: CsvExport; label: string }) {
  return (
    <Button variant="outline" onClick={() => csv.mutate()} disabled={csv.isPending}>
      <Download className="h-4 w-4" aria-hidden="true" />
      {label}
    </Button>
  );
}

/** Why the export failed, or the name of the file it saved. */
export function CsvExportResult({ csv }: { csv: CsvExport }) {
  const { t } = useTranslation();
  return (
    <>
      <ApiErrorAlert error={csv.error} />
      {csv.data ? <Alert variant="success">{t('common.downloaded', { name: csv.data })}</Alert> : null}
    </>
  );
}
