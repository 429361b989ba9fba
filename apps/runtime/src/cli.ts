/**
 * Entry point of the `agent-chatbot` CLI (bundled to dist/cli.js; bin/agent-chatbot.js loads it).
 * Node's on-disk compile cache is turned on before anything else loads: a restart then reuses the
 * compiled code of the ~500 modules a server loads (about a tenth of the start time here).
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off; `NODE_COMPILE_CACHE` picks its folder.
 * @packageDocumentation
 */
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
const { main } = await import('./cli/main');

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit even if a library left a handle open (an idle pool timer, a socket in TIME_WAIT); unref'd,
// so a process that is already done exits at once.
setTimeout(() => process.exit(code), 1000).unref();
