/**
 * The soak's worker process: `startWorker` (apps/runtime/src/cli/serve.ts) with the environment
 * the soak passes, running jobs until it is killed (SIGKILL on purpose, or SIGTERM at the end).
 */
import { startWorker } from '../../../apps/runtime/src/cli/serve';
import { loadConfig } from '../../../apps/runtime/src/config';

const worker = await startWorker(loadConfig(process.env));
process.stdout.write('worker ready\n');
process.once('SIGTERM', () => {
  void worker.stop().finally(() => process.exit(0));
});
