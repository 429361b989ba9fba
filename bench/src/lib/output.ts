/** Writes a benchmark's result to bench/results/<name>.json and prints it as one JSON line. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/results, next to this package's src. */
export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'results');

/** The machine and its load when the figure was taken (load matters on a shared machine). */
export function machine(): Record<string, unknown> {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemMb: Math.round(totalmem() / 2 ** 20),
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    node: process.version,
    at: new Date().toISOString(),
  };
}

/** Saves and prints `result` (with the machine block added). Returns the file path. */
export function writeResult(name: string, result: Record<string, unknown>): string {
  mkdirSync(resultsDir, { recursive: true });
  const full = { name, machine: machine(), ...result };
  const file = join(resultsDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(full)}\n`);
  return file;
}
