/**
 * Saves an authenticated download (CSV exports) as a file: the response becomes a blob and a
 * temporary link with the server's file name is clicked.
 */
import { toApiError } from '../api/api-error';

/**
 * Query string of a list's filters for its export URL (empty ones left out): `?q=…&channel=…`, or
 * `''` when no filter is set.
 */
export function filterQuery(filters: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (typeof value === 'string' && value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The file name in a `Content-Disposition` header (`filename*` preferred), or `fallback`. */
export function dispositionFilename(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // fall through to the plain name
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? fallback;
}

/**
 * Saves `response` as a file; a failed response throws the API's bilingual error instead.
 *
 * @example await saveDownload(await client.fetchRaw('/v1/tenant/contacts/export.csv'), 'khach-hang.csv');
 */
export async function saveDownload(response: Response, fallbackName: string): Promise<string> {
  if (!response.ok) {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    throw toApiError(response.status, body);
  }
  const name = dispositionFilename(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.rel = 'noopener';
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  return name;
}
