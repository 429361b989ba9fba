import {
  ValidationError,
  streamFromChunks,
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1FinishReason,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamResult,
  type LanguageModelV1Usage,
} from '@agent-chatbot/core';
import type { ChatRequest, ChatResponse } from 'ollama';
import { z } from 'zod';
import { openOllamaCall, withOllamaRetries, type OllamaConnection } from './ollama-call';

/** `providerOptions.ollama` accepted by the chat model. */
export const ollamaChatProviderOptionsSchema = z
  .object({
    /** How long Ollama keeps the model loaded, e.g. `'5m'` or seconds. */
    keepAlive: z.union([z.string(), z.number()]).optional(),
    /** Raw Ollama runtime options (`num_ctx`, `top_k`, …); `num_predict`/`temperature` come from the call. */
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

function mapFinishReason(reason: string | undefined): LanguageModelV1FinishReason {
  if (reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  return 'other';
}

/** Ollama omits the counts when it did not evaluate (e.g. a cached prompt): they stay undefined. */
function mapUsage(response: Partial<ChatResponse> | undefined): LanguageModelV1Usage {
  const raw = { prompt_eval_count: response?.prompt_eval_count, eval_count: response?.eval_count };
  return {
    inputTokens: { total: response?.prompt_eval_count ?? undefined },
    outputTokens: { total: response?.eval_count ?? undefined },
    raw,
  };
}

function definedHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** An Ollama chat model speaking `POST /api/chat`. */
export class OllamaChatModel implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'ollama.chat';
  private readonly context = { label: 'Ollama', provider: 'ollama.chat' };

  constructor(
    readonly modelId: string,
    private readonly connection: OllamaConnection,
  ) {}

  private buildRequest(options: LanguageModelV1CallOptions): ChatRequest {
    const parsed = ollamaChatProviderOptionsSchema.safeParse(options.providerOptions?.ollama ?? {});
    if (!parsed.success) {
      throw new ValidationError('Invalid providerOptions.ollama', 'providerOptions.ollama không hợp lệ', {
        details: { issues: parsed.error.issues },
      });
    }
    return {
      model: this.modelId,
      messages: options.prompt.map((message) => ({ role: message.role, content: message.content })),
      ...(parsed.data.keepAlive !== undefined ? { keep_alive: parsed.data.keepAlive } : {}),
      options: {
        ...parsed.data.options,
        ...(options.maxOutputTokens !== undefined ? { num_predict: options.maxOutputTokens } : {}),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      },
    };
  }

  /** Generates a whole answer with one non-streamed chat request. */
  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const request = this.buildRequest(options);
    const call = openOllamaCall(this.connection, this.context, options.abortSignal, definedHeaders(options.headers));
    try {
      const response = await withOllamaRetries(this.connection, call, () => call.client.chat({ ...request, stream: false }));
      return {
        text: response.message.content,
        finishReason: mapFinishReason(response.done_reason),
        usage: mapUsage(response),
        warnings: [],
        response: { modelId: response.model, headers: Object.fromEntries(call.lastHeaders()?.entries() ?? []) },
      };
    } finally {
      call.deadline.dispose();
    }
  }

  /** Streams an answer from NDJSON chunks; the last chunk (`done: true`) carries the counts. */
  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const request = this.buildRequest(options);
    const call = openOllamaCall(this.connection, this.context, options.abortSignal, definedHeaders(options.headers));
    let chunks: AsyncIterator<ChatResponse>;
    try {
      const iterable = await withOllamaRetries(this.connection, call, () => call.client.chat({ ...request, stream: true }));
      chunks = iterable[Symbol.asyncIterator]();
    } catch (error) {
      call.deadline.dispose();
      throw error;
    }
    let last: ChatResponse | undefined;
    const stream = streamFromChunks(chunks, {
      deadline: call.deadline,
      fail: (error) => call.fail(error),
      read: (chunk) => {
        if (chunk.done) last = chunk;
        return chunk.message?.content;
      },
      finish: () => ({ finishReason: mapFinishReason(last?.done_reason), usage: mapUsage(last) }),
    });
    return { stream, warnings: [], response: { headers: Object.fromEntries(call.lastHeaders()?.entries() ?? []) } };
  }
}
