/**
 * `@agent-chatbot/testkit/fake-llm`: fake OpenAI, Anthropic and Ollama servers — real HTTP servers
 * on 127.0.0.1 speaking each provider's wire format — with configurable answers, latency, injected
 * failures (429 with `retry-after`, 500, 401, hangs, cut connections) and a request log.
 *
 * @example
 * ```ts
 * import { startFakeOpenAI, echoPromptResponder } from '@agent-chatbot/testkit/fake-llm';
 *
 * const server = await startFakeOpenAI({ responder: echoPromptResponder });
 * const model = createOpenAI({ apiKey: server.apiKey, baseURL: server.baseURL }).languageModel('gpt-4o-mini');
 * // … call the model, then inspect server.requests
 * await server.close();
 * ```
 * @packageDocumentation
 */
export type {
  FakeChatRequest,
  FakeFailure,
  FakeLlmRequestRecord,
  FakeLlmServer,
  FakeLlmServerOptions,
  FakePromptMessage,
  FakeReportedUsage,
  FakeResponder,
} from './fake-llm-types';
export {
  FAKE_DEFAULT_ANSWER,
  countInputTokens,
  countPromptTokens,
  defaultResponder,
  echoPromptResponder,
  fakeEmbedding,
  conceptEmbedding,
  FAKE_EMBEDDING_CONCEPTS,
  splitIntoTokens,
  truncateToTokens,
} from './fake-llm-text';
export { startFakeOpenAI } from './fake-openai-server';
export { startFakeAnthropic } from './fake-anthropic-server';
export { startFakeOllama } from './fake-ollama-server';
