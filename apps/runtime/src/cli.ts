/**
 * Entry point of the `agent-chatbot` CLI (bundled to dist/cli.js; bin/agent-chatbot.js loads it).
 * Node's on-disk compile cache is turned on before anything else loads: a restart then reuses the
 * compiled code of the ~500 modules a server loads (about a tenth of the start time here).
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off; `NODE_COMPILE_CACHE` picks its folder.
 *
 * V8's old generation grows by a factor of 1.2 after each full collection instead of V8's own
 * choice (up to 2–4× on a small heap): on the 30-entry FAQ benchmark the peak RSS under load fell
 * from 444–523 to 365–386 MiB for ~7 % more CPU per answer (ADR 0010, addendum). Starting Node with
 * an explicit `--heap-growing-percent=N` keeps that value instead (`0`: V8's own).
 *
 * `serve` and `worker` first re-execute themselves once with settings read only at process start
 * (glibc malloc's `GLIBC_TUNABLES`, ADR 0012; AsyncLocalStorage over AsyncContextFrame, ADR 0021):
 * see cli/process-settings.ts.
 *
 * A first `serve` on an empty embedded data folder starts extracting the PGlite template on a
 * worker thread before the runtime's modules load, so the two overlap (ADR 0009, addendum).
 * @packageDocumentation
 */
import { enableCompileCache } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { applyProcessSettings } from './cli/process-settings';
import { prestageForCommand } from './db/pglite-template-extract';

applyProcessSettings();
enableCompileCache?.();
if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) setFlagsFromString('--heap-growing-percent=20');
prestageForCommand(process.argv.slice(2));
const { main } = await import('./cli/main');

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit even if a library left a handle open (an idle pool timer, a socket in TIME_WAIT); unref'd,
// so a process that is already done exits at once.
setTimeout(() => process.exit(code), 1000).unref();
