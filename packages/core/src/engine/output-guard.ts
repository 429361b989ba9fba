
/** Replacement for a redacted secret. */
const REDACTED = '[đã ẩn]';
/** Shapes of API keys and tokens that must never reach a customer, whatever their source. */
const KEY_PATTERNS = [/\bsk-[A-Za-z0-9_-]{16,}/g, /\bAIza[0-9A-Za-z_-]{30,}/g, /\b(?:xox[abp]|ghp|gho)_?[A-Za-z0-9-]{20,}/g];
/** Consecutive words of the instructions that, found in an answer, reveal them. */
const SHINGLE_WORDS = 7;

/** Checks answers for leaked instructions and secrets. */
export interface OutputGuard {
  /** True when the text reveals the protected instructions or the prompt's data markers. */
  leaks(text: string): boolean;
  /** True when the text contains a secret or an API-key-shaped string. */
  hasSecret(text: string): boolean;
  /** The text with secrets and key-shaped strings replaced. */
  redact(text: string): string;
  /** The longest stretch a streaming gate must hold back before it can judge. */
  readonly holdBackChars: number;
}

/** Fast word split for the guard (runs on every streamed delta): NFC, lower case, letters and digits. */
function words(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}

const shingleCache = new Map<string, Set<string>>();

/** Shingles of the instructions without the nonce, so they are computed once per persona. */
function protectedShingles(protectedText: string, nonce: string): Set<string> {
  const stable = protectedText.split(nonce).join(' ');
  let set = shingleCache.get(stable);
  if (!set) {
    set = shingles(words(stable));
    if (shingleCache.size >= 500) shingleCache.delete(shingleCache.keys().next().value as string);
    shingleCache.set(stable, set);
  }
  return set;
}

function shingles(tokens: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (let index = 0; index + SHINGLE_WORDS <= tokens.length; index++) set.add(tokens.slice(index, index + SHINGLE_WORDS).join(' '));
  return set;
}

/**
 * Creates the output guard of one model call. An answer leaks when it contains the prompt's
 * nonce or any run of seven consecutive words of the protected instructions (ignoring case and
 * punctuation); the engine then discards it. Secrets are redacted.
 */
export function createOutputGuard(options: { protectedText: string; nonce: string; secrets?: ReadonlyArray<string> }): OutputGuard {
  const guarded = protectedShingles(options.protectedText, options.nonce);
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 6);
  const longestSecret = secrets.reduce((longest, secret) => Math.max(longest, secret.length), 0);
  return {
    holdBackChars: Math.max(80, longestSecret + 8),
    leaks(text) {
      if (text.includes(options.nonce)) return true;
      const tokens = words(text);
      for (let index = 0; index + SHINGLE_WORDS <= tokens.length; index++) {
        if (guarded.has(tokens.slice(index, index + SHINGLE_WORDS).join(' '))) return true;
      }
      return false;
    },
    hasSecret(text) {
      return secrets.some((secret) => text.includes(secret)) || KEY_PATTERNS.some((pattern) => new RegExp(pattern.source).test(text));
    },
    redact(text) {
      let out = text;
      for (const secret of secrets) out = out.split(secret).join(REDACTED);
      for (const pattern of KEY_PATTERNS) out = out.replace(pattern, REDACTED);
      return out;
    },
  };
}
