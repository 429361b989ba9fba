import { extractionErrors, withTimeout } from './errors';
import type { ExtractionLimits } from './types';

/**
 * Text and page count of a PDF, with page and time limits; encrypted/corrupt PDFs → typed errors.
 * `pdf-parse` (and pdf.js under it, tens of MiB) is imported here, on the first PDF — normally
 * inside the extraction worker — never when the package is loaded.
 */
export async function extractPdf(
  bytes: Uint8Array,
  name: string,
  limits: ExtractionLimits,
): Promise<{ text: string; pages: number; warnings: string[] }> {
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (!header.includes('%PDF-')) throw extractionErrors.corrupt(name);
  const { PDFParse } = await import('pdf-parse');
  // pdf.js may transfer (detach) the buffer it is given: hand it a copy.
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: 0 });
  try {
    const result = await withTimeout(
      parser.getText({ first: limits.maxPdfPages }),
      limits.timeoutMs,
      name,
      () => void parser.destroy().catch(() => undefined),
    );
    const warnings: string[] = [];
    if (result.total > limits.maxPdfPages) {
      warnings.push(
        `Chỉ đọc ${limits.maxPdfPages}/${result.total} trang đầu — only the first ${limits.maxPdfPages} of ${result.total} pages were read`,
      );
    }
    // pdf-parse separates pages with "-- n of m --" markers; they are noise for retrieval.
    const text = result.pages.map((page) => page.text).join('\n\n');
    return { text, pages: Math.min(result.total, limits.maxPdfPages), warnings };
  } catch (error) {
    const kind = error instanceof Error ? error.name : '';
    if (kind === 'PasswordException') throw extractionErrors.encrypted(name);
    if (error instanceof Error && 'code' in error && (error as { code?: string }).code === 'extraction_timeout') throw error;
    if (error !== null && typeof error === 'object' && 'messageVi' in error) throw error;
    throw extractionErrors.corrupt(name, error);
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}
