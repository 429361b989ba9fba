// A fake Sao AI server on 127.0.0.1: the made-up wire format of src/wire.ts, with the testkit's
// FakeLlmServer controls (failures, latency, usage on/off, request log) so the contract can drive it.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  countPromptTokens,
  defaultResponder,
  splitIntoTokens,
  truncateToTokens,
  type FakeFailure,
  type FakeLlmRequestRecord,
  type FakeLlmServer,
  type FakeLlmServerOptions,
  type FakePromptMessage,
  type FakeResponder,
} from '@agent-chatbot/testkit/fake-llm';

/** The testkit's server handle, speaking Sao instead of one of the built-in wire formats. */
export type FakeSaoServer = Omit<FakeLlmServer, 'provider'> & { readonly provider: 'sao' };

const ROLES = { instructions: 'system', customer: 'user', assistant: 'assistant' } as const;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseTurns(body: Record<string, unknown>): FakePromptMessage[] | undefined {
  if (!Array.isArray(body.turns) || typeof body.model !== 'string') return undefined;
  const messages: FakePromptMessage[] = [];
  for (const turn of body.turns as Array<{ speaker?: string; text?: unknown }>) {
    const role = ROLES[turn.speaker as keyof typeof ROLES];
    if (!role || typeof turn.text !== 'string') return undefined;
    messages.push({ role, content: turn.text });
  }
  return messages;
}

/** Starts a fake Sao AI server (`POST /v1/generate`, key in `x-sao-key`). */
export async function startFakeSao(options: FakeLlmServerOptions = {}): Promise<FakeSaoServer> {
  const apiKey = options.apiKey ?? 'test-key';
  const requests: FakeLlmRequestRecord[] = [];
  const sockets = new Set<Socket>();
  const failures: FakeFailure[] = [];
  let responder: FakeResponder = options.responder ?? defaultResponder;
  let latencyMs = options.latencyMs ?? 0;
  let chunkDelayMs = options.chunkDelayMs ?? 0;
  let reportUsage = options.reportUsage ?? true;

  const send = (response: ServerResponse, record: FakeLlmRequestRecord, status: number, body: unknown, headers: Record<string, string> = {}) => {
    record.status = status;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => void handle(raw));
    let closed = false;
    response.on('close', () => (closed = true));

    const handle = async (rawBody: string) => {
      const body = (() => { try { return JSON.parse(rawBody) as Record<string, unknown>; } catch { return undefined; } })();
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      const record: FakeLlmRequestRecord = { method: request.method ?? 'GET', path: request.url ?? '/', headers, body, kind: request.url === '/v1/generate' ? 'chat' : 'other', outcome: 'ok' };
      requests.push(record);
      if (record.kind !== 'chat') return ((record.outcome = 'not-found'), send(response, record, 404, { failure: { kind: 'not_found', message: 'No such endpoint' } }));
      if (headers['x-sao-key'] !== apiKey) return ((record.outcome = 'unauthorized'), send(response, record, 401, { failure: { kind: 'auth', message: 'Bad key' } }));
      const messages = body && parseTurns(body);
      if (!body || !messages) return ((record.outcome = 'bad-request'), send(response, record, 400, { failure: { kind: 'bad_request', message: 'turns and model are required' } }));
      const stream = body.stream === true;
      Object.assign(record, { messages, stream });
      const failure = failures.shift();
      if (failure?.type === 'hang') return void (record.outcome = 'hung');
      if (latencyMs > 0) await wait(latencyMs);
      if (closed) return void (record.outcome = 'client-closed');
      if (failure?.type === 'status') {
        record.outcome = 'failed';
        const retry: Record<string, string> = failure.retryAfterMs !== undefined ? { 'retry-after-ms': String(failure.retryAfterMs), 'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)) } : {};
        return send(response, record, failure.status, { failure: { kind: failure.status === 429 ? 'quota' : 'internal', message: failure.message ?? `HTTP ${failure.status}` } }, retry);
      }
      if (failure?.type === 'disconnect' && !stream) return ((record.outcome = 'disconnected'), void request.socket.destroy());
      if (failure?.type === 'stream-error' && !stream) return ((record.outcome = 'failed'), send(response, record, 500, { failure: { kind: 'internal', message: failure.message ?? 'error' } }));

      const maxTokens = (body.limit as { max_tokens?: number } | undefined)?.max_tokens;
      const full = await responder({ model: String(body.model), messages, stream, maxTokens, temperature: body.temperature as number | undefined, body, headers });
      const { text, truncated } = truncateToTokens(full, maxTokens);
      const meter = { in: countPromptTokens(messages), out: splitIntoTokens(text).length };
      record.responseText = text;
      if (reportUsage) record.reported = { inputTokens: meter.in, outputTokens: meter.out };
      const end = { stop: truncated ? 'limit' : 'done', ...(reportUsage ? { meter } : {}) };
      if (!stream) return send(response, record, 200, { id: `sao-${requests.length}`, output: { text }, ...end });

      record.status = 200;
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (const [index, piece] of splitIntoTokens(text).entries()) {
        if (closed) return void (record.outcome = 'client-closed');
        if (index > 0 && chunkDelayMs > 0) await wait(chunkDelayMs);
        response.write(`${JSON.stringify({ piece })}\n`);
        if (index === 0 && failure?.type === 'disconnect') return ((record.outcome = 'disconnected'), void setTimeout(() => request.socket.destroy(), 5));
        if (index === 0 && failure?.type === 'stream-error') return ((record.outcome = 'failed'), response.end(`${JSON.stringify({ failure: { message: failure.message ?? 'error' } })}\n`));
      }
      response.end(`${JSON.stringify({ end })}\n`);
    };
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    provider: 'sao',
    url,
    baseURL: url,
    apiKey,
    requests,
    setResponder: (next) => void (responder = next),
    setLatency: (ms) => void (latencyMs = ms),
    setChunkDelay: (ms) => void (chunkDelayMs = ms),
    setReportUsage: (next) => void (reportUsage = next),
    failNext(failure, times = 1) {
      for (let i = 0; i < Math.min(times, 1_000); i += 1) failures.push(failure);
    },
    reset() {
      requests.length = 0;
      failures.length = 0;
      latencyMs = 0;
      chunkDelayMs = 0;
      reportUsage = true;
      responder = options.responder ?? defaultResponder;
    },
    async close() {
      for (const socket of sockets) socket.destroy(); // hung requests included
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
