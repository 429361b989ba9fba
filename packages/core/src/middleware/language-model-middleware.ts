import type {
  LanguageModelV1,
  LanguageModelV1CallOptions,
  LanguageModelV1GenerateResult,
  LanguageModelV1StreamResult,
} from '../language-model/v1';

/**
 * Code around a model call, in vercel/ai's middleware shape: rewrite the call options, wrap the
 * whole generate call, or wrap the stream. Budget reservation, metering, caching and logging live
 * here (or in the engine), never inside provider packages.
 *
 * @example
 * ```ts
 * const logging: LanguageModelV1Middleware = {
 *   async wrapGenerate({ doGenerate, model }) {
 *     const started = Date.now();
 *     const result = await doGenerate();
 *     console.log(model.modelId, Date.now() - started, 'ms');
 *     return result;
 *   },
 * };
 * ```
 */
export interface LanguageModelV1Middleware {
  /** Rewrites the options before the call (add a system line, cap `maxOutputTokens`…). */
  transformParams?(options: {
    type: 'generate' | 'stream';
    params: LanguageModelV1CallOptions;
    model: LanguageModelV1;
  }): PromiseLike<LanguageModelV1CallOptions> | LanguageModelV1CallOptions;
  /** Wraps `doGenerate`; call `doGenerate()` to continue (or return a result without calling it). */
  wrapGenerate?(options: {
    doGenerate: () => PromiseLike<LanguageModelV1GenerateResult>;
    params: LanguageModelV1CallOptions;
    model: LanguageModelV1;
  }): PromiseLike<LanguageModelV1GenerateResult>;
  /** Wraps `doStream`; call `doStream()` to continue. */
  wrapStream?(options: {
    doStream: () => PromiseLike<LanguageModelV1StreamResult>;
    params: LanguageModelV1CallOptions;
    model: LanguageModelV1;
  }): PromiseLike<LanguageModelV1StreamResult>;
}
