/**
 * OpenTelemetry tracing: API request → job → provider call. Off by default; on when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, exporting over
 * OTLP/HTTP (JSON) in batches. The rest of the runtime always calls `@opentelemetry/api`: with no
 * provider registered those calls are no-ops, so tracing costs nothing when off.
 *
 * The request id and the W3C `traceparent` of the current request travel with each job (see
 * {@link captureTraceCarrier}) and are restored in the job's logger and span.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';

/** The tracer every runtime span comes from. */
export const tracer = () => trace.getTracer('agent-chatbot-runtime');

/** Settings for {@link startTracing}. */
export interface TracingOptions {
  /** OTLP traces URL (`…/v1/traces`); undefined = tracing off. */
  endpoint: string | undefined;
  /** `service.name` of the spans (`agent-chatbot-api`, `agent-chatbot-worker`). */
  serviceName: string;
  /** Extra OTLP request headers (`OTEL_EXPORTER_OTLP_HEADERS`, `k=v,k2=v2`). */
  headers?: Record<string, string>;
}

/** Running tracing: flush before exit. */
export interface Tracing {
  readonly enabled: boolean;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const off: Tracing = { enabled: false, forceFlush: async () => {}, shutdown: async () => {} };

let active: Tracing | undefined;

/**
 * Registers the global tracer provider (once per process; a second call returns the first).
 * Returns a no-op {@link Tracing} when `endpoint` is undefined. The SDK is loaded only then, so
 * processes without tracing never pay for loading it.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (active) return active;
  if (!options.endpoint) return off;
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, NodeTracerProvider }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-node'),
  ]);
  if (active) return active;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint, headers: options.headers ?? {} }), {
        scheduledDelayMillis: 1000,
      }),
    ],
  });
  // Registers the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  const tracing: Tracing = {
    enabled: true,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown().catch(() => {});
      // Unregistered so a later start (tests, a restarted server) can register again.
      trace.disable();
      context.disable();
      propagation.disable();
      if (active === tracing) active = undefined;
    },
  };
  active = tracing;
  return tracing;
}

/** What travels with a job so its logs and spans join the request that enqueued it. */
export interface TraceCarrier {
  requestId?: string;
  traceparent?: string;
  tracestate?: string;
}

/** The request id of the request (or job) this code runs for, if any. */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` with `requestId` as the current request id (read by {@link captureTraceCarrier}). */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return requestScope.run({ requestId }, fn);
}

/** The current request id, if code runs inside a request or a job that carried one. */
export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/** The current request id and trace context, to store with an enqueued job. */
export function captureTraceCarrier(): TraceCarrier | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const requestId = currentRequestId();
  const result: TraceCarrier = {
    ...(requestId ? { requestId } : {}),
    ...(carrier['traceparent'] ? { traceparent: carrier['traceparent'] } : {}),
    ...(carrier['tracestate'] ? { tracestate: carrier['tracestate'] } : {}),
  };
  return Object.keys(result).length ? result : undefined;
}

/** The context a job's carrier describes (its parent span), or the current one. */
export function contextFromCarrier(carrier: TraceCarrier | undefined): Context {
  if (!carrier?.traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) });
}

/** The trace id of the active span, when tracing is on. */
export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  const id = span?.spanContext().traceId;
  return id && span?.isRecording() ? id : undefined;
}

/**
 * Runs `fn` inside a new span (child of the active one); records an exception and error status
 * when it throws, and always ends the span.
 */
export async function withSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean>; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind, SpanStatusCode };
