import {
  ValidationError,
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1FinishReason,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamResult,
  type LanguageModelV1Usage,
  type WarningV1,
} from '@agent-chatbot/core';
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { createCallDeadline, streamFromChunks, type CallDeadline } from '@agent-chatbot/core';
import { convertToAnthropicPrompt } from './convert-to-anthropic-prompt';
import { mapAnthropicError } from './map-anthropic-error';
import { mapCallError } from '@agent-chatbot/core';

type MessageCreateParams = Omit<Anthropic.Messages.MessageCreateParamsNonStreaming, 'stream'>;
type RawUsage = Partial<Record<'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens', number | null>>;

/** `providerOptions.anthropic` accepted by the messages model. */
export const anthropicProviderOptionsSchema = z
  .object({
    topK: z.number().int().positive().optional(),
    stopSequences: z.array(z.string()).optional(),
    /** Opaque end-user id for Anthropic's abuse detection (never personal data). */
    userId: z.string().max(256).optional(),
  })
  .strict();

/** How the provider wires a messages model; built by {@link createAnthropic}. */
export interface AnthropicMessagesModelConfig {
  /** Provider name reported on usage, e.g. `anthropic`. */
  readonly provider: string;
  /** Name used in error messages. */
  readonly label: string;
  /** Returns the SDK client (created lazily). */
  readonly client: () => Anthropic;
  /** Deadline of one call. */
  readonly timeoutMs: number;
  /** `max_tokens` when the call sets no `maxOutputTokens` (the API requires one). */
  readonly defaultMaxOutputTokens: number;
}

function mapFinishReason(reason: string | null | undefined): LanguageModelV1FinishReason {
  if (reason === 'end_turn' || reason === 'stop_sequence') return 'stop';
  if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') return 'length';
  if (reason === 'refusal') return 'content-filter';
  return 'other';
}

/** Anthropic's `input_tokens` excludes cached tokens; the spec's total includes them. */
function mapUsage(usage: RawUsage | undefined): LanguageModelV1Usage {
  const input = usage?.input_tokens ?? undefined;
  const cacheRead = usage?.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage?.cache_creation_input_tokens ?? undefined;
  return {
    inputTokens: { total: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0), cacheRead },
    outputTokens: { total: usage?.output_tokens ?? undefined },
    ...(usage ? { raw: { ...usage } } : {}),
  };
}

function definedHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** An Anthropic chat model speaking `POST /v1/messages`. */
export class AnthropicMessagesModel implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;

  constructor(
    readonly modelId: string,
    private readonly config: AnthropicMessagesModelConfig,
  ) {
    this.provider = config.provider;
  }

  private buildBody(options: LanguageModelV1CallOptions): { body: MessageCreateParams; warnings: WarningV1[] } {
    const parsed = anthropicProviderOptionsSchema.safeParse(options.providerOptions?.anthropic ?? {});
    if (!parsed.success) {
      throw new ValidationError('Invalid providerOptions.anthropic', 'providerOptions.anthropic không hợp lệ', {
        details: { issues: parsed.error.issues },
      });
    }
    const warnings: WarningV1[] = [];
    let temperature = options.temperature;
    if (temperature !== undefined && temperature > 1) {
      // The spec allows 0–2; Anthropic accepts 0–1.
      warnings.push({ type: 'unsupported', feature: 'temperature', details: `Anthropic accepts 0–1; ${temperature} was clamped to 1` });
      temperature = 1;
    }
    const { system, messages } = convertToAnthropicPrompt(options.prompt);
    const { topK, stopSequences, userId } = parsed.data;
    const body: MessageCreateParams = {
      model: this.modelId,
      max_tokens: options.maxOutputTokens ?? this.config.defaultMaxOutputTokens,
      messages,
      ...(system !== undefined ? { system } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(topK !== undefined ? { top_k: topK } : {}),
      ...(stopSequences ? { stop_sequences: stopSequences } : {}),
      ...(userId ? { metadata: { user_id: userId } } : {}),
    };
    return { body, warnings };
  }

  private fail(error: unknown, deadline: CallDeadline): unknown {
    return mapCallError(error, deadline, this.config, (cause) => mapAnthropicError(cause, this.config));
  }

  /** Generates a whole answer with one Messages API call. */
  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const { body, warnings } = this.buildBody(options);
    const deadline = createCallDeadline(this.config.timeoutMs, options.abortSignal, this.config.label);
    try {
      const { data, response } = await this.config
        .client()
        .messages.create({ ...body, stream: false }, { signal: deadline.signal, headers: definedHeaders(options.headers) })
        .withResponse();
      const text = data.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      return {
        text,
        finishReason: mapFinishReason(data.stop_reason),
        usage: mapUsage(data.usage as RawUsage | undefined),
        warnings,
        response: { id: data.id, modelId: data.model, headers: Object.fromEntries(response.headers.entries()) },
      };
    } catch (error) {
      throw this.fail(error, deadline);
    } finally {
      deadline.dispose();
    }
  }

  /** Streams an answer from the Messages API events; usage comes from `message_start` and `message_delta`. */
  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const { body, warnings } = this.buildBody(options);
    const deadline = createCallDeadline(this.config.timeoutMs, options.abortSignal, this.config.label);
    let events: AsyncIterator<Anthropic.Messages.RawMessageStreamEvent>;
    let headers: Record<string, string>;
    try {
      const { data, response } = await this.config
        .client()
        .messages.create({ ...body, stream: true }, { signal: deadline.signal, headers: definedHeaders(options.headers) })
        .withResponse();
      events = data[Symbol.asyncIterator]();
      headers = Object.fromEntries(response.headers.entries());
    } catch (error) {
      deadline.dispose();
      throw this.fail(error, deadline);
    }
    let finishReason: LanguageModelV1FinishReason = 'other';
    let usage: RawUsage | undefined;
    const stream = streamFromChunks(events, {
      deadline,
      fail: (error) => this.fail(error, deadline),
      read: (event) => {
        if (event.type === 'message_start') usage = { ...(event.message.usage as RawUsage) };
        if (event.type === 'message_delta') {
          finishReason = mapFinishReason(event.delta.stop_reason);
          // message_delta carries cumulative counts; keep message_start's where it has none.
          const delta = Object.fromEntries(Object.entries(event.usage as RawUsage).filter(([, value]) => value != null));
          usage = { ...usage, ...delta };
        }
        return event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : undefined;
      },
      finish: () => ({ finishReason, usage: mapUsage(usage) }),
    });
    return { stream, warnings, response: { headers } };
  }
}
