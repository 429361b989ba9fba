import type { LanguageModelV1, LanguageModelV1CallOptions } from '../language-model/v1';
import type { LanguageModelV1Middleware } from './language-model-middleware';

/**
 * Wraps a model with middleware. With several, the first one is the outermost: it sees the call
 * first and the result last.
 *
 * @example
 * ```ts
 * const model = wrapLanguageModel({
 *   model: openai.languageModel('gpt-4o-mini'),
 *   middleware: [meteringMiddleware({ meter, tenantId, keySource: 'platform' })],
 * });
 * ```
 */
export function wrapLanguageModel(options: {
  model: LanguageModelV1;
  middleware: LanguageModelV1Middleware | ReadonlyArray<LanguageModelV1Middleware>;
  /** Overrides the reported model id (aliases). */
  modelId?: string;
  /** Overrides the reported provider id. */
  provider?: string;
}): LanguageModelV1 {
  const list = Array.isArray(options.middleware) ? options.middleware : [options.middleware as LanguageModelV1Middleware];
  return [...list].reverse().reduce<LanguageModelV1>(
    (model, middleware) => wrapOnce(model, middleware, options.modelId, options.provider),
    options.model,
  );
}

function wrapOnce(
  model: LanguageModelV1,
  middleware: LanguageModelV1Middleware,
  modelId: string | undefined,
  provider: string | undefined,
): LanguageModelV1 {
  const transform = async (type: 'generate' | 'stream', params: LanguageModelV1CallOptions) =>
    middleware.transformParams ? middleware.transformParams({ type, params, model }) : params;
  return {
    specificationVersion: 'v1',
    provider: provider ?? model.provider,
    modelId: modelId ?? model.modelId,
    async doGenerate(params) {
      const transformed = await transform('generate', params);
      const doGenerate = () => model.doGenerate(transformed);
      return middleware.wrapGenerate ? middleware.wrapGenerate({ doGenerate, params: transformed, model }) : doGenerate();
    },
    async doStream(params) {
      const transformed = await transform('stream', params);
      const doStream = () => model.doStream(transformed);
      return middleware.wrapStream ? middleware.wrapStream({ doStream, params: transformed, model }) : doStream();
    },
  };
}
