import { ValidationError } from '../errors';
import type { LanguageModelV1 } from '../language-model/v1';
import type { KeySourceV1 } from '../meter/v1';
import type { ProviderRegistry } from '../registry/create-provider-registry';
import type { ModelEntry } from '../engine/answer-types';

/** One model: an object, a registry id (`'openai:gpt-4o-mini'`), or either with its key source. */
export type ModelSpecEntry = LanguageModelV1 | string | { readonly model: LanguageModelV1 | string; readonly keySource?: KeySourceV1 };

/** A tier's model, or a failover chain (the next takes over on 429/5xx/timeouts/rejected keys). */
export type ModelSpec = ModelSpecEntry | ReadonlyArray<ModelSpecEntry>;

/** Turns model specs into engine entries, resolving strings through the registry. */
export function resolveModelChain(
  spec: ModelSpec | undefined,
  options: { registry?: Pick<ProviderRegistry, 'languageModel'>; keySource: KeySourceV1; failover?: ModelSpec },
): ModelEntry[] {
  const list = (value: ModelSpec | undefined): ModelSpecEntry[] =>
    value === undefined ? [] : Array.isArray(value) ? [...(value as ReadonlyArray<ModelSpecEntry>)] : [value as ModelSpecEntry];
  const resolve = (model: LanguageModelV1 | string): LanguageModelV1 => {
    if (typeof model !== 'string') return model;
    if (!options.registry) {
      throw new ValidationError(
        `Model "${model}" is a registry id but no registry was given`,
        `Mô hình "${model}" là mã đăng ký nhưng chưa cấu hình registry`,
      );
    }
    return options.registry.languageModel(model as never);
  };
  const primary = list(spec);
  if (primary.length === 0) return [];
  return [...primary, ...list(options.failover)].map((entry): ModelEntry => {
    if (typeof entry === 'string' || 'specificationVersion' in entry) return { model: resolve(entry), keySource: options.keySource };
    return { model: resolve(entry.model), keySource: entry.keySource ?? options.keySource };
  });
}
