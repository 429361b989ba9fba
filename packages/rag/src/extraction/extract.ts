import { extractionErrors } from './errors';
import { parseCsv } from './csv';
import { decodeText } from './decode-text';
import { extractBinary, isOle } from './extract-binary';
import { extractInWorker } from './worker-pool';
import { readLimited } from './read-limited';
import type { DocumentFormat, ExtractedDocument, ExtractionLimits } from './types';

const EXTENSIONS: Readonly<Record<string, DocumentFormat>> = {
  txt: 'txt', text: 'txt', md: 'md', markdown: 'md', pdf: 'pdf', docx: 'docx', xlsx: 'xlsx', csv: 'csv', tsv: 'csv',
};

/** The format of a file from its name, falling back to its first bytes. */
export function detectFormat(name: string, bytes: Uint8Array): DocumentFormat | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension && EXTENSIONS[extension]) return EXTENSIONS[extension];
  if (bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46) return 'pdf';
  return extension === undefined ? 'txt' : undefined;
}


/** Options of {@link extractDocument}. */
export interface ExtractOptions {
  /**
   * Parse .pdf/.docx/.xlsx in a worker thread (default true): the event loop keeps serving while
   * a large file is parsed, and the time limit terminates the thread. `false` parses in-process
   * (the time limit then cannot interrupt synchronous zip/XML work).
   */
  readonly worker?: boolean;
}

/**
 * Extracts text (or rows, for CSV/XLSX) from one file within the safety limits. Failures are
 * typed, bilingual errors: 413 for oversize, 422 with codes `empty_file`, `corrupt_file`,
 * `encrypted_file`, `decompression_limit`, `too_many_pages`, `extraction_timeout`,
 * `unsupported_format`, `legacy_encoding`.
 */
export async function extractDocument(
  input: { readonly name: string; readonly content: Uint8Array | string | AsyncIterable<Uint8Array>; readonly format?: DocumentFormat },
  limits: ExtractionLimits,
  options: ExtractOptions = {},
): Promise<ExtractedDocument> {
  const { name } = input;
  if (typeof input.content === 'string') {
    if (Buffer.byteLength(input.content, 'utf8') > limits.maxFileBytes) throw extractionErrors.tooLarge(name, limits.maxFileBytes);
    const format = input.format ?? detectFormat(name, new Uint8Array()) ?? 'txt';
    return fromText(input.content, format === 'csv' ? 'csv' : format === 'md' ? 'md' : 'txt', 'utf-8', limits, name);
  }
  const bytes = await readLimited(input.content, limits.maxFileBytes, name);
  if (bytes.length === 0) throw extractionErrors.empty(name);
  const format = input.format ?? detectFormat(name, bytes);
  if (!format) throw extractionErrors.unsupported(name);
  switch (format) {
    case 'pdf':
    case 'docx':
    case 'xlsx':
      // Cheap checks first: no thread for a file that cannot be a document.
      if (format !== 'pdf' && isOle(bytes)) throw extractionErrors.encrypted(name);
      if (format !== 'pdf' && !(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw extractionErrors.corrupt(name);
      // Parsing these is CPU-bound (inflate, XML, pdf.js): off the main thread by default, where
      // the time limit can really stop a runaway parse.
      return options.worker === false ? extractBinary(bytes, name, format, limits) : extractInWorker(bytes, name, format, limits);
    default: {
      if (isOle(bytes) || (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03)) throw extractionErrors.unsupported(name);
      const decoded = decodeText(bytes, name);
      return fromText(decoded.text, format, decoded.encoding, limits, name);
    }
  }
}

function fromText(text: string, format: 'txt' | 'md' | 'csv', encoding: string, limits: ExtractionLimits, name: string): ExtractedDocument {
  const clean = text.normalize('NFC');
  if (clean.trim() === '') throw extractionErrors.empty(name);
  if (clean.includes('\u0000')) throw extractionErrors.unsupported(name);
  if (format === 'csv') {
    const rows = parseCsv(clean, limits.maxRows);
    if (rows.length === 0) throw extractionErrors.empty(name);
    return { format, text: rows.map((row) => row.join('\t')).join('\n'), rows, encoding, warnings: [] };
  }
  return { format, text: clean, encoding, warnings: [] };
}
