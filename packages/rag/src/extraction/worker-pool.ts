/**
 * Runs heavy extraction (.pdf, .docx, .xlsx) in a worker thread, so the API process's event loop
 * keeps serving while a large file is parsed, and so the time limit can really stop a runaway
 * parse: at `limits.timeoutMs` the thread is terminated and the file fails with the bilingual
 * `extraction_timeout` error. A thread that dies (out of memory) fails the file as corrupt.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PayloadTooLargeError, UnprocessableError } from '@agent-chatbot/core';
import { extractionErrors } from './errors';
import { extractBinary } from './extract-binary';
import type { ExtractedDocument, ExtractionLimits } from './types';

/** Heap a parse may use before its thread is stopped (a decompression bomb past the other limits). */
const WORKER_HEAP_MB = 1024;

let workerFile: string | null | undefined;

/**
 * The built worker script: next to this module when running from `dist/`, else `dist/` of the
 * package found through its `package.json` (the runtime bundles this package's source; tests run
 * it from `src/`). Not a package export: it is an internal file. `null` when it cannot be found
 * (the package was not built): extraction then runs in-process.
 */
export function extractionWorkerFile(): string | null {
  if (workerFile !== undefined) return workerFile;
  const candidates: Array<() => string> = [
    () => fileURLToPath(new URL('./extraction-worker.js', import.meta.url)),
    () => join(dirname(createRequire(import.meta.url).resolve('@agent-chatbot/rag/package.json')), 'dist', 'extraction-worker.js'),
  ];
  workerFile = null;
  for (const candidate of candidates) {
    try {
      const file = candidate();
      if (existsSync(file)) {
        workerFile = file;
        break;
      }
    } catch {
      // not resolvable from here: try the next place
    }
  }
  return workerFile;
}

interface WorkerError {
  name: string;
  status?: number;
  code?: string;
  message: string;
  messageVi?: string;
  details?: Record<string, unknown>;
}

function rebuildError(error: WorkerError, name: string): Error {
  if (error.status === 413) return new PayloadTooLargeError(error.message, error.messageVi ?? error.message, { details: error.details ?? { file: name } });
  if (error.status !== undefined && error.messageVi) {
    return new UnprocessableError(error.message, error.messageVi, { code: error.code ?? 'ingest_failed', details: error.details ?? { file: name } });
  }
  return extractionErrors.corrupt(name, new Error(error.message));
}

/** Parses one file in its own worker thread (in-process when the worker script is missing). */
export function extractInWorker(bytes: Uint8Array, name: string, format: 'pdf' | 'docx' | 'xlsx', limits: ExtractionLimits): Promise<ExtractedDocument> {
  const file = extractionWorkerFile();
  if (!file) return extractBinary(bytes, name, format, limits);
  return new Promise<ExtractedDocument>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(file, {
      workerData: { bytes, name, format, limits },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      stdout: false,
      stderr: false,
    });
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      void worker.terminate().catch(() => undefined);
    };
    // The whole parse, thread start included, must finish within the limit.
    const timer = setTimeout(() => finish(() => reject(extractionErrors.timeout(name, limits.timeoutMs))), limits.timeoutMs);
    worker.once('message', (message: { ok: true; result: ExtractedDocument } | { ok: false; error: WorkerError }) =>
      finish(() => (message.ok ? resolve(message.result) : reject(rebuildError(message.error, name)))),
    );
    worker.once('error', (error) => finish(() => reject(extractionErrors.corrupt(name, error))));
    worker.once('exit', (code) => finish(() => reject(extractionErrors.corrupt(name, new Error(`extraction worker exited with code ${code}`)))));
  });
}
