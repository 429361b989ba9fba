import { answerChat, answerEmbeddings, parseInputs, parseMessages } from './fake-chat-answer';
import { startFakeLlmServer, sendJson, writeChunk, interruptStream, type FakeDialect, type FakeRouteContext } from './fake-llm-server';
import type { FakeLlmServer, FakeLlmServerOptions } from './fake-llm-types';

function options(body: Record<string, unknown>): Record<string, unknown> {
  const value = body.options;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

async function chat(context: FakeRouteContext): Promise<void> {
  const { body, response, state } = context;
  const model = typeof body.model === 'string' ? body.model : 'fake-model';
  const answer = await answerChat(context, model, options(body).num_predict, options(body).temperature);
  const base = () => ({ model, created_at: new Date().toISOString() });
  const final = {
    done: true,
    done_reason: answer.truncated ? 'length' : 'stop',
    total_duration: 1_000_000,
    load_duration: 100_000,
    // Ollama omits these when it did not evaluate (e.g. a cached prompt); reportUsage: false mimics that.
    ...(state.reportUsage
      ? { prompt_eval_count: answer.inputTokens, prompt_eval_duration: 200_000, eval_count: answer.outputTokens, eval_duration: 700_000 }
      : {}),
  };
  if (!context.record.stream) {
    sendJson(response, 200, { ...base(), message: { role: 'assistant', content: answer.text }, ...final });
    return;
  }
  response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const [index, piece] of answer.pieces.entries()) {
    const line = `${JSON.stringify({ ...base(), message: { role: 'assistant', content: piece }, done: false })}\n`;
    if (!(await writeChunk(response, line, state.chunkDelayMs))) return;
    if (index === 0 && context.interruption) {
      await interruptStream(context, (message) => `${JSON.stringify({ error: message })}\n`);
      return;
    }
  }
  response.end(`${JSON.stringify({ ...base(), message: { role: 'assistant', content: '' }, ...final })}\n`);
}

async function embed(context: FakeRouteContext): Promise<void> {
  const { body, response, state } = context;
  const { vectors, tokens } = answerEmbeddings(context);
  sendJson(response, 200, {
    model: typeof body.model === 'string' ? body.model : 'fake-embedding',
    embeddings: vectors,
    total_duration: 1_000_000,
    load_duration: 100_000,
    ...(state.reportUsage ? { prompt_eval_count: tokens } : {}),
  });
}

const ollamaDialect: FakeDialect = {
  provider: 'ollama',
  baseURLSuffix: '',
  // A local Ollama has no keys; the fake checks `Authorization: Bearer` only when `apiKey` is set (ollama.com).
  requiresKey: false,
  checkAuth: (headers, apiKey) => headers.authorization === `Bearer ${apiKey}`,
  errorBody: (_status, message) => ({ error: message }),
  routes: [
    {
      method: 'POST',
      path: '/api/chat',
      kind: 'chat',
      parse: (body) => {
        if (typeof body.model !== 'string' || body.model.length === 0) return 'model is required';
        const messages = parseMessages(body.messages);
        if (typeof messages === 'string') return messages;
        // Ollama streams unless told otherwise.
        return { messages, stream: body.stream !== false };
      },
      handle: chat,
    },
    {
      method: 'POST',
      path: '/api/embed',
      kind: 'embeddings',
      parse: (body) => {
        if (typeof body.model !== 'string' || body.model.length === 0) return 'model is required';
        const inputs = parseInputs(body.input);
        return typeof inputs === 'string' ? inputs : { inputs };
      },
      handle: embed,
    },
    {
      method: 'GET',
      path: '/api/tags',
      kind: 'models',
      handle: async ({ response, state }) =>
        sendJson(response, 200, {
          models: state.models.map((name) => ({
            name,
            model: name,
            modified_at: '2025-01-01T00:00:00Z',
            size: 1_000_000,
            digest: 'sha256:fake',
            details: { format: 'gguf', family: 'fake', parameter_size: '1B', quantization_level: 'Q4_0' },
          })),
        }),
    },
  ],
};

/**
 * Starts a fake Ollama server (`POST /api/chat` with NDJSON streaming and
 * `prompt_eval_count`/`eval_count`, `POST /api/embed`, `GET /api/tags`). Pass `server.baseURL` as
 * the Ollama `host`.
 *
 * @example
 * ```ts
 * const server = await startFakeOllama({ reportUsage: false });
 * const ollama = createOllama({ host: server.baseURL });
 * ```
 */
export function startFakeOllama(options?: FakeLlmServerOptions): Promise<FakeLlmServer> {
  return startFakeLlmServer(ollamaDialect, options);
}
