/**
 * Helpers for provider plugin authors (the `@ai-sdk/provider-utils` role): one mapping of HTTP and
 * SDK failures to agent-chatbot's typed errors, and one deadline that turns timeouts into
 * {@link TimeoutError}, and one reader that turns an SDK's chunks into a model stream
 * (`streamFromChunks`). Every first-party LLM package uses them; third-party ones may. And one
 * outbound HTTP client (timeout, optional proxy) for channel plugins.
 */
export { createCallDeadline, type CallDeadline } from './call-deadline';
export { streamFromChunks, type ChunkStreamOptions } from './chunk-stream';
export { createHttpClient, downloadMedia, readJson, type HttpClient, type HttpClientOptions } from './http-client';
export { mapCallError, mapHttpFailure, parseRetryAfterMs, type HttpFailure } from './provider-errors';
