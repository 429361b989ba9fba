import { TimeoutError } from '../errors';

/**
 * One call's cancellation: the caller's `abortSignal` plus our timeout, as a single signal for the
 * SDK. The timeout restarts on {@link CallDeadline.touch}, so for streams it bounds the silence
 * between chunks rather than the length of the whole answer.
 */
export interface CallDeadline {
  /** Pass this to the SDK request. */
  readonly signal: AbortSignal;
  /** True when our timeout fired (as opposed to the caller aborting). */
  timedOut(): boolean;
  /** True when the caller's own signal aborted. */
  callerAborted(): boolean;
  /** Restarts the timeout (call on every received chunk). */
  touch(): void;
  /** Cancels the underlying request (stream cancelled by the reader). */
  abort(): void;
  /** Stops the timer once the call is over. */
  dispose(): void;
}

/** Creates the deadline for one call; `timeoutMs` of 0 or undefined means no timeout. */
export function createCallDeadline(timeoutMs: number | undefined, callerSignal: AbortSignal | undefined, label: string): CallDeadline {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fired = false;
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  const arm = () => {
    if (timer) clearTimeout(timer);
    if (!timeoutMs || controller.signal.aborted) return;
    timer = setTimeout(() => {
      fired = true;
      controller.abort(
        new TimeoutError(
          `${label} did not answer within ${timeoutMs} ms`,
          `${label} không phản hồi trong ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
  };
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  arm();
  return {
    signal: controller.signal,
    timedOut: () => fired,
    callerAborted: () => callerSignal?.aborted === true,
    touch: arm,
    abort: () => controller.abort(),
    dispose: () => {
      if (timer) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
