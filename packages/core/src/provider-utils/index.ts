/**
 * Helpers for provider plugin authors (the `@ai-sdk/provider-utils` role): one mapping of HTTP and
 * SDK failures to agent-chatbot's typed errors, and one deadline that turns timeouts into
 * {@link TimeoutError}. Every first-party LLM package uses them; third-party ones may.
 */
export { createCallDeadline, type CallDeadline } from './call-deadline';
export { mapCallError, mapHttpFailure, parseRetryAfterMs, type HttpFailure } from './provider-errors';
