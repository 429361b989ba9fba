/**
 * Process settings of the long-running commands (`serve`, `worker`) that only take effect when a
 * process starts, applied by re-executing the same process image once at start (same PID, same
 * arguments and Node flags, before any module is loaded; ~20 ms):
 *
 * - **glibc malloc** (`GLIBC_TUNABLES`, ADR 0012): with a fixed 128 KiB mmap threshold, large blocks
 *   (PGlite's result buffers, Node's Buffers) are mapped and returned to the system when freed, and
 *   the top of the heap is trimmed above 128 KiB, instead of glibc's dynamic threshold that climbs
 *   to 32 MiB and keeps freed memory: ~10–20 MiB less RSS after 30 s of quiet, ~25 MiB less at the
 *   peak. Set `GLIBC_TUNABLES` yourself (even to an empty string) to keep your own settings or
 *   none. Linux only (musl ignores it).
 * - **AsyncLocalStorage over AsyncContextFrame** (`--experimental-async-context-frame`, ADR 0021),
 *   Node 24's default, on Node 22: the request context, the transaction guard and OpenTelemetry's
 *   context no longer cost a promise hook on every promise (paired A/B: CPU per answer ×0.981).
 *   Starting Node with any `async-context-frame` flag yourself (`--no-experimental-async-context-frame`
 *   to turn it off), on the command line or in `NODE_OPTIONS`, keeps your choice.
 *
 * Windows (no `process.execve`) runs without both.
 */
export const MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072';

/** The Node flag that makes AsyncLocalStorage use AsyncContextFrame (the default from Node 24). */
export const ASYNC_CONTEXT_FRAME_FLAG = '--experimental-async-context-frame';

const LONG_RUNNING = new Set(['serve', 'worker']);

/** What to re-execute with: the environment and Node's flags. */
export interface ProcessSettings {
  readonly env: NodeJS.ProcessEnv;
  readonly execArgv: readonly string[];
}

/**
 * The environment and Node flags to re-execute with, or `undefined` when this process should run
 * as it is (not a long-running command, or everything already set).
 */
export function processSettings(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  execArgv: readonly string[],
  platform: NodeJS.Platform = process.platform,
  asyncContextFrameSupported: boolean = process.allowedNodeEnvironmentFlags.has(ASYNC_CONTEXT_FRAME_FLAG),
): ProcessSettings | undefined {
  // The command comes first, as the CLI's parser expects (`serve --no-worker`).
  if (argv[0] === undefined || !LONG_RUNNING.has(argv[0])) return undefined;
  const tunables = platform === 'linux' && env.GLIBC_TUNABLES === undefined;
  const chosen = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((flag) => flag.includes('async-context-frame'));
  const frame = asyncContextFrameSupported && !chosen;
  if (!tunables && !frame) return undefined;
  return {
    env: tunables ? { ...env, GLIBC_TUNABLES: MALLOC_TUNABLES } : env,
    execArgv: frame ? [ASYNC_CONTEXT_FRAME_FLAG, ...execArgv] : execArgv,
  };
}

/** Re-executes this process with {@link processSettings} when they apply; returns otherwise. */
export function applyProcessSettings(): void {
  const settings = processSettings(process.argv.slice(2), process.env, process.execArgv);
  if (!settings || typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...settings.execArgv, ...process.argv.slice(1)], settings.env);
}
