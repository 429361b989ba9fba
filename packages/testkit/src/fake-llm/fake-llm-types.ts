/** A chat message as the fake server understood it, whatever the wire format. */
export interface FakePromptMessage {
  /** Who wrote the message. */
  readonly role: 'system' | 'user' | 'assistant';
  /** Message text. */
  readonly content: string;
}

/** What a responder sees: the model, the normalised prompt and the raw request. */
export interface FakeChatRequest {
  /** Model requested. */
  readonly model: string;
  /** Prompt messages. */
  readonly messages: readonly FakePromptMessage[];
  /** Whether streaming was requested. */
  readonly stream: boolean;
  /** The token cap the client sent (`max_tokens`, `max_completion_tokens`, `num_predict`). */
  readonly maxTokens: number | undefined;
  /** Temperature requested. */
  readonly temperature: number | undefined;
  /** Raw request body. */
  readonly body: Record<string, unknown>;
  /** Request headers. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Produces the answer text for one chat request. May be async (to simulate work). */
export type FakeResponder = (request: FakeChatRequest) => string | Promise<string>;

/**
 * A failure to inject into the next request(s):
 * - `status`: answer with this HTTP status and the provider's error body;
 * - `hang`: accept the request and never answer (the client must time out or abort);
 * - `disconnect`: for a streamed chat, send the first delta and then cut the connection;
 *   otherwise cut the connection before answering;
 * - `stream-error`: for a streamed chat, send the first delta and then the provider's in-stream
 *   error (OpenAI `data: {"error":…}`, Anthropic `event: error`, Ollama `{"error":…}`); otherwise a 500.
 */
export type FakeFailure =
  | {
      readonly type: 'status';
      readonly status: number;
      /** Sent as `retry-after-ms` and as `retry-after` (whole seconds, rounded up). */
      readonly retryAfterMs?: number;
      readonly message?: string;
    }
  | { readonly type: 'hang' }
  | { readonly type: 'disconnect' }
  | { readonly type: 'stream-error'; readonly message?: string };

/** Token counts the fake reported for one request, so tests can compare them with parsed usage. */
export interface FakeReportedUsage {
  /** Input tokens to report (estimated when omitted). */
  readonly inputTokens?: number;
  /** Output tokens to report (estimated when omitted). */
  readonly outputTokens?: number;
}

/** One request the fake received, kept for assertions (oldest first in {@link FakeLlmServer.requests}). */
export interface FakeLlmRequestRecord {
  /** HTTP method. */
  readonly method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Request headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body (`undefined` for GET or a body that is not JSON). */
  readonly body: unknown;
  /** Which API was called. */
  readonly kind: 'chat' | 'embeddings' | 'models' | 'other';
  /** For chat requests: the normalised prompt. */
  readonly messages?: readonly FakePromptMessage[];
  /** For embedding requests: the input texts. */
  readonly inputs?: readonly string[];
  /** Whether the response was streamed. */
  readonly stream?: boolean;
  /**
   * How the fake answered: `ok`, an injected failure, a rejected request (`unauthorized`,
   * `bad-request`), or `client-closed` when the client went away before the answer ended.
   */
  outcome: 'ok' | 'failed' | 'hung' | 'disconnected' | 'unauthorized' | 'bad-request' | 'not-found' | 'client-closed';
  /** HTTP status sent (absent for hangs and disconnects). */
  status?: number;
  /** Usage the fake reported in its answer. */
  reported?: FakeReportedUsage;
  /** The answer text (chat requests). */
  responseText?: string;
}

/** Options shared by every fake provider server. */
export interface FakeLlmServerOptions {
  /** The key the server accepts; any other key gets a 401. Default `'test-key'`. Ollama checks it only when set. */
  readonly apiKey?: string;
  /** Produces answers. Default: a fixed Vietnamese sentence. Use {@link echoPromptResponder} to echo the prompt. */
  readonly responder?: FakeResponder;
  /** Delay before each answer starts, in milliseconds. Default 0. */
  readonly latencyMs?: number;
  /** Delay between streamed chunks, in milliseconds. Default 0. */
  readonly chunkDelayMs?: number;
  /** Length of fake embedding vectors. Default 8. */
  readonly embeddingDimensions?: number;
  /**
   * Computes each embedding (default {@link fakeEmbedding}: one hash of the whole text, so only
   * identical texts match). Pass {@link conceptEmbedding} for vectors where shared words and
   * synonym groups make texts similar, to test dense retrieval.
   */
  readonly embedder?: (text: string, dimensions: number) => number[];
  /** Model ids listed by the models endpoint. */
  readonly models?: readonly string[];
  /** When false, the server omits token counts from its answers (like some local servers). Default true. */
  readonly reportUsage?: boolean;
}

/** A running fake provider server on 127.0.0.1 with a random port. */
export interface FakeLlmServer {
  /** Which wire format it speaks. */
  readonly provider: 'openai' | 'anthropic' | 'ollama';
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  readonly url: string;
  /**
   * What to pass to the official SDK: `${url}/v1` for OpenAI, `url` for Anthropic (the SDK adds
   * `/v1`) and Ollama (`host`).
   */
  readonly baseURL: string;
  /** The accepted API key. */
  readonly apiKey: string;
  /** Every request received, oldest first. */
  readonly requests: FakeLlmRequestRecord[];
  /** Replaces the responder. */
  setResponder(responder: FakeResponder): void;
  /** Sets the delay before each answer. */
  setLatency(latencyMs: number): void;
  /** Sets the delay between streamed chunks. */
  setChunkDelay(chunkDelayMs: number): void;
  /** Sets whether answers carry token counts. */
  setReportUsage(reportUsage: boolean): void;
  /** Injects `failure` into the next `times` requests (default 1). Use `Infinity` for every request. */
  failNext(failure: FakeFailure, times?: number): void;
  /** Clears the request log, pending failures, latency and restores the default responder. */
  reset(): void;
  /** Closes the server and every open connection (hung requests included). */
  close(): Promise<void>;
}
