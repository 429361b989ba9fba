/**
 * What a mock accepts for one of its methods, in vercel/ai's style: a fixed value, a function of
 * the call's options, or a sequence (the n-th call gets the n-th element, the last one repeats; an
 * element may itself be a function, e.g. one that throws to fail that call).
 */
export type MockValue<TOptions, TResult> =
  | TResult
  | MockFunction<TOptions, TResult>
  | ReadonlyArray<TResult | MockFunction<TOptions, TResult>>;

/** A mock implementation: receives the call options and the 0-based call index. */
export type MockFunction<TOptions, TResult> = (options: TOptions, callIndex: number) => TResult | PromiseLike<TResult>;

/**
 * Resolves a {@link MockValue} for the call number `callIndex` (0-based).
 * Functions are called; arrays are indexed (clamped to the last element); values are returned.
 */
export async function resolveMockValue<TOptions, TResult>(
  value: MockValue<TOptions, TResult>,
  options: TOptions,
  callIndex: number,
): Promise<TResult> {
  if (typeof value === 'function') {
    return (value as MockFunction<TOptions, TResult>)(options, callIndex);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new Error('Mock sequence is empty');
    const element: unknown = value[Math.min(callIndex, value.length - 1)];
    return typeof element === 'function'
      ? (element as MockFunction<TOptions, TResult>)(options, callIndex)
      : (element as TResult);
  }
  return value as TResult;
}

/** A rough token count used by the mocks' usage (about 4 characters per token). */
export function countMockTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}
