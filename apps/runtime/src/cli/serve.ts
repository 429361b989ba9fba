import { createServer, type Server } from 'node:http';
import { ConflictError } from '@agent-chatbot/core';
import type { RuntimeConfig } from '../config';
import { willCreateEmbeddedDb } from '../db/index';
import { createApp } from '../http/app';
import { findDashboardDist } from '../http/dashboard';
import { afterFirstResponse, applyConnectionTimeouts } from '../http/server';
import { registerBuiltInJobs, scheduleBuiltInJobs } from '../jobs/maintenance';
import { closeFeatures, createFeatures, registerFeatureJobs, scheduleFeatureJobs, type RuntimeFeature } from '../features/index';
import { createRuntime, type Runtime } from '../runtime';
import { startProcessOps, type ProcessOps } from '../ops/process-ops';
import type { CommandEnv } from './command-table';
import { controlSocketPath, startControlServer } from './control-socket';
import { bootstrapFirstStart, firstStartBanner, prepareFirstStartCredentials } from './first-start';
import { runCommand } from './run-command';

/** A running `serve` (returned for tests; the CLI waits for a signal). */
export interface RunningServer {
  readonly runtime: Runtime;
  readonly url: string;
  readonly server: Server;
  /**
   * Resolves once the job workers and schedules run: they start after the first response has been
   * sent, or a second after listening, so that they do not delay the first answer. Rejects if they
   * cannot start — the server then answers without background jobs and should be stopped (the CLI
   * exits with code 1). Resolves without starting them when `stop()` comes first.
   */
  readonly ready: Promise<void>;
  /** Graceful: stop accepting, finish requests and in-flight jobs, close stores. */
  stop(): Promise<void>;
}

/** The longest `serve` waits for a first response before it starts its workers and schedules (ms). */
export const WORKERS_START_MAX_DELAY_MS = 1000;

/**
 * `agent-chatbot serve`: open and migrate the runtime, create the first-start accounts (printed
 * once), listen for HTTP, start in-process workers (unless `worker: false`) and the schedules once
 * the first response is sent (see `RunningServer.ready`), and — on PGlite — serve CLI commands on
 * the control socket, since no other process may open the data folder.
 */
export async function startServer(
  config: RuntimeConfig,
  options: {
    worker?: boolean;
    print?: (text: string) => void;
    /** The longest to wait for a first response before starting workers and schedules (default 1000 ms). */
    workersStartMaxDelayMs?: number;
  } = {},
): Promise<RunningServer> {
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  // A fresh install: the first start's passwords are hashed while the new database is restored
  // and opened (~0.2 s of the first start on two cores), not after.
  const credentials = willCreateEmbeddedDb(config) ? prepareFirstStartCredentials() : undefined;
  const runtime = await createRuntime(config);
  let control: { close(): Promise<void> } | undefined;
  let server: Server | undefined;
  let features: RuntimeFeature[] = [];
  let ops: ProcessOps | undefined;
  try {
    ops = await startProcessOps(runtime, 'api');
    features = createFeatures(runtime);
    const logins = await bootstrapFirstStart(runtime.db, credentials);
    if (logins) print(firstStartBanner(logins, config.publicUrl));

    registerBuiltInJobs(runtime.jobs, runtime.db);
    registerFeatureJobs(features);
    // The queues exist before the first request (requests enqueue jobs); the workers and the
    // schedules start after the first response (below).
    await runtime.jobs.start();
    if (runtime.db.kind === 'pglite') {
      const env: CommandEnv = { config, db: runtime.db, secretBox: runtime.secretBox, inServer: true, jobs: runtime.jobs, runtime };
      control = await startControlServer(controlSocketPath(config.dataDir), (argv) =>
        runCommand(argv, async () => ({ env, close: async () => {} })),
      );
    }

    const app = createApp(runtime, { trustProxy: config.trustProxy, dashboardDist: findDashboardDist() }, features);
    const httpServer = createServer(app);
    applyConnectionTimeouts(httpServer);
    server = httpServer;
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EACCES'
            ? new ConflictError(
                `Cannot listen on ${config.host}:${config.port} (${error.code}); set PORT to another port`,
                `Không mở được cổng ${config.host}:${config.port} (${error.code}); hãy đặt PORT khác`,
                { code: 'port_unavailable' },
              )
            : error,
        ),
      );
      httpServer.listen(config.port, config.host, () => resolve());
    });
    const address = httpServer.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    runtime.logger.info({ url, db: runtime.db.kind, workers: options.worker ?? true }, `Đang chạy tại / Listening on ${url}`);
    print(`agent-chatbot: đang chạy tại / listening on ${url}\n`);
    if (options.worker === false && runtime.db.kind === 'pglite') {
      // No other process can open PGlite, so nothing else will ever run these jobs.
      runtime.logger.warn('Không chạy worker trên PGlite: job sẽ không được xử lý / --no-worker on PGlite: jobs will not run');
    }
    // Starting the workers and the schedules costs ~0.15–0.45 s of CPU (pg-boss's workers, cron
    // parsing): done after the first response, the first answer after a restart does not wait for
    // it. Jobs enqueued meanwhile wait in their queue and run once the workers start.
    let stopping: Promise<void> | undefined;
    let stopRequested = false;
    const gate = afterFirstResponse(httpServer, options.workersStartMaxDelayMs ?? WORKERS_START_MAX_DELAY_MS);
    const ready = gate.done.then(async () => {
      if (stopRequested) return;
      await runtime.jobs.start({ work: options.worker ?? true });
      await scheduleBuiltInJobs(runtime.jobs);
      await scheduleFeatureJobs(features);
    });
    ready.catch((error: unknown) =>
      runtime.logger.error({ err: error }, 'Không khởi động được worker và lịch chạy / workers and schedules failed to start'),
    );
    return {
      runtime,
      url,
      server: httpServer,
      ready,
      stop: () =>
        (stopping ??= (async () => {
          // A start not begun yet is skipped; one under way is awaited before the stores close.
          stopRequested = true;
          gate.cancel();
          await ready.catch(() => {});
          const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
          httpServer.closeIdleConnections();
          // Requests in progress get a grace period; long-lived streams are then cut.
          const grace = setTimeout(() => httpServer.closeAllConnections(), 10_000);
          grace.unref();
          await control?.close();
          await closed;
          clearTimeout(grace);
          await closeFeatures(features, (error) => runtime.logger.error({ err: error }, 'feature close failed'));
          await runtime.close();
          await ops?.stop();
        })()),
    };
  } catch (error) {
    server?.close();
    await control?.close().catch(() => {});
    await closeFeatures(features, () => {});
    await runtime.close().catch(() => {});
    await ops?.stop().catch(() => {});
    throw error;
  }
}

