/**
 * Glue between the tenant bots and the metrics registry: a model middleware that records every
 * model call (generate and stream) through {@link instrumentLlmCall}, and emitter listeners that
 * count answer-cache lookups. Kept here so the bot factory only has to call two functions.
 */
import {
  providerName,
  wrapLanguageModel,
  type BotEventEmitter,
  type LanguageModelV1,
  type LanguageModelV1Middleware,
  type LanguageModelV1StreamPart,
  type LanguageModelV1Usage,
  type ModelEntry,
} from '@agent-chatbot/core';
import { instrumentLlmCall, type LlmUsage } from './llm-instrumentation';
import { recordAnswerCache } from './metrics';

function usageOf(usage: LanguageModelV1Usage | undefined): LlmUsage {
  return {
    ...(usage?.inputTokens.total !== undefined ? { inputTokens: usage.inputTokens.total } : {}),
    ...(usage?.outputTokens.total !== undefined ? { outputTokens: usage.outputTokens.total } : {}),
  };
}

/**
 * Records `llm_*` metrics (and a client span) for each call of the wrapped model. Streams are
 * recorded when their `finish` part arrives (an `error` part or a failed start counts as an error).
 */
export function llmMetricsMiddleware(keySource: 'platform' | 'own'): LanguageModelV1Middleware {
  const infoOf = (model: LanguageModelV1) => ({ provider: providerName(model), model: model.modelId, keySource });
  return {
    wrapGenerate: ({ doGenerate, model }) => instrumentLlmCall(infoOf(model), async () => doGenerate(), (result) => usageOf(result.usage)),
    async wrapStream({ doStream, model }) {
      // The instrumented "call" is the whole stream: it settles when the finish (or error) part arrives.
      let settle: { ok: (usage: LlmUsage) => void; fail: (error: unknown) => void } | undefined;
      const finished = new Promise<LlmUsage>((ok, fail) => (settle = { ok, fail }));
      void instrumentLlmCall(infoOf(model), () => finished, (usage) => usage).catch(() => undefined);
      const done = (usage?: LanguageModelV1Usage) => settle?.ok(usageOf(usage));
      let result;
      try {
        result = await doStream();
      } catch (error) {
        settle?.fail(error);
        throw error;
      }
      const stream = result.stream.pipeThrough(
        new TransformStream<LanguageModelV1StreamPart, LanguageModelV1StreamPart>({
          transform(part, controller) {
            if (part.type === 'finish') done(part.usage);
            else if (part.type === 'error') settle?.fail(part.error);
            controller.enqueue(part);
          },
          // A stream that ends or is cancelled without `finish` still counts as a (token-less) call.
          flush: () => done(),
          cancel: () => done(),
        }),
      );
      return { ...result, stream };
    },
  };
}

/** The engine's model chains with {@link llmMetricsMiddleware} around every model. */
export function instrumentModelChains<T extends { cheap: ReadonlyArray<ModelEntry>; premium: ReadonlyArray<ModelEntry> }>(models: T): T {
  const wrap = (entry: ModelEntry): ModelEntry => ({
    ...entry,
    model: wrapLanguageModel({ model: entry.model, middleware: llmMetricsMiddleware(entry.keySource === 'own' ? 'own' : 'platform') }),
  });
  return { ...models, cheap: models.cheap.map(wrap), premium: models.premium.map(wrap) };
}

/** Counts answer-cache lookups from the engine's `cache.hit` and `cache.miss` events. */
export function attachAnswerCacheMetrics(emitter: BotEventEmitter): void {
  emitter.on('cache.hit', () => recordAnswerCache(true));
  emitter.on('cache.miss', () => recordAnswerCache(false));
}
