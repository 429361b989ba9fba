import type { AgentChatbotError, FetchFunction } from '@agent-chatbot/core';
import { Ollama } from 'ollama';
import { createCallDeadline, type CallDeadline } from '@agent-chatbot/core';
import { mapCallError, mapHttpFailure, parseRetryAfterMs } from '@agent-chatbot/core';

/** Connection settings shared by every Ollama model of one provider. */
export interface OllamaConnection {
  /** Ollama server URL. */
  readonly host: string;
  /** Extra headers on every request. */
  readonly headers: Record<string, string>;
  /** HTTP client. */
  readonly fetch: FetchFunction;
  /** `User-Agent` sent to the server. */
  readonly userAgent: string;
  /** Deadline of one call. */
  readonly timeoutMs: number;
  /** Retries on 429 and 5xx, with backoff. */
  readonly maxRetries: number;
  /** First backoff delay; doubles per retry, capped at 8 s. */
  readonly retryDelayMs: number;
}

/** One call in progress: a client bound to the call's deadline, and the last HTTP response seen. */
export interface OllamaCall {
  readonly client: Ollama;
  readonly deadline: CallDeadline;
  /** Maps whatever the call threw to core's typed errors. */
  fail(error: unknown): unknown;
}

function responseErrorStatus(error: unknown): number | undefined {
  // ollama-js does not export ResponseError; recognise it by shape.
  const candidate = error as { name?: unknown; status_code?: unknown } | null;
  return candidate?.name === 'ResponseError' && typeof candidate.status_code === 'number' ? candidate.status_code : undefined;
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Opens a call: ollama-js takes no per-request signal or headers, so each call gets its own client
 * whose `fetch` adds the call's abort signal, our User-Agent, and remembers the last response's
 * headers (for `retry-after`).
 */
export function openOllamaCall(
  connection: OllamaConnection,
  context: { label: string; provider: string },
  abortSignal: AbortSignal | undefined,
  extraHeaders: Record<string, string> = {},
): OllamaCall & { lastHeaders(): Headers | undefined } {
  const deadline = createCallDeadline(connection.timeoutMs, abortSignal, context.label);
  let lastHeaders: Headers | undefined;
  const fetchForCall: FetchFunction = async (input, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal;
    const headers = { ...(init?.headers as Record<string, string> | undefined), 'User-Agent': connection.userAgent };
    const response = await connection.fetch(input, { ...init, headers, signal });
    lastHeaders = response.headers;
    return response;
  };
  const client = new Ollama({ host: connection.host, fetch: fetchForCall, headers: { ...connection.headers, ...extraHeaders } });
  const mapSdkError = (error: unknown): AgentChatbotError | undefined => {
    const status = responseErrorStatus(error);
    if (status === undefined) return undefined;
    return mapHttpFailure({ ...context, status, headers: lastHeaders, message: (error as Error).message, cause: error });
  };
  return {
    client,
    deadline,
    lastHeaders: () => lastHeaders,
    fail: (error) => mapCallError(error, deadline, context, mapSdkError),
  };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` with retries on 408/409/429/5xx and connection failures (ollama-js has no retries):
 * waits `retry-after-ms`/`retry-after` when the server sent one (up to 60 s), otherwise
 * `retryDelayMs × 2^n` with up to 25 % jitter, capped at 8 s. Throws the typed error.
 */
export async function withOllamaRetries<T>(
  connection: OllamaConnection,
  call: OllamaCall & { lastHeaders(): Headers | undefined },
  attempt: () => Promise<T>,
): Promise<T> {
  for (let retry = 0; ; retry += 1) {
    try {
      return await attempt();
    } catch (error) {
      const status = responseErrorStatus(error);
      const retryable = !call.deadline.signal.aborted && (status === undefined ? error instanceof TypeError : isRetryableStatus(status));
      if (!retryable || retry >= connection.maxRetries) throw call.fail(error);
      const headers = status === undefined ? undefined : call.lastHeaders();
      const asked = parseRetryAfterMs(headers);
      const backoff = Math.min(connection.retryDelayMs * 2 ** retry, 8_000) * (1 - Math.random() * 0.25);
      const delay = asked !== undefined && asked <= 60_000 ? asked : backoff;
      try {
        await abortableSleep(delay, call.deadline.signal);
      } catch (abortError) {
        throw call.fail(abortError);
      }
    }
  }
}
