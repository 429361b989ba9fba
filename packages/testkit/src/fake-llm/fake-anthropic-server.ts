import { answerChat, contentToText, parseMessages } from './fake-chat-answer';
import { startFakeLlmServer, sendJson, writeChunk, interruptStream, type FakeDialect, type FakeRouteContext } from './fake-llm-server';
import type { FakeLlmServer, FakeLlmServerOptions, FakePromptMessage } from './fake-llm-types';

let messageCounter = 0;

function errorType(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return 'api_error';
}

function sse(event: string, data: Record<string, unknown>): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
}

async function messages(context: FakeRouteContext): Promise<void> {
  const { body, response, state } = context;
  const model = typeof body.model === 'string' ? body.model : 'fake-model';
  const answer = await answerChat(context, model, body.max_tokens, body.temperature);
  const id = `msg_fake_${(messageCounter += 1)}`;
  const stopReason = answer.truncated ? 'max_tokens' : 'end_turn';
  // The real API always reports usage; `reportUsage: false` omits the counts to test incomplete answers.
  const inputUsage = state.reportUsage ? { input_tokens: answer.inputTokens, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } : {};
  if (!context.record.stream) {
    sendJson(response, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: answer.text }],
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { ...inputUsage, ...(state.reportUsage ? { output_tokens: answer.outputTokens } : {}) },
    });
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.write(
    sse('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...inputUsage, ...(state.reportUsage ? { output_tokens: 1 } : {}) },
      },
    }),
  );
  response.write(sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
  response.write(sse('ping', {}));
  for (const [index, piece] of answer.pieces.entries()) {
    const sent = await writeChunk(response, sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }), state.chunkDelayMs);
    if (!sent) return;
    if (index === 0 && context.interruption) {
      await interruptStream(context, (message) => sse('error', { error: { type: 'overloaded_error', message } }));
      return;
    }
  }
  response.write(sse('content_block_stop', { index: 0 }));
  response.write(
    sse('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: state.reportUsage ? { output_tokens: answer.outputTokens } : {},
    }),
  );
  response.end(sse('message_stop', {}));
}

function parseSystem(value: unknown): FakePromptMessage[] | string {
  if (value === undefined) return [];
  const text = contentToText(value);
  return text === undefined ? 'system must be a string or text blocks' : [{ role: 'system', content: text }];
}

const anthropicDialect: FakeDialect = {
  provider: 'anthropic',
  baseURLSuffix: '',
  requiresKey: true,
  // Classic clients send `x-api-key`; @anthropic-ai/sdk 1.x sends the key as `Authorization: Bearer`.
  checkAuth: (headers, apiKey) =>
    (headers['x-api-key'] === apiKey || headers.authorization === `Bearer ${apiKey}`) &&
    typeof headers['anthropic-version'] === 'string',
  errorBody: (status, message) => ({ type: 'error', error: { type: errorType(status), message } }),
  routes: [
    {
      method: 'POST',
      path: '/v1/messages',
      kind: 'chat',
      parse: (body) => {
        if (typeof body.model !== 'string' || body.model.length === 0) return 'model: Field required';
        if (typeof body.max_tokens !== 'number' || body.max_tokens < 1) return 'max_tokens: Field required';
        const system = parseSystem(body.system);
        if (typeof system === 'string') return system;
        const conversation = parseMessages(body.messages, false);
        if (typeof conversation === 'string') return conversation;
        if (conversation.length === 0) return 'messages: at least one message is required';
        return { messages: [...system, ...conversation], stream: body.stream === true };
      },
      handle: messages,
    },
    {
      method: 'GET',
      path: '/v1/models',
      kind: 'models',
      handle: async ({ response, state }) =>
        sendJson(response, 200, {
          data: state.models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
          has_more: false,
          first_id: state.models[0] ?? null,
          last_id: state.models.at(-1) ?? null,
        }),
    },
  ],
};

/**
 * Starts a fake Anthropic server (`POST /v1/messages` with streaming events `message_start`,
 * `content_block_delta`, `message_delta` (usage), `message_stop`; `GET /v1/models`) that checks
 * the key (`x-api-key` or `Authorization: Bearer`) and the `anthropic-version` header. Pass
 * `server.baseURL` and `server.apiKey` to `@anthropic-ai/sdk`.
 *
 * @example
 * ```ts
 * const server = await startFakeAnthropic();
 * const anthropic = createAnthropic({ apiKey: server.apiKey, baseURL: server.baseURL });
 * ```
 */
export function startFakeAnthropic(options?: FakeLlmServerOptions): Promise<FakeLlmServer> {
  return startFakeLlmServer(anthropicDialect, options);
}
