/**
 * Entry point of the `agent-chatbot` CLI (bundled to dist/cli.js; bin/agent-chatbot.js loads it).
 * @packageDocumentation
 */
import { main } from './cli/main';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit even if a library left a handle open (an idle pool timer, a socket in TIME_WAIT); unref'd,
// so a process that is already done exits at once.
setTimeout(() => process.exit(code), 1000).unref();
