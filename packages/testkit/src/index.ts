/**
 * `@agent-chatbot/testkit`: vitest contract suites for every agent-chatbot plugin spec.
 * Fake provider servers live at `@agent-chatbot/testkit/fake-llm` and `/fake-channels`.
 * @packageDocumentation
 */
export {
  createContractTracker,
  expectAgentError,
  registerContract,
  resolveSkips,
  runContractCase,
  waitUntil,
  type ContractCase,
  type ContractSkip,
  type ContractSuiteOptions,
  type ContractTracker,
} from './contracts/contract-suite';
export * from './matchers';
export * from './contracts/cache';
export * from './contracts/rate-limiter';
export * from './contracts/pubsub';
export * from './contracts/retriever';
export * from './contracts/vector-store';
export * from './contracts/meter';
export * from './contracts/language-model';
export * from './contracts/embedding-model';
export * from './contracts/channel';
