/**
 * `@agent-chatbot/core`: the versioned plugin contracts, errors and (later) the answering engine.
 * @packageDocumentation
 */
export * from './shared/v1';
export * from './language-model/v1';
export * from './embedding-model/v1';
export * from './provider/v1';
export * from './retriever/v1';
export * from './channel/v1';
export * from './channel/webhook-responses';
export * from './cache/v1';
export * from './rate-limiter/v1';
export * from './pubsub/v1';
export * from './meter/v1';
export * from './errors';
export * from './provider-utils';
export * from './infra';
export * from './text';
export * from './bot';
