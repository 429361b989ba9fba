import type { EmbeddingModelV1 } from '../embedding-model/v1';
import { NoSuchModelError } from '../errors';
import type { LanguageModelV1 } from '../language-model/v1';
import type { LanguageModelV1Middleware } from '../middleware/language-model-middleware';
import { wrapLanguageModel } from '../middleware/wrap-language-model';
import type { ProviderV1 } from '../provider/v1';

/** A registry id: `'<provider>:<modelId>'`, e.g. `'openai:gpt-4o-mini'`; an unknown provider name is a type error. */
export type RegistryModelId<TProviders extends Record<string, ProviderV1>> = `${Extract<keyof TProviders, string>}:${string}`;

/** Resolves model id strings from tenant settings to models. */
export interface ProviderRegistry<TProviders extends Record<string, ProviderV1> = Record<string, ProviderV1>> {
  /** `'openai:gpt-4o-mini'` → the chat model; throws {@link NoSuchModelError}. */
  languageModel(id: RegistryModelId<TProviders>): LanguageModelV1;
  /** `'openai:text-embedding-3-small'` → the embedding model; throws {@link NoSuchModelError}. */
  embeddingModel(id: RegistryModelId<TProviders>): EmbeddingModelV1;
}

/**
 * Creates a registry over named providers, so settings stored in Postgres can name models as
 * strings. Model ids may contain the separator themselves (`'ollama:qwen2.5:7b'`): only the first
 * separator splits.
 *
 * @example
 * ```ts
 * const registry = createProviderRegistry({ openai: createOpenAI({ apiKey }), anthropic: createAnthropic({ apiKey }) });
 * const model = registry.languageModel('openai:gpt-4o-mini');
 * ```
 */
export function createProviderRegistry<TProviders extends Record<string, ProviderV1>>(
  providers: TProviders,
  options: { separator?: string; languageModelMiddleware?: LanguageModelV1Middleware | ReadonlyArray<LanguageModelV1Middleware> } = {},
): ProviderRegistry<TProviders> {
  const separator = options.separator ?? ':';

  function split(id: string): { provider: ProviderV1; modelId: string } {
    const index = id.indexOf(separator);
    const providerId = index > 0 ? id.slice(0, index) : '';
    const modelId = index > 0 ? id.slice(index + separator.length) : '';
    const provider = Object.hasOwn(providers, providerId) ? providers[providerId] : undefined;
    if (!provider || !modelId) {
      throw new NoSuchModelError(id, { details: { expected: `<provider>${separator}<modelId>`, providers: Object.keys(providers) } });
    }
    return { provider, modelId };
  }

  return {
    languageModel(id) {
      const { provider, modelId } = split(id);
      const model = provider.languageModel(modelId);
      return options.languageModelMiddleware ? wrapLanguageModel({ model, middleware: options.languageModelMiddleware }) : model;
    },
    embeddingModel(id) {
      const { provider, modelId } = split(id);
      if (!provider.embeddingModel) throw new NoSuchModelError(id, { details: { reason: 'provider has no embedding models' } });
      return provider.embeddingModel(modelId);
    },
  };
}
