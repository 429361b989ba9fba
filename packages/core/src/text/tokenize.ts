import { normalizeVietnamese } from './normalize-vietnamese';

/** Options for {@link tokenizeSyllables}. */
export interface TokenizeOptions {
  /** Run {@link normalizeVietnamese} first (default `true`); pass `false` for already-normalised text. */
  readonly normalize?: boolean;
}

const TOKEN_PATTERN = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Splits text into Vietnamese syllables (Vietnamese writes one syllable per space-separated word)
 * and other letter/digit runs; punctuation is dropped. Text is normalised first by default.
 *
 * @example
 * ```ts
 * tokenizeSyllables('Áo thun, giá 150k!') // ['áo', 'thun', 'giá', '150k']
 * ```
 */
export function tokenizeSyllables(text: string, options: TokenizeOptions = {}): string[] {
  const source = options.normalize === false ? text : normalizeVietnamese(text);
  return source.match(TOKEN_PATTERN) ?? [];
}

/**
 * Adjacent-syllable pairs joined by `_`, the cheap stand-in for Vietnamese word segmentation
 * (most words are two syllables: "sản phẩm", "bảo hành").
 *
 * @example
 * ```ts
 * syllableBigrams(['bảo', 'hành', 'sản', 'phẩm']) // ['bảo_hành', 'hành_sản', 'sản_phẩm']
 * ```
 */
export function syllableBigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i += 1) out.push(`${tokens[i]}_${tokens[i + 1]}`);
  return out;
}
