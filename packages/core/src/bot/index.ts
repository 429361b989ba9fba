/**
 * The answering engine's public API: {@link createBot}, {@link answerMessage}, the conversation
 * store interface and its in-memory implementation, model middleware and the provider registry.
 */
export { createBot, type Bot, type CreateBotOptions } from './create-bot';
export { resolveModelChain, type ModelSpec, type ModelSpecEntry } from './resolve-models';
export { answerMessage } from '../engine/answer-message';
export {
  answerInputSchema,
  type AnswerInput,
  type AnswerResult,
  type AnswerStreamPart,
  type Delivery,
  type DeliveryOutcome,
  type EngineConfig,
  type ModelEntry,
} from '../engine/answer-types';
export { createAnswerCache, answerCachePrefix, type AnswerCache, type AnswerCacheOptions, type AnswerCacheKey, type CachedAnswer } from '../engine/answer-cache';
export * from '../engine/bot-events';
export type {
  AnswerRoute,
  AnswerSource,
  ContactRecord,
  ConversationPatch,
  ConversationRecord,
  ConversationStoreV1,
  MessageRecord,
  MessageRole,
  NewMessage,
} from '../engine/conversation-store';
export { createMemoryConversationStore, type MemoryConversationStore } from '../engine/memory-conversation-store';
export { personaSchema, personaToneSchema, toneInstruction, type Persona, type PersonaInput, type PersonaTone } from '../engine/persona';
export { limitsSchema, type Limits, type LimitsInput } from '../engine/limits';
export { buildAnswerPrompt, FALLBACK_MARKER, type AnswerPrompt, type AnswerPromptInput } from '../engine/prompt';
export { createOutputGuard, type OutputGuard } from '../engine/output-guard';
export { chooseTier, isMultiPart, asksForHuman, type TierChoice } from '../engine/routing';
export { topicTokens, canonicalText, isContextDependent, estimateTokens } from '../engine/text-similarity';
export { shouldFailOver } from '../engine/model-call';
export * from '../middleware';
export * from '../registry';
