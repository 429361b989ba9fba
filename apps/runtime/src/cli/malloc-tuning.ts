/**
 * glibc malloc settings for the long-running commands (`serve`, `worker`), applied by re-executing
 * the same process image once at start (ADR 0012).
 *
 * glibc reads `GLIBC_TUNABLES` only when a process starts, so the CLI sets it and replaces itself
 * with `process.execve` (same PID, same arguments and Node flags, before any module is loaded; ~20 ms).
 * With a fixed 128 KiB mmap threshold, large blocks (PGlite's result buffers, Node's Buffers) are
 * mapped and returned to the system when freed, and the top of the heap is trimmed above 128 KiB,
 * instead of glibc's dynamic threshold that climbs to 32 MiB and keeps freed memory. Measured on
 * the 30-FAQ benchmark: ~10–20 MiB less RSS after 30 s of quiet and ~25 MiB less at the peak, CPU
 * per answer within the noise.
 *
 * Set `GLIBC_TUNABLES` yourself (even to an empty string) to keep your own settings or none.
 * musl (Alpine) ignores the variable; Windows and macOS are left alone.
 */
export const MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072';

const LONG_RUNNING = new Set(['serve', 'worker']);

/** The environment to re-execute with, or `undefined` when this process should run as it is. */
export function mallocTuningEnv(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux' || env.GLIBC_TUNABLES !== undefined) return undefined;
  // The command comes first, as the CLI's parser expects (`serve --no-worker`).
  if (argv[0] === undefined || !LONG_RUNNING.has(argv[0])) return undefined;
  return { ...env, GLIBC_TUNABLES: MALLOC_TUNABLES };
}

/** Re-executes this process with {@link mallocTuningEnv} when it applies; returns otherwise. */
export function applyMallocTuning(): void {
  const env = mallocTuningEnv(process.argv.slice(2), process.env);
  if (!env || typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env);
}
