/**
 * CSV downloads that Excel opens correctly in Vietnamese: UTF-8 with a byte-order mark, CRLF line
 * ends, RFC 4180 quoting, and formula injection guarded (a cell starting with `=`, `+`, `-`, `@`,
 * a tab or a carriage return gets a leading `'`, so a spreadsheet shows it as text instead of
 * running it). Rows are streamed batch by batch with back-pressure, so an export of many
 * thousands of rows never sits in memory at once.
 */
import { once } from 'node:events';
import type { Response } from 'express';

/** The UTF-8 byte-order mark Excel needs to read a CSV as UTF-8. */
export const CSV_BOM = '\uFEFF';

/** One cell value: null and undefined become empty cells; dates become ISO 8601. */
export type CsvValue = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: formula-like text prefixed with `'`, quoted when it holds a comma, a quote, a line
 * break or edge spaces.
 *
 * @example csvCell('=SUM(A1)') // "'=SUM(A1)"
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  // Numbers are written by us, not typed by a customer: a negative amount stays a number.
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (CRLF-terminated). */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** What {@link streamCsv} writes. */
export interface CsvDownload {
  /** File name offered to the browser (ASCII fallback plus the UTF-8 `filename*`). */
  readonly filename: string;
  readonly header: readonly string[];
  /** Batches of rows, read one after the other; stops early if the client goes away. */
  readonly batches: AsyncIterable<ReadonlyArray<readonly CsvValue[]>>;
  /** Told about a failure after the headers went out (the connection is then cut). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Streams a CSV download. The first batch is read before any header is sent, so a failure there
 * still becomes a normal JSON error; a later failure ends the connection (the file is then
 * visibly incomplete rather than silently truncated with a 200 trailer).
 */
export async function streamCsv(res: Response, download: CsvDownload): Promise<void> {
  const iterator = download.batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  let open = true;
  res.on('close', () => {
    open = false;
  });
  const ascii = download.filename.replace(/[^A-Za-z0-9._-]/g, '_');
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(download.filename)}`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const write = async (chunk: string): Promise<void> => {
    if (open && !res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  };
  await write(CSV_BOM + csvRow(download.header));
  try {
    for (let step = first; !step.done && open; step = await iterator.next()) {
      if (step.value.length) await write(step.value.map(csvRow).join(''));
    }
  } catch (error) {
    download.onError?.(error);
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    return;
  } finally {
    if (!open) await iterator.return?.();
  }
  res.end();
}
