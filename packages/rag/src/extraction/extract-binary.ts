import { extractionErrors, withTimeout } from './errors';
import { extractDocx } from './docx';
import { extractPdf } from './pdf';
import { SafeZip } from './safe-zip';
import type { ExtractedDocument, ExtractionLimits } from './types';
import { extractXlsxRows } from './xlsx';

/** OLE compound files: legacy .doc/.xls, and password-protected .docx/.xlsx (Office encrypts into OLE). */
export const isOle = (bytes: Uint8Array): boolean => bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;

/**
 * Parses a .pdf, .docx or .xlsx held in memory, within the limits. Runs in the extraction worker
 * (or in-process when the worker is off); synchronous zip/XML work cannot be interrupted here —
 * the worker's owner terminates the thread at the time limit.
 */
export async function extractBinary(bytes: Uint8Array, name: string, format: 'pdf' | 'docx' | 'xlsx', limits: ExtractionLimits): Promise<ExtractedDocument> {
  if (format === 'pdf') {
    const pdf = await extractPdf(bytes, name, limits);
    if (pdf.text.replace(/--\s*\d+\s*of\s*\d+\s*--/g, '').trim() === '') throw extractionErrors.empty(name);
    return { format, text: pdf.text, pages: pdf.pages, warnings: pdf.warnings };
  }
  if (isOle(bytes)) throw extractionErrors.encrypted(name);
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw extractionErrors.corrupt(name);
  return withTimeout(
    Promise.resolve().then(() => {
      const zip = new SafeZip(bytes, limits, name);
      if (format === 'docx') {
        const text = extractDocx(zip, name);
        if (text === '') throw extractionErrors.empty(name);
        return { format, text, warnings: [] };
      }
      const rows = extractXlsxRows(zip, name, limits.maxRows);
      if (rows.length === 0) throw extractionErrors.empty(name);
      return { format, text: rows.map((row) => row.join('\t')).join('\n'), rows, warnings: [] };
    }),
    limits.timeoutMs,
    name,
  );
}
