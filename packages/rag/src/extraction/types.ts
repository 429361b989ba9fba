/** File formats the extractor understands. */
export type DocumentFormat = 'txt' | 'md' | 'pdf' | 'docx' | 'xlsx' | 'csv';

/** Safety limits for one file. Every limit fails the file with a typed, bilingual error. */
export interface ExtractionLimits {
  /** Largest accepted file, enforced while streaming (default 20 MB). */
  readonly maxFileBytes: number;
  /** Largest total decompressed size of a .docx/.xlsx (zip bomb guard, default 100 MB). */
  readonly maxDecompressedBytes: number;
  /** Largest decompression ratio of any zip entry (default 200). */
  readonly maxCompressionRatio: number;
  /** Most PDF pages read (default 500). */
  readonly maxPdfPages: number;
  /** Most spreadsheet rows read (default 100,000). */
  readonly maxRows: number;
  /** Extraction time limit per file (default 30 s). */
  readonly timeoutMs: number;
}

/** Defaults for {@link ExtractionLimits}. */
export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxFileBytes: 20 * 1024 * 1024,
  maxDecompressedBytes: 100 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxPdfPages: 500,
  maxRows: 100_000,
  timeoutMs: 30_000,
};

/** What came out of a file: running text, or a table (CSV/XLSX) with its header row first. */
export interface ExtractedDocument {
  /** Format the text was extracted from. */
  readonly format: DocumentFormat;
  /** Plain text (for tables: one line per row). */
  readonly text: string;
  /** Rows of a CSV/XLSX (first sheet with data), header first; undefined for text formats. */
  readonly rows?: string[][];
  /** Detected text encoding (text formats), e.g. `'utf-8'`, `'utf-16le'`, `'windows-1258'`. */
  readonly encoding?: string;
  /** PDF pages read. */
  readonly pages?: number;
  /** Non-fatal notes, e.g. "only the first 500 pages were read". */
  readonly warnings: string[];
}
