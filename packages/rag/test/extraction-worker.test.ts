/**
 * Heavy extraction runs in a worker thread: the event loop keeps ticking during a large parse,
 * and a parse past the time limit is terminated with the bilingual `extraction_timeout` error.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXTRACTION_LIMITS, extractDocument } from '../src/index';
import { extractionWorkerFile } from '../src/extraction/worker-pool';
import { makeDocx, makeXlsx } from './helpers/fixtures';

const ROWS = 40_000;
const bigSheet = makeXlsx([
  ['Mã SP', 'Mô tả', 'Ghi chú'],
  ...Array.from({ length: ROWS }, (_, i) => [`SP-${i}`, `Sản phẩm số ${i} của cửa hàng, màu ${i % 7}`, `Còn hàng tại kho ${i % 13}`]),
]);

/** Counts setInterval ticks and the longest gap between them while `work` runs. */
async function ticksDuring<T>(work: () => Promise<T>): Promise<{ value: T; ticks: number; longestGapMs: number; durationMs: number }> {
  let ticks = 0;
  let last = performance.now();
  let longestGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    ticks += 1;
  }, 5);
  const started = performance.now();
  try {
    const value = await work();
    // The gap still open when the work ends counts too (a blocked loop never ticks at all).
    longestGapMs = Math.max(longestGapMs, performance.now() - last);
    return { value, ticks, longestGapMs, durationMs: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

describe('extraction in a worker thread', () => {
  it('finds the built worker script (the package must be built)', () => {
    expect(extractionWorkerFile()).toMatch(/extraction-worker\.js$/);
  });

  it('keeps the event loop ticking during a large .xlsx parse', { timeout: 60_000 }, async () => {
    const inWorker = await ticksDuring(() => extractDocument({ name: 'kho.xlsx', content: bigSheet }, DEFAULT_EXTRACTION_LIMITS));
    expect(inWorker.value.rows).toHaveLength(ROWS + 1);
    expect(inWorker.value.rows![ROWS]![0]).toBe(`SP-${ROWS - 1}`);
    // The same parse in-process blocks the loop for its whole duration; in the worker the loop
    // keeps running: many ticks, and no gap anywhere near the parse's length.
    const inProcess = await ticksDuring(() => extractDocument({ name: 'kho.xlsx', content: bigSheet }, DEFAULT_EXTRACTION_LIMITS, { worker: false }));
    expect(inProcess.value.rows).toHaveLength(ROWS + 1);
    expect(inProcess.longestGapMs).toBeGreaterThan(inProcess.durationMs / 2);
    expect(inWorker.ticks).toBeGreaterThanOrEqual(5);
    expect(inWorker.longestGapMs).toBeLessThan(inProcess.longestGapMs);
  });

  it('terminates a parse that passes the time limit, with a clear bilingual per-file error', { timeout: 60_000 }, async () => {
    const limits = { ...DEFAULT_EXTRACTION_LIMITS, timeoutMs: 40 };
    const started = performance.now();
    const error = await extractDocument({ name: 'kho-lon.xlsx', content: bigSheet }, limits).catch((caught: unknown) => caught);
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({
      status: 422,
      code: 'extraction_timeout',
      message: 'Reading "kho-lon.xlsx" took longer than 40 ms and was stopped',
      messageVi: 'Đọc tệp "kho-lon.xlsx" mất quá 40 mili giây nên đã bị dừng',
      details: { file: 'kho-lon.xlsx', limit_ms: 40 },
    });
    // Stopped at the limit, not when the parse would have finished (it takes far longer in-process).
    const full = await ticksDuring(() => extractDocument({ name: 'kho.xlsx', content: bigSheet }, DEFAULT_EXTRACTION_LIMITS, { worker: false }));
    expect(elapsed).toBeLessThan(full.durationMs);
    // Other files are unaffected; a small .docx still parses in its own thread.
    const docx = await extractDocument({ name: 'gioi-thieu.docx', content: makeDocx([{ text: 'Xin chào quý khách' }]) }, DEFAULT_EXTRACTION_LIMITS);
    expect(docx.text).toContain('Xin chào quý khách');
  });
});
