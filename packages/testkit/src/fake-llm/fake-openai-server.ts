import { answerChat, answerEmbeddings, parseInputs, parseMessages } from './fake-chat-answer';
import { startFakeLlmServer, sendJson, writeChunk, interruptStream, type FakeDialect, type FakeRouteContext } from './fake-llm-server';
import type { FakeLlmServer, FakeLlmServerOptions } from './fake-llm-types';

let completionCounter = 0;

function errorType(status: number): string {
  if (status === 401) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

async function chatCompletions(context: FakeRouteContext): Promise<void> {
  const { body, response, state } = context;
  const model = typeof body.model === 'string' ? body.model : 'fake-model';
  const answer = await answerChat(context, model, body.max_completion_tokens ?? body.max_tokens, body.temperature);
  const id = `chatcmpl-fake-${(completionCounter += 1)}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = answer.truncated ? 'length' : 'stop';
  const usage = {
    prompt_tokens: answer.inputTokens,
    completion_tokens: answer.outputTokens,
    total_tokens: answer.inputTokens + answer.outputTokens,
    prompt_tokens_details: { cached_tokens: 0 },
  };
  if (!context.record.stream) {
    sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: answer.text, refusal: null }, logprobs: null, finish_reason: finishReason }],
      ...(state.reportUsage ? { usage } : {}),
    });
    return;
  }
  const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]));
  for (const [index, piece] of answer.pieces.entries()) {
    const sent = await writeChunk(response, chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]), state.chunkDelayMs);
    if (!sent) return;
    if (index === 0 && context.interruption) {
      await interruptStream(context, (message) => `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })}\n\n`);
      return;
    }
  }
  response.write(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]));
  if (includeUsage && state.reportUsage) response.write(chunk([], { usage }));
  response.end('data: [DONE]\n\n');
}

async function embeddings(context: FakeRouteContext): Promise<void> {
  const { body, response, state } = context;
  // Like OpenAI's text-embedding-3 models, a `dimensions` parameter shortens the vectors.
  const requested = typeof body.dimensions === 'number' && Number.isInteger(body.dimensions) && body.dimensions > 0 ? body.dimensions : undefined;
  const { vectors, tokens } = answerEmbeddings(context, requested);
  const base64 = body.encoding_format === 'base64';
  sendJson(response, 200, {
    object: 'list',
    model: typeof body.model === 'string' ? body.model : 'fake-embedding',
    data: vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      // The official SDK asks for base64 (little-endian float32) unless told otherwise.
      embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    })),
    ...(state.reportUsage ? { usage: { prompt_tokens: tokens, total_tokens: tokens } } : {}),
  });
}

const openAIDialect: FakeDialect = {
  provider: 'openai',
  baseURLSuffix: '/v1',
  requiresKey: true,
  checkAuth: (headers, apiKey) => headers.authorization === `Bearer ${apiKey}`,
  errorBody: (status, message) => ({
    error: { message, type: errorType(status), param: null, code: status === 401 ? 'invalid_api_key' : null },
  }),
  routes: [
    {
      method: 'POST',
      path: '/v1/chat/completions',
      kind: 'chat',
      parse: (body) => {
        if (typeof body.model !== 'string' || body.model.length === 0) return 'model is required';
        const messages = parseMessages(body.messages);
        if (typeof messages === 'string') return messages;
        if (messages.length === 0) return 'messages must not be empty';
        return { messages, stream: body.stream === true };
      },
      handle: chatCompletions,
    },
    {
      method: 'POST',
      path: '/v1/embeddings',
      kind: 'embeddings',
      parse: (body) => {
        if (typeof body.model !== 'string' || body.model.length === 0) return 'model is required';
        const inputs = parseInputs(body.input);
        if (typeof inputs === 'string') return inputs;
        if (inputs.length > 2048) return 'input must have at most 2048 items';
        return { inputs };
      },
      handle: embeddings,
    },
    {
      method: 'GET',
      path: '/v1/models',
      kind: 'models',
      handle: async ({ response, state }) =>
        sendJson(response, 200, {
          object: 'list',
          data: state.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })),
        }),
    },
  ],
};

/**
 * Starts a fake OpenAI server (`POST /v1/chat/completions` with SSE streaming and the
 * `stream_options.include_usage` usage chunk, `POST /v1/embeddings`, `GET /v1/models`) on
 * 127.0.0.1 with a random port. Pass `server.baseURL` and `server.apiKey` to the client.
 *
 * @example
 * ```ts
 * const server = await startFakeOpenAI({ responder: () => 'Dạ, còn hàng ạ.' });
 * const openai = createOpenAI({ apiKey: server.apiKey, baseURL: server.baseURL });
 * server.failNext({ type: 'status', status: 429, retryAfterMs: 20 });
 * afterAll(() => server.close());
 * ```
 */
export function startFakeOpenAI(options?: FakeLlmServerOptions): Promise<FakeLlmServer> {
  return startFakeLlmServer(openAIDialect, options);
}
