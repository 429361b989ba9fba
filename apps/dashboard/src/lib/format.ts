/** Dates in the reader's language (Vietnamese: dd/mm/yyyy, 24-hour clock). */

/** Formats an ISO timestamp for `language`; `—` for null. */
export function formatDateTime(iso: string | null, language: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language.startsWith('vi') ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' }).format(date);
}
