import type { FakeChatRequest, FakePromptMessage, FakeResponder } from './fake-llm-types';

/** The default answer of every fake model. */
export const FAKE_DEFAULT_ANSWER = 'Xin chào! Cửa hàng mở cửa từ 8 giờ đến 21 giờ mỗi ngày.';

/** Answers every request with {@link FAKE_DEFAULT_ANSWER}. */
export const defaultResponder: FakeResponder = () => FAKE_DEFAULT_ANSWER;

/**
 * Answers with the whole prompt, one `role: content` line per message, so prompt-injection tests
 * can check what reached the model (and that it never leaks into replies).
 *
 * @example
 * ```ts
 * const server = await startFakeOpenAI({ responder: echoPromptResponder });
 * ```
 */
export const echoPromptResponder: FakeResponder = (request: FakeChatRequest) =>
  request.messages.map((message) => `${message.role}: ${message.content}`).join('\n');

/** Splits text into the pieces the fakes stream and count as output tokens (a word plus its trailing space). */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+\s*/gu) ?? (text.length > 0 ? [text] : []);
}

/** Keeps at most `maxTokens` tokens of `text`; `truncated` says whether anything was cut. */
export function truncateToTokens(text: string, maxTokens: number | undefined): { text: string; truncated: boolean } {
  const tokens = splitIntoTokens(text);
  if (maxTokens === undefined || tokens.length <= maxTokens) return { text, truncated: false };
  return { text: tokens.slice(0, maxTokens).join(''), truncated: true };
}

/** The fake's prompt token count: a deterministic estimate (characters / 4, at least 1 per message). */
export function countPromptTokens(messages: readonly FakePromptMessage[]): number {
  return messages.reduce((sum, message) => sum + Math.max(1, Math.ceil(message.content.length / 4)), 0);
}

/** The fake's token count for embedding inputs (characters / 4, at least 1 per input). */
export function countInputTokens(inputs: readonly string[]): number {
  return inputs.reduce((sum, input) => sum + Math.max(1, Math.ceil(input.length / 4)), 0);
}

/**
 * The deterministic unit vector every fake server returns for `text`, so tests can check that each
 * input got its own vector, in order.
 */
export function fakeEmbedding(text: string, dimensions = 8): number[] {
  // FNV-1a seeded per dimension: cheap, stable across runs and platforms.
  const vector: number[] = [];
  for (let dimension = 0; dimension < dimensions; dimension += 1) {
    let hash = 0x811c9dc5 ^ dimension;
    for (let index = 0; index < text.length; index += 1) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193);
    }
    vector.push(((hash >>> 0) / 0xffffffff) * 2 - 1);
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  // Rounded through float32 so base64 (float32) and JSON answers decode to the same numbers.
  return vector.map((value) => Math.fround(value / norm));
}

/** Synonym groups {@link conceptEmbedding} maps onto shared directions by default (accent-folded). */
export const FAKE_EMBEDDING_CONCEPTS: ReadonlyArray<readonly string[]> = [
  ['laptop', 'may tinh xach tay', 'notebook'],
  ['giao hang', 'ship', 'van chuyen'],
  ['hoan tien', 'refund', 'tra lai tien'],
];

/**
 * A deterministic embedding that behaves a little like a real one: accent-folded lower-case words
 * hashed into buckets (texts sharing words are similar) and each synonym group of `concepts`
 * mapped onto one shared direction, so "máy tính xách tay" matches a text about a "laptop" that
 * no keyword search would find. L2-normalised; `dimensions` must exceed the number of groups.
 *
 * @example const server = await startFakeOpenAI({ embedder: conceptEmbedding, embeddingDimensions: 64 });
 */
export function conceptEmbedding(text: string, dimensions = 64, concepts: ReadonlyArray<readonly string[]> = FAKE_EMBEDDING_CONCEPTS): number[] {
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let folded = ` ${words.join(' ')} `;
  const vector = new Array<number>(dimensions).fill(0);
  concepts.forEach((group, index) => {
    for (const phrase of group) {
      while (folded.includes(` ${phrase} `)) {
        folded = folded.replace(` ${phrase} `, ' ');
        vector[index % dimensions]! += 3;
      }
    }
  });
  const free = Math.max(1, dimensions - concepts.length);
  for (const word of folded.split(' ').filter(Boolean)) {
    let hash = 0x811c9dc5;
    for (let index = 0; index < word.length; index += 1) hash = Math.imul(hash ^ word.charCodeAt(index), 0x01000193);
    vector[(concepts.length + ((hash >>> 0) % free)) % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => Math.fround(value / norm));
}
