/**
 * The extraction worker thread (built to `dist/extraction-worker.js`): receives one file, parses
 * it with {@link extractBinary} and posts the result or the typed error back. One file per
 * thread: the owner terminates the thread when the time limit passes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { extractBinary } from './extract-binary';
import type { ExtractionLimits } from './types';

interface Job {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly format: 'pdf' | 'docx' | 'xlsx';
  readonly limits: ExtractionLimits;
}

const job = workerData as Job;
extractBinary(job.bytes, job.name, job.format, job.limits).then(
  (result) => parentPort?.postMessage({ ok: true, result }),
  (error: unknown) => {
    const e = (error ?? {}) as { name?: unknown; status?: unknown; code?: unknown; message?: unknown; messageVi?: unknown; details?: unknown };
    parentPort?.postMessage({
      ok: false,
      error: {
        name: typeof e.name === 'string' ? e.name : 'Error',
        status: typeof e.status === 'number' ? e.status : undefined,
        code: typeof e.code === 'string' ? e.code : undefined,
        message: typeof e.message === 'string' ? e.message : String(error),
        messageVi: typeof e.messageVi === 'string' ? e.messageVi : undefined,
        details: e.details !== null && typeof e.details === 'object' ? e.details : undefined,
      },
    });
  },
);
