/**
 * Per-process operations plumbing for `serve` and `worker`: tracing (when configured), the
 * `jobs_queue_depth` source, the idle memory release (ADR 0014), and — for the worker, which has no
 * API — a small HTTP server on `PORT` with `/healthz`, `/readyz` and `/metrics` for probes and
 * Prometheus.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Runtime } from '../runtime';
import { metricsHandler } from './http-observability';
import { startIdleMemoryRelease } from './idle-memory';
import { collectQueueDepth } from './job-instrumentation';
import { metrics } from './metrics';
import { startTracing, type Tracing } from './tracing';

/** What {@link startProcessOps} started; `stop` undoes it (after the runtime is closed). */
export interface ProcessOps {
  readonly tracing: Tracing;
  /** The worker's ops server URL (undefined for `serve`, or when the port could not be bound). */
  readonly url: string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts tracing and queue-depth collection for this process; with `role: 'worker'` also listens
 * on `config.host:config.port`. A port that cannot be bound is logged, not fatal: the jobs matter
 * more than the probe, and a failing probe makes the orchestrator say so.
 */
export async function startProcessOps(runtime: Runtime, role: 'api' | 'worker'): Promise<ProcessOps> {
  const { config, logger } = runtime;
  const tracing = await startTracing({ endpoint: config.otlpTracesUrl, serviceName: `agent-chatbot-${role}`, headers: { ...config.otlpHeaders } });
  if (tracing.enabled) logger.info({ endpoint: config.otlpTracesUrl }, 'Đã bật tracing OTLP / OTLP tracing on');
  const stopDepth = collectQueueDepth(runtime.jobs.boss);
  const idleMemory = config.idleGc
    ? startIdleMemoryRelease({
        onRelease: (release) => {
          if (release.collected) metrics().idleMemoryReleases.inc();
          if (release.nativeFreeTrimmed !== undefined) metrics().idleMallocTrims.inc();
          logger.debug(release, 'Đã trả bộ nhớ heap khi rảnh / released heap memory while idle');
        },
      })
    : undefined;
  let server: Server | undefined;
  let url: string | undefined;
  if (role === 'worker') {
    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok', role: 'worker', jobs: runtime.jobs.started ? 'started' : 'stopped' });
    });
    app.get('/readyz', async (_req, res) => {
      try {
        await runtime.db.anonymous((tx) => tx.query('SELECT 1'));
        res.json({ status: 'ok' });
      } catch {
        res.status(503).json({ error: { code: 'not_ready', message: 'Database is not answering', message_vi: 'Cơ sở dữ liệu không trả lời' } });
      }
    });
    app.get('/metrics', metricsHandler(config.metricsToken));
    const candidate = createServer(app);
    try {
      await new Promise<void>((resolve, reject) => {
        candidate.once('error', reject);
        candidate.listen(config.port, config.host, () => resolve());
      });
      server = candidate;
      const address = candidate.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
      logger.info({ url }, 'Worker: /healthz và /metrics tại / served at');
    } catch (error) {
      logger.error({ err: error, port: config.port }, 'Worker không mở được cổng cho /healthz, /metrics / worker could not bind its ops port');
    }
  }
  return {
    tracing,
    url,
    async stop() {
      stopDepth();
      idleMemory?.stop();
      if (server) {
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeAllConnections();
        await closing;
      }
      await tracing.shutdown();
    },
  };
}
