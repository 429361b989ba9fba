import { createServer, type Server } from 'node:http';
import { ConflictError } from '@agent-chatbot/core';
import type { RuntimeConfig } from '../config';
import { willCreateEmbeddedDb } from '../db/index';
import { createApp } from '../http/app';
import { findDashboardDist } from '../http/dashboard';
import { applyConnectionTimeouts } from '../http/server';
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
  /** Graceful: stop accepting, finish requests and in-flight jobs, close stores. */
  stop(): Promise<void>;
}

/**
 * `agent-chatbot serve`: open and migrate the runtime, create the first-start accounts (printed
 * once), start in-process workers (unless `worker: false`), listen for HTTP, and — on PGlite — serve
 * CLI commands on the control socket, since no other process may open the data folder.
 */
export async function startServer(
  config: RuntimeConfig,
  options: { worker?: boolean; print?: (text: string) => void } = {},
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
    // schedules start right after listening (~0.15 s of every start).
    await runtime.jobs.start();
    if (runtime.db.kind === 'pglite') {
      const env: CommandEnv = { config, db: runtime.db, secretBox: runtime.secretBox, inServer: true, jobs: runtime.jobs };
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
    await runtime.jobs.start({ work: options.worker ?? true });
    await scheduleBuiltInJobs(runtime.jobs);
    await scheduleFeatureJobs(features);
    if (options.worker === false && runtime.db.kind === 'pglite') {
      // No other process can open PGlite, so nothing else will ever run these jobs.
      runtime.logger.warn('Không chạy worker trên PGlite: job sẽ không được xử lý / --no-worker on PGlite: jobs will not run');
    }

    let stopping: Promise<void> | undefined;
    return {
      runtime,
      url,
      server: httpServer,
      stop: () =>
        (stopping ??= (async () => {
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
 * Waits for SIGINT/SIGTERM, then runs `stop` (graceful). A second signal, or `stop` taking longer
 * than `timeoutMs`, exits at once with code 1.
 */
export function stopOnSignal(stop: () => Promise<void>, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(1);
      signalled = true;
      process.stderr.write(`\nĐang dừng (${signal})… / Shutting down (${signal})…\n`);
      const timer = setTimeout(() => process.exit(1), timeoutMs);
      timer.unref();
      stop().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`Error during shutdown: ${(error as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
