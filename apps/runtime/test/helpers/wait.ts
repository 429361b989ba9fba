/**
 * Polls `check` until it returns a value that is not undefined, null or false, and returns that
 * value; fails with `timed out waiting for <label>` after `timeoutMs`. A column read before a job
 * has filled it is null: that is "not yet", not an answer.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 15_000,
  label = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
