import { loadConfig, type RuntimeConfig } from '../config';
import { createDb, migrate } from '../db/index';
import { createJobQueue } from '../jobs/job-queue';
import { createSecretBox } from '../secrets/secret-box';
import type { CommandEnv } from './command-table';
import { controlSocketPath, sendToServer } from './control-socket';
import { errorOutput, usageError, type CommandOutput } from './output';
import { parseCommand, runCommand, wantsJson } from './run-command';
import { startServer, startWorker, stopOnSignal } from './serve';

function print(output: CommandOutput): number {
  if (output.stdout) process.stdout.write(output.stdout);
  if (output.stderr) process.stderr.write(output.stderr);
  return output.exitCode;
}

/** Opens the database for one CLI command in this process (no server holds it). */
async function openLocal(config: RuntimeConfig, command: string): Promise<{ env: CommandEnv; close(): Promise<void> }> {
  const db = await createDb(config);
  try {
    if (command === 'migrate') {
      // Also install pg-boss's schema, so a migrated database is ready for API-only processes.
      const jobs = createJobQueue(db, { schedule: false });
      await jobs.start();
      await jobs.stop();
    } else if (command !== 'doctor') {
      // doctor reports pending migrations instead of applying them (and must run when the DB is down).
      await migrate(db);
    }
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return { env: { config, db, secretBox: createSecretBox(config.secretKeys), inServer: false }, close: () => db.close() };
}

/**
 * The `agent-chatbot` CLI. Data commands go to a running `serve` over its control socket when one
 * holds the PGlite data folder, and run in this process otherwise. Returns the exit code.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const json = wantsJson(argv);
  let parsed: ReturnType<typeof parseCommand>;
  let config: RuntimeConfig;
  try {
    parsed = parseCommand(argv);
    if (!parsed || parsed.help) return print(await runCommand(argv, () => Promise.reject(new Error('unreachable'))));
    config = loadConfig(env);
  } catch (error) {
    return print(errorOutput(error, json));
  }
  // `serve` and `worker` log it through the runtime's logger instead.
  if (config.secretsSource === 'generated' && !parsed.def.process) {
    process.stderr.write(`Đã tạo khoá bí mật tại / Generated secrets in ${config.secretsFile} (chmod 600)\n`);
  }

  const socket = controlSocketPath(config.dataDir);
  try {
    if (parsed.def.name === 'serve') {
      const running = await startServer(config, { worker: parsed.values['no-worker'] !== true });
      return await stopOnSignal(running.stop, { failed: running.ready });
    }
    if (parsed.def.name === 'worker') {
      if (!config.databaseUrl && (await sendToServer(socket, ['--help']))) {
        throw usageError(
          '`serve` is running on this data folder and already runs the workers in-process',
          '`serve` đang chạy trên thư mục dữ liệu này và đã chạy worker trong cùng tiến trình',
        );
      }
      const worker = await startWorker(config);
      return await stopOnSignal(worker.stop);
    }
    if (!config.databaseUrl) {
      const remote = await sendToServer(socket, parsed.def.forServer?.(argv, process.cwd()) ?? argv, parsed.def.serverTimeoutMs);
      if (remote) return print(remote);
    }
    const name = parsed.def.name;
    return print(await runCommand(argv, () => openLocal(config, name)));
  } catch (error) {
    return print(errorOutput(error, json));
  }
}
