/**
 * Worker thread of {@link prestagePgliteTemplate}: extracts the template into a staging folder and
 * posts the outcome (bundled to `dist/pglite-template-worker.js`).
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import { extractIntoStaging, type PrestageJob } from './pglite-template-extract';

parentPort?.postMessage(extractIntoStaging(workerData as PrestageJob));
