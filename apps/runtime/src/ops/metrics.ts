/**
 * The process's Prometheus metrics (prom-client). One registry per process, created on first use,
 * so the API, the worker and tests each expose only their own numbers. The metric names are the
 * ones `deploy/prometheus/alerts.yml` and `deploy/grafana/agent-chatbot.json` query: renaming one
 * breaks an alert silently, so the names live here only.
 *
 * Other areas record through the typed helpers below (`recordLlmCall`, `recordRetrieval`, …);
 * none of them takes a free-form label that could grow without bound.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Buckets for request-scale latencies (seconds). */
const fastBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets for model calls and jobs, which take seconds to minutes. */
const slowBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300];

/** Every metric of the runtime, on one registry. */
export interface RuntimeMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route' | 'method'>;
  readonly webhookAck: Histogram<'channel'>;
  readonly queueDepth: Gauge<'queue'>;
  readonly deadLetters: Counter<'queue'>;
  readonly jobDuration: Histogram<'queue' | 'status'>;
  readonly llmRequests: Counter<'provider' | 'model' | 'status'>;
  readonly llmDuration: Histogram<'provider' | 'model'>;
  readonly llmTokens: Counter<'provider' | 'model' | 'direction' | 'key_source'>;
  readonly answerCacheHits: Counter;
  readonly answerCacheRequests: Counter;
  readonly retrievalDuration: Histogram;
  readonly embeddingDuration: Histogram;
  readonly ingestionChunks: Counter;
  readonly tenantSpend: Counter<'tenant'>;
  readonly channelTokenExpiry: Gauge<'channel' | 'connection'>;
  readonly idleMemoryReleases: Counter;
  readonly idleMallocTrims: Counter;
}

/** Reads queue depths for `jobs_queue_depth` at scrape time (set by the job queue's owner). */
export type QueueDepthSource = () => Promise<ReadonlyArray<{ queue: string; depth: number }>>;

let current: RuntimeMetrics | undefined;
let depthSource: QueueDepthSource | undefined;

/** Builds a fresh set of metrics on a new registry (tests; {@link metrics} is the shared one). */
export function createRuntimeMetrics(options: { defaultMetrics?: boolean } = {}): RuntimeMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP requests by route pattern, method and status', labelNames: ['route', 'method', 'status'], registers }),
    httpDuration: new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request latency by route pattern', labelNames: ['route', 'method'], buckets: fastBuckets, registers }),
    webhookAck: new Histogram({ name: 'webhook_ack_duration_seconds', help: 'Time from webhook arrival to the 2xx acknowledgement', labelNames: ['channel'], buckets: fastBuckets, registers }),
    queueDepth: new Gauge({
      name: 'jobs_queue_depth',
      help: 'Jobs waiting (created or retry) per queue, read at scrape time',
      labelNames: ['queue'],
      registers,
      async collect() {
        if (!depthSource) return;
        this.reset();
        try {
          for (const { queue, depth } of await depthSource()) this.set({ queue }, depth);
        } catch {
          // A scrape must not fail because the database is briefly away; the series just goes stale.
        }
      },
    }),
    deadLetters: new Counter({ name: 'jobs_dead_letters_total', help: 'Jobs that ran out of retries', labelNames: ['queue'], registers }),
    jobDuration: new Histogram({ name: 'job_duration_seconds', help: 'Job run time by queue and outcome (ok, retry, dead)', labelNames: ['queue', 'status'], buckets: slowBuckets, registers }),
    llmRequests: new Counter({ name: 'llm_requests_total', help: 'Model calls by provider, model and status ("ok" or an error code)', labelNames: ['provider', 'model', 'status'], registers }),
    llmDuration: new Histogram({ name: 'llm_request_duration_seconds', help: 'Model call latency', labelNames: ['provider', 'model'], buckets: slowBuckets, registers }),
    llmTokens: new Counter({ name: 'llm_tokens_total', help: 'Model tokens by direction (input, output) and key source (platform, tenant)', labelNames: ['provider', 'model', 'direction', 'key_source'], registers }),
    answerCacheHits: new Counter({ name: 'answer_cache_hits_total', help: 'Answers served from the answer cache', registers }),
    answerCacheRequests: new Counter({ name: 'answer_cache_requests_total', help: 'Answer cache lookups', registers }),
    retrievalDuration: new Histogram({ name: 'retrieval_duration_seconds', help: 'Knowledge retrieval latency', buckets: fastBuckets, registers }),
    embeddingDuration: new Histogram({ name: 'embedding_duration_seconds', help: 'Embedding call latency', buckets: slowBuckets, registers }),
    ingestionChunks: new Counter({ name: 'ingestion_chunks_total', help: 'Knowledge chunks written by ingestion', registers }),
    tenantSpend: new Counter({ name: 'tenant_spend_vnd_total', help: 'Model spend in VND for the top tenants ("other" for the rest)', labelNames: ['tenant'], registers }),
    channelTokenExpiry: new Gauge({ name: 'channel_token_expiry_seconds', help: 'Seconds until a channel connection access token expires', labelNames: ['channel', 'connection'], registers }),
    idleMemoryReleases: new Counter({ name: 'idle_memory_releases_total', help: 'Memory-reducing V8 collections run when the process turned quiet (ADR 0014)', registers }),
    idleMallocTrims: new Counter({ name: 'idle_malloc_trims_total', help: "glibc malloc_trim calls returning malloc's free pages when the process turned quiet (ADR 0016)", registers }),
  };
}

