/**
 * Metrics, logs and traces end to end: one API request enqueues a job; the job calls a "model";
 * a fake OTLP/HTTP collector on 127.0.0.1 receives the request's, the job's and the model call's
 * spans in one trace; the job's log lines carry the request id; `/metrics` counts by route pattern.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { createApp } from '../../src/http/app';
import { instrumentLlmCall } from '../../src/ops/llm-instrumentation';
import { recordTenantSpend, resetMetrics, TENANT_SPEND_TOP_N } from '../../src/ops/metrics';
import { collectQueueDepth } from '../../src/ops/job-instrumentation';
import { startTracing, type Tracing } from '../../src/ops/tracing';
import { createRuntime, type Runtime } from '../../src/runtime';
import { createLogger } from '../../src/secrets/logger';
import { createTestPglite } from '../helpers/pglite';

interface CollectedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
}

/** A fake OTLP/HTTP collector: records every span POSTed to /v1/traces (JSON encoding). */
async function startCollector(): Promise<{ url: string; spans: CollectedSpan[]; close(): Promise<void> }> {
  const spans: CollectedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.method === 'POST') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { scopeSpans: { spans: CollectedSpan[] }[] }[];
        };
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('metrics, logs and traces', { timeout: 60_000 }, () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let tracing: Tracing;
  let runtime: Runtime;
  let server: Server;
  let baseUrl: string;
  const logs: Record<string, unknown>[] = [];
  const jobRuns: string[] = [];

  beforeAll(async () => {
    resetMetrics({ defaultMetrics: false });
    collector = await startCollector();
    const config = loadConfig({
      CHATBOT_JWT_SECRET: 'o'.repeat(40),
      CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
      CHATBOT_METRICS_TOKEN: 'metrics-token-0123456789',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      LOG_LEVEL: 'silent',
    });
    expect(config.otlpTracesUrl).toBe(`${collector.url}/v1/traces`);
    tracing = await startTracing({ endpoint: config.otlpTracesUrl, serviceName: 'agent-chatbot-test' });
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } });
    runtime = await createRuntime(config, { db: await createTestPglite(), logger });
    runtime.jobs.register<{ n: number }>(
      'ops.test',
      async ({ payload, log }) => {
        await instrumentLlmCall({ provider: 'fake', model: 'm1' }, async () => ({ usage: { in: 12, out: 3 } }), (r) => ({ inputTokens: r.usage.in, outputTokens: r.usage.out }));
        log?.info({ n: payload.n }, 'ops test job ran');
        jobRuns.push(String(payload.n));
      },
      { pollingIntervalSeconds: 0.5 },
    );
    await runtime.jobs.start({ work: true });
    collectQueueDepth(runtime.jobs.boss);
    const rawRouter = Router();
    rawRouter.post('/v1/ops-test/:n', async (req, res) => {
      await runtime.db.platform((tx) => runtime.jobs.enqueue(tx, 'ops.test', { n: Number(req.params['n']) }));
      res.status(202).json({ queued: true });
    });
    rawRouter.post('/webhooks/:channel/:connectionId', (req, res) => {
      res.status(req.params['channel'] === 'zalo' ? 200 : 404).end();
    });
    const app = createApp(runtime, {}, [{ name: 'ops-test', rawRouter }]);
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await runtime?.close();
    await tracing?.shutdown();
    await collector?.close();
  }, 60_000);

  it('traces api → job → model call in one trace, and logs the request id in the job', async () => {
    const res = await fetch(`${baseUrl}/v1/ops-test/7`, { method: 'POST', headers: { 'x-request-id': 'req-ops-7' } });
    expect(res.status).toBe(202);
    await until(() => jobRuns.includes('7'));
    // The job's span ends just after its handler returns: flush until both spans arrived.
    const deadline = Date.now() + 10_000;
    while (!['job ops.test', 'llm fake m1'].every((n) => collector.spans.some((s) => s.name === n)) && Date.now() < deadline) {
      await tracing.forceFlush();
      await new Promise((r) => setTimeout(r, 100));
    }

    const server = collector.spans.find((s) => s.name === 'POST /v1/ops-test/:n')!;
    const job = collector.spans.find((s) => s.name === 'job ops.test')!;
    const llm = collector.spans.find((s) => s.name === 'llm fake m1')!;
    expect(server).toBeDefined();
    expect(job.traceId).toBe(server.traceId);
    expect(job.parentSpanId).toBe(server.spanId);
    expect(llm.traceId).toBe(server.traceId);
    expect(llm.parentSpanId).toBe(job.spanId);

    const line = logs.find((l) => l['msg'] === 'ops test job ran')!;
    expect(line).toMatchObject({ reqId: 'req-ops-7', job: 'ops.test', n: 7 });
    expect(typeof line['traceId']).toBe('string');
    expect(line['traceId']).toBe(server.traceId);
    expect(res.headers.get('traceparent')).toContain(server.traceId);
  });

  it('serves /metrics behind its token, labelled by route pattern', async () => {
    await fetch(`${baseUrl}/v1/ops-test/8`, { method: 'POST' });
    await until(() => jobRuns.includes('8'));
    await fetch(`${baseUrl}/no/such/path/123`);
    await fetch(`${baseUrl}/webhooks/zalo/c1`, { method: 'POST' });
    await fetch(`${baseUrl}/webhooks/made-up/c1`, { method: 'POST' });
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    recordTenantSpend('tenant-x', 1500);
    const scrape = async () => {
      const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
      expect(res.status).toBe(200);
      return res.text();
    };
    // The job's duration is recorded just after its handler returns: wait for the second one.
    let text = await scrape();
    const deadline = Date.now() + 10_000;
    while (!/job_duration_seconds_count\{queue="ops.test",status="ok"\} 2/.test(text) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      text = await scrape();
    }
    expect(text).toMatch(/http_requests_total\{route="\/v1\/ops-test\/:n",method="POST",status="202"\} 2/);
    expect(text).toMatch(/http_requests_total\{route="unmatched",method="GET",status="404"\} 1/);
    // No raw paths as labels (a bare /123/ also matched durations such as 0.0123…: a flaky check).
    expect(text).not.toMatch(/ops-test\/[78]|such\/path\/123/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="[^"]+",route="\/v1\/ops-test\/:n",method="POST"\}/);
    expect(text).toMatch(/job_duration_seconds_count\{queue="ops.test",status="ok"\} 2/);
    expect(text).toMatch(/llm_requests_total\{provider="fake",model="m1",status="ok"\} 2/);
    expect(text).toMatch(/llm_tokens_total\{provider="fake",model="m1",direction="input",key_source="platform"\} 24/);
    expect(text).toMatch(/jobs_queue_depth\{queue="ops.test"\} \d+/);
    expect(text).toMatch(/tenant_spend_vnd_total\{tenant="tenant-x"\} 1500/);
    expect(text).toMatch(/webhook_ack_duration_seconds_count\{channel="zalo"\} 1/);
    expect(text).not.toMatch(/channel="made-up"/);
  });

  it('bounds tenant spend series to the top N plus "other"', async () => {
    const m = resetMetrics({ defaultMetrics: false });
    for (let i = 0; i < TENANT_SPEND_TOP_N + 5; i++) recordTenantSpend(`t${i}`, 10);
    const values = (await m.tenantSpend.get()).values;
    expect(values).toHaveLength(TENANT_SPEND_TOP_N + 1);
    expect(values.find((v) => v.labels.tenant === 'other')?.value).toBe(50);
  });

  it('counts dead letters when a job runs out of retries', async () => {
    const m = resetMetrics({ defaultMetrics: false });
    const { runInstrumentedJob } = await import('../../src/ops/job-instrumentation');
    const fail = () => Promise.reject(new Error('boom'));
    await expect(runInstrumentedJob({ name: 'x.fail', jobId: '1', tenantId: null, attempt: 1, retryLimit: 1 }, fail)).rejects.toThrow('boom');
    await expect(runInstrumentedJob({ name: 'x.fail', jobId: '1', tenantId: null, attempt: 2, retryLimit: 1 }, fail)).rejects.toThrow('boom');
    expect((await m.deadLetters.get()).values).toEqual([expect.objectContaining({ labels: { queue: 'x.fail' }, value: 1 })]);
    const statuses = (await m.jobDuration.get()).values.filter((v) => v.metricName === 'job_duration_seconds_count').map((v) => v.labels.status);
    expect(statuses.sort()).toEqual(['dead', 'retry']);
  });
});
