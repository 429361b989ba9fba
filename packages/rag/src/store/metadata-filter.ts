import type { MetadataFilterV1 } from '@agent-chatbot/core';

/**
 * Whether chunk metadata satisfies an equality filter: every key must equal the value, or be one
 * of the values when an array is given. Evaluated in code, never as a query string.
 */
export function matchesFilter(metadata: Record<string, unknown>, filter: MetadataFilterV1): boolean {
  for (const [key, expected] of Object.entries(filter)) {
    const actual = Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    if (Array.isArray(expected)) {
      if (!(expected as ReadonlyArray<unknown>).includes(actual)) return false;
    } else if (actual !== expected) {
      return false;
    }
  }
  return true;
}
