/**
 * `@agent-chatbot/core/test`: framework-agnostic mocks of the v1 plugin specs for tests. They
 * record every call and answer with a value, a function of the call, or a sequence. No test
 * framework is imported here.
 * @packageDocumentation
 */
export { resolveMockValue, countMockTokens, type MockValue, type MockFunction } from './mock-value';
export {
  MockLanguageModelV1,
  mockUsage,
  mockStream,
  splitIntoDeltas,
  type MockLanguageModelV1Settings,
  type MockGenerateValue,
} from './mock-language-model-v1';
export { MockEmbeddingModelV1, bagOfWordsEmbedding, type MockEmbeddingModelV1Settings } from './mock-embedding-model-v1';
export { MockRetrieverV1, type MockRetrieverV1Settings, type MockChunk } from './mock-retriever-v1';
export { MockChannelV1, type MockChannelV1Settings, type MockChannelSendCall } from './mock-channel-v1';
export { checkConversationStoreV1 } from './check-conversation-store';
