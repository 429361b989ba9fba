import { AgentChatbotError, ValidationError } from '@agent-chatbot/core';

/** Serialises a cache value or pub/sub message; rejects what JSON cannot carry with a 400. */
export function toJson(value: unknown, what = 'value'): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(`The ${what} is not JSON-serialisable`, `Giá trị ${what} không chuyển được sang JSON`, {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new ValidationError(`The ${what} is not JSON-serialisable`, `Giá trị ${what} không chuyển được sang JSON`);
  }
  return text;
}

/** Parses what {@link toJson} wrote; a foreign non-JSON value is a server-side problem (500). */
export function fromJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AgentChatbotError({
      code: 'cache_value_corrupt',
      message: `Redis key "${key}" does not hold JSON written by agent-chatbot`,
      messageVi: `Khóa Redis "${key}" không chứa dữ liệu JSON hợp lệ`,
      status: 500,
      isRetryable: false,
      cause: error,
    });
  }
}

/** Escapes Redis glob metacharacters so a prefix matches literally in `SCAN MATCH`. */
export function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]^-]/g, (character) => `\\${character}`);
}
