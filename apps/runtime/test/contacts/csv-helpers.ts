/**
 * Reading a CSV download the way a spreadsheet would: raw bytes (to see the BOM that
 * `Response.text()` strips), then RFC 4180 parsing (quotes, doubled quotes, CRLF inside cells).
 */
import { expect } from 'vitest';
import type { TestApp } from '../http/harness';

/** A downloaded CSV. */
export interface CsvDownload {
  status: number;
  contentType: string | null;
  disposition: string | null;
  bytes: Uint8Array;
  rows: string[][];
}

/** Parses RFC 4180 CSV text (no BOM) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** GETs a CSV export with `token` and parses it (asserting the UTF-8 BOM is there on a 200). */
export async function downloadCsv(app: Pick<TestApp, 'baseUrl'>, path: string, token: string): Promise<CsvDownload> {
  const res = await fetch(`${app.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const out = {
    status: res.status,
    contentType: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    bytes,
    rows: [] as string[][],
  };
  if (res.status === 200) {
    expect([...bytes.slice(0, 3)], 'UTF-8 byte-order mark').toEqual([0xef, 0xbb, 0xbf]);
    out.rows = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3)));
  }
  return out;
}