/** `agent-chatbot worker`: job workers only, until a signal. */
export async function startWorker(config: RuntimeConfig): Promise<{ runtime: Runtime; opsUrl: string | undefined; stop(): Promise<void> }> {
  const runtime = await createRuntime(config);
  const features = createFeatures(runtime);
  let ops: ProcessOps | undefined;
  try {
    ops = await startProcessOps(runtime, 'worker');
    registerBuiltInJobs(runtime.jobs, runtime.db);
    registerFeatureJobs(features);
    await runtime.jobs.start({ work: true });
    await scheduleBuiltInJobs(runtime.jobs);
    await scheduleFeatureJobs(features);
  } catch (error) {
    await closeFeatures(features, () => {});
    await runtime.close().catch(() => {});
    await ops?.stop().catch(() => {});
    throw error;
  }
  runtime.logger.info({ db: runtime.db.kind }, 'Worker đang chạy / Worker running');
  return {
    runtime,
    opsUrl: ops.url,
    stop: async () => {
      await closeFeatures(features, (error) => runtime.logger.error({ err: error }, 'feature close failed'));
      await runtime.close();
      await ops?.stop();
    },
  };
}

/**
 * Waits for SIGINT/SIGTERM, then runs `stop` (graceful) and resolves 0. A second signal, or `stop`
 * taking longer than `timeoutMs`, exits at once with code 1. If `failed` rejects first (`serve`'s
 * workers could not start), it prints why, runs `stop` and resolves 1.
 */
export function stopOnSignal(
  stop: () => Promise<void>,
  options: { failed?: Promise<unknown>; timeoutMs?: number } = {},
): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let timer: NodeJS.Timeout | undefined;
    const shutDown = (message: string, code: number) => {
      stopping = true;
      process.stderr.write(message);
      timer = setTimeout(() => process.exit(1), options.timeoutMs ?? 30_000);
      timer.unref();
      stop().then(
        () => finish(code),
        (error: unknown) => {
          process.stderr.write(`Lỗi khi dừng / Error during shutdown: ${(error as Error).message}\n`);
          finish(1);
        },
      );
    };
    const finish = (code: number) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(code);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      shutDown(`\nĐang dừng (${signal})… / Shutting down (${signal})…\n`, 0);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    options.failed?.catch((error: unknown) => {
      if (stopping) return;
      const reason = error instanceof Error ? error.message : String(error);
      shutDown(`Không khởi động được worker, đang dừng / Workers failed to start, shutting down: ${reason}\n`, 1);
    });
  });
}
