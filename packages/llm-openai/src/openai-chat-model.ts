import {
  ValidationError,
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1FinishReason,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamResult,
  type LanguageModelV1Usage,
} from '@agent-chatbot/core';
import type OpenAI from 'openai';
import { z } from 'zod';
import { createCallDeadline, streamFromChunks, type CallDeadline } from '@agent-chatbot/core';
import { mapOpenAIError } from './map-openai-error';
import { mapCallError } from '@agent-chatbot/core';

type ChatCompletionCreateParams = Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming, 'stream'>;
type CompletionUsage = OpenAI.Completions.CompletionUsage;

/** `providerOptions.openai` accepted by the chat model. */
export const openAIChatProviderOptionsSchema = z
  .object({
    /** End-user id forwarded to OpenAI for abuse monitoring (never personal data). */
    user: z.string().max(256).optional(),
    seed: z.number().int().optional(),
    stop: z.array(z.string()).max(4).optional(),
  })
  .strict();

/** How the provider wires a chat model; built by {@link createOpenAI}. */
export interface OpenAIChatModelConfig {
  /** Provider name reported on usage, e.g. `openai` or `deepseek`. */
  readonly provider: string;
  /** Name used in error messages. */
  readonly label: string;
  /** Returns the SDK client (created lazily). */
  readonly client: () => OpenAI;
  /** Deadline of one call. */
  readonly timeoutMs: number;
  /** Which request field carries the output limit (newer OpenAI models take `max_completion_tokens`). */
  readonly maxTokensParameter: 'max_tokens' | 'max_completion_tokens';
}

function mapFinishReason(reason: string | null | undefined): LanguageModelV1FinishReason {
  if (reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  if (reason === 'content_filter') return 'content-filter';
  return 'other';
}

function mapUsage(usage: CompletionUsage | null | undefined): LanguageModelV1Usage {
  return {
    inputTokens: { total: usage?.prompt_tokens ?? undefined, cacheRead: usage?.prompt_tokens_details?.cached_tokens ?? undefined },
    outputTokens: { total: usage?.completion_tokens ?? undefined },
    ...(usage ? { raw: usage as unknown as Record<string, unknown> } : {}),
  };
}

function definedHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** An OpenAI (or OpenAI-compatible) chat model speaking `POST /chat/completions`. */
export class OpenAIChatModel implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;

  constructor(
    readonly modelId: string,
    private readonly config: OpenAIChatModelConfig,
  ) {
    this.provider = config.provider;
  }

  private buildBody(options: LanguageModelV1CallOptions): ChatCompletionCreateParams {
    const parsed = openAIChatProviderOptionsSchema.safeParse(options.providerOptions?.openai ?? {});
    if (!parsed.success) {
      throw new ValidationError('Invalid providerOptions.openai', 'providerOptions.openai không hợp lệ', {
        details: { issues: parsed.error.issues },
      });
    }
    return {
      model: this.modelId,
      messages: options.prompt.map((message) => ({ role: message.role, content: message.content })),
      ...(options.maxOutputTokens !== undefined ? { [this.config.maxTokensParameter]: options.maxOutputTokens } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...parsed.data,
    };
  }

  private fail(error: unknown, deadline: CallDeadline): unknown {
    return mapCallError(error, deadline, this.config, (cause) => mapOpenAIError(cause, this.config));
  }

  /** Generates a whole answer with one chat completion. */
  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const body = this.buildBody(options);
    const deadline = createCallDeadline(this.config.timeoutMs, options.abortSignal, this.config.label);
    try {
      const { data, response } = await this.config
        .client()
        .chat.completions.create({ ...body, stream: false }, { signal: deadline.signal, headers: definedHeaders(options.headers) })
        .withResponse();
      const choice = data.choices[0];
      return {
        text: choice?.message.content ?? '',
        finishReason: mapFinishReason(choice?.finish_reason),
        usage: mapUsage(data.usage),
        warnings: [],
        response: { id: data.id, modelId: data.model, headers: Object.fromEntries(response.headers.entries()) },
      };
    } catch (error) {
      throw this.fail(error, deadline);
    } finally {
      deadline.dispose();
    }
  }

  /** Streams an answer; the last part is one `finish` with the usage from the `include_usage` chunk. */
  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const body = this.buildBody(options);
    const deadline = createCallDeadline(this.config.timeoutMs, options.abortSignal, this.config.label);
    let chunks: AsyncIterator<OpenAI.Chat.Completions.ChatCompletionChunk>;
    let headers: Record<string, string>;
    try {
      const { data, response } = await this.config
        .client()
        .chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } },
          { signal: deadline.signal, headers: definedHeaders(options.headers) },
        )
        .withResponse();
      chunks = data[Symbol.asyncIterator]();
      headers = Object.fromEntries(response.headers.entries());
    } catch (error) {
      deadline.dispose();
      throw this.fail(error, deadline);
    }
    let finishReason: LanguageModelV1FinishReason = 'other';
    let usage: CompletionUsage | undefined;
    const stream = streamFromChunks(chunks, {
      deadline,
      fail: (error) => this.fail(error, deadline),
      // Role-only and usage-only chunks carry no text.
      read: (chunk) => {
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices[0];
        if (choice?.finish_reason) finishReason = mapFinishReason(choice.finish_reason);
        return choice?.delta?.content;
      },
      finish: () => ({ finishReason, usage: mapUsage(usage) }),
    });
    return { stream, warnings: [], response: { headers } };
  }
}
