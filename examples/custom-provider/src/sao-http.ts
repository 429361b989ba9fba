import { AuthenticationError, ProviderError, RateLimitError, TimeoutError, type FetchFunction } from '@agent-chatbot/core';
import { saoErrorSchema } from './wire';

/** Settings every Sao call honours. */
export interface SaoHttpSettings {
  readonly baseURL: string;
  readonly apiKey: string;
  /** Longest silence from the server (before the answer starts and between streamed lines), ms. */
  readonly timeoutMs: number;
  /** Retries on 429 and 5xx. */
  readonly maxRetries: number;
  readonly fetch: FetchFunction;
}

/** See {@link createIdleDeadline}. */
export interface IdleDeadline {
  readonly signal: AbortSignal;
  /** Restarts the idle timer (call on every chunk received). */
  touch(): void;
  /** Whether the timer fired (as opposed to the caller aborting). */
  readonly timedOut: boolean;
  dispose(): void;
}

/**
 * An idle deadline: aborts when `timeoutMs` pass without `touch()`, and follows the caller's
 * signal. `timedOut` tells the two causes apart, so a timeout becomes a {@link TimeoutError} while
 * the caller's own abort keeps its AbortError.
 */
export function createIdleDeadline(timeoutMs: number, callerSignal: AbortSignal | undefined): IdleDeadline {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => controller.abort(callerSignal?.reason);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new TimeoutError('Sao AI did not answer in time', 'Sao AI phản hồi quá lâu'));
    }, timeoutMs);
  };
  callerSignal?.addEventListener('abort', onAbort, { once: true });
  if (callerSignal?.aborted) onAbort();
  touch();
  return {
    signal: controller.signal,
    touch,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    },
  };
}

/** The typed error for a failed HTTP answer (never a plain Error: the engine retries and fails over on these). */
export async function errorFromResponse(response: Response): Promise<Error> {
  const parsed = saoErrorSchema.safeParse(await response.json().catch(() => null));
  const detail = parsed.success ? (parsed.data.failure.message ?? parsed.data.failure.kind ?? '') : '';
  const message = `Sao AI answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
  if (response.status === 401 || response.status === 403) {
    return new AuthenticationError(message, 'Khoá API Sao AI không hợp lệ', { code: 'provider_auth_failed' });
  }
  if (response.status === 429) return new RateLimitError({ retryAfterMs: retryAfterMs(response), message, messageVi: 'Sao AI đang giới hạn tốc độ', category: 'third-party' });
  return new ProviderError({ provider: 'sao.chat', upstreamStatus: response.status, message, messageVi: 'Sao AI gặp lỗi' });
}

/** `retry-after-ms` first (exact), then `retry-after` seconds. */
function retryAfterMs(response: Response): number | undefined {
  const ms = Number(response.headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
  });
}

/**
 * POSTs to Sao with retries on 429/5xx (waiting what the server asked, else exponential backoff)
 * and an idle timeout per attempt. Resolves with an OK response and its still-armed deadline (a
 * stream keeps touching it); throws typed errors, or the caller's AbortError when they cancel.
 */
export async function postWithRetries(
  settings: SaoHttpSettings,
  path: string,
  body: unknown,
  callerSignal: AbortSignal | undefined,
): Promise<{ response: Response; deadline: IdleDeadline }> {
  for (let attempt = 0; ; attempt += 1) {
    const deadline = createIdleDeadline(settings.timeoutMs, callerSignal);
    let response: Response;
    try {
      response = await settings.fetch(`${settings.baseURL}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-sao-key': settings.apiKey },
        body: JSON.stringify(body),
        signal: deadline.signal,
      });
    } catch (error) {
      deadline.dispose();
      if (callerSignal?.aborted) throw callerSignal.reason;
      const typed = deadline.timedOut
        ? new TimeoutError('Sao AI did not answer in time', 'Sao AI phản hồi quá lâu', { cause: error })
        : new ProviderError({ provider: 'sao.chat', message: `Sao AI unreachable: ${String(error)}`, messageVi: 'Không kết nối được Sao AI', cause: error });
      if (attempt >= settings.maxRetries || deadline.timedOut) throw typed;
      await sleep(backoffMs(attempt), callerSignal);
      continue;
    }
    if (response.ok) return { response, deadline };
    deadline.dispose();
    const error = await errorFromResponse(response);
    const retryable = response.status === 429 || response.status >= 500;
    if (!retryable || attempt >= settings.maxRetries) throw error;
    // Wait what the server asked for (429 and 503 often say), else back off exponentially.
    await sleep(retryAfterMs(response) ?? backoffMs(attempt), callerSignal);
  }
}

function backoffMs(attempt: number): number {
  return Math.min(8_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
}
