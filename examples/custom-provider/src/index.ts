/**
 * `@agent-chatbot/example-custom-provider`: a {@link ProviderV1} / {@link LanguageModelV1} for Sao AI,
 * a made-up HTTP API — copy this folder to wrap your own model API.
 * @packageDocumentation
 */
export { createSao, SAO_MODELS, type SaoProvider, type SaoSettings } from './sao-provider';
export { SaoChatModel } from './sao-chat-model';
export { toSaoTurn, saoGenerateResponseSchema, saoStreamLineSchema, saoErrorSchema, saoMeterSchema, saoStopSchema, type SaoSpeaker } from './wire';
