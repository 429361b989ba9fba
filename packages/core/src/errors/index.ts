export { AgentChatbotError, type AgentChatbotErrorOptions, type ErrorCategory } from './agent-chatbot-error';
export * from './errors';
export { errorResponse } from './error-response';