/** The process's metrics (created on first use, with default process metrics). */
export function metrics(): RuntimeMetrics {
  return (current ??= createRuntimeMetrics());
}

/** Replaces the process's metrics (tests that want a clean registry); returns the new set. */
export function resetMetrics(options: { defaultMetrics?: boolean } = {}): RuntimeMetrics {
  current = createRuntimeMetrics(options);
  spendTenants.clear();
  return current;
}

/** Sets where `jobs_queue_depth` reads from (the process's job queue); undefined to stop. */
export function setQueueDepthSource(source: QueueDepthSource | undefined): void {
  depthSource = source;
}

/** Seconds since `start` (a `process.hrtime.bigint()` reading). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** One finished model call, as the engine wiring reports it. */
export interface LlmCallRecord {
  /** Provider id (`openai`, `anthropic`, `ollama`, …). */
  provider: string;
  model: string;
  /** `ok`, or a short error code (`rate_limited`, `timeout`, `provider_error`, …). */
  status: string;
  durationSeconds: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Whose API key paid: the platform's or the tenant's own. */
  keySource?: 'platform' | 'own';
}

/** Records one model call: `llm_requests_total`, `llm_request_duration_seconds`, `llm_tokens_total`. */
export function recordLlmCall(call: LlmCallRecord): void {
  const m = metrics();
  const provider = labelValue(call.provider);
  const model = labelValue(call.model);
  m.llmRequests.inc({ provider, model, status: labelValue(call.status) });
  m.llmDuration.observe({ provider, model }, call.durationSeconds);
  const keySource = call.keySource ?? 'platform';
  if (call.inputTokens) m.llmTokens.inc({ provider, model, direction: 'input', key_source: keySource }, call.inputTokens);
  if (call.outputTokens) m.llmTokens.inc({ provider, model, direction: 'output', key_source: keySource }, call.outputTokens);
}

/** Records one knowledge retrieval (`retrieval_duration_seconds`). */
export function recordRetrieval(durationSeconds: number): void {
  metrics().retrievalDuration.observe(durationSeconds);
}

/** Records one embedding call (`embedding_duration_seconds`). */
export function recordEmbedding(durationSeconds: number): void {
  metrics().embeddingDuration.observe(durationSeconds);
}

/** Counts chunks written by one ingestion (`ingestion_chunks_total`). */
export function recordIngestedChunks(count: number): void {
  if (count > 0) metrics().ingestionChunks.inc(count);
}

/** Records one answer-cache lookup (`answer_cache_requests_total`, `answer_cache_hits_total`). */
export function recordAnswerCache(hit: boolean): void {
  const m = metrics();
  m.answerCacheRequests.inc();
  if (hit) m.answerCacheHits.inc();
}

/** Records how long a webhook took to acknowledge (`webhook_ack_duration_seconds{channel}`). */
export function recordWebhookAck(channel: string, durationSeconds: number): void {
  metrics().webhookAck.observe({ channel: labelValue(channel) }, durationSeconds);
}

/** Sets the seconds until a channel connection's token expires (negative when already expired). */
export function setChannelTokenExpiry(channel: string, connectionId: string, expiresAt: Date): void {
  metrics().channelTokenExpiry.set({ channel: labelValue(channel), connection: labelValue(connectionId) }, Math.round((expiresAt.getTime() - Date.now()) / 1000));
}

/** Removes a connection's expiry series (disconnected or deleted). */
export function clearChannelTokenExpiry(channel: string, connectionId: string): void {
  metrics().channelTokenExpiry.remove({ channel: labelValue(channel), connection: labelValue(connectionId) });
}

/** At most this many tenants get their own `tenant_spend_vnd_total` series. */
export const TENANT_SPEND_TOP_N = 20;
const spendTenants = new Map<string, number>();

/**
 * Adds model spend for a tenant (`tenant_spend_vnd_total{tenant}`). The first
 * {@link TENANT_SPEND_TOP_N} tenants seen in this process get their own series; the rest are
 * counted as `other`. Counters cannot move between series, so "top" means the first big spenders
 * of this process's life — bounded cardinality matters more than exact ranking here, and the
 * billing ledger holds the exact per-tenant numbers.
 */
export function recordTenantSpend(tenantId: string, amountVnd: number): void {
  if (!(amountVnd > 0)) return;
  let label = 'other';
  if (spendTenants.has(tenantId)) label = tenantId;
  else if (spendTenants.size < TENANT_SPEND_TOP_N) {
    spendTenants.set(tenantId, 0);
    label = tenantId;
  }
  if (label !== 'other') spendTenants.set(tenantId, spendTenants.get(tenantId)! + amountVnd);
  metrics().tenantSpend.inc({ tenant: labelValue(label) }, amountVnd);
}

/** Keeps a label value short and printable (a provider-supplied string must not explode a series). */
function labelValue(value: string): string {
  const cleaned = String(value).replace(/[^\w.:/@-]/g, '_').slice(0, 80);
  return cleaned === '' ? 'unknown' : cleaned;
}
