import {
  ProviderError,
  TimeoutError,
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1FinishReason,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamPart,
  type LanguageModelV1StreamResult,
  type LanguageModelV1Usage,
  type WarningV1,
} from '@agent-chatbot/core';
import type { z } from 'zod';
import { postWithRetries, type SaoHttpSettings } from './sao-http';
import { saoGenerateResponseSchema, saoStreamLineSchema, toSaoTurn, type saoMeterSchema, type saoStopSchema } from './wire';

const FINISH: Record<z.infer<typeof saoStopSchema>, LanguageModelV1FinishReason> = { done: 'stop', limit: 'length', blocked: 'content-filter' };

function usage(meter: z.infer<typeof saoMeterSchema>): LanguageModelV1Usage {
  // Billing uses only reported numbers: no meter means undefined, never an estimate.
  return { inputTokens: { total: meter?.in }, outputTokens: { total: meter?.out }, ...(meter ? { raw: meter } : {}) };
}

function streamFailure(message: string, cause?: unknown): ProviderError {
  return new ProviderError({ provider: 'sao.chat', message: `Sao AI stream failed: ${message}`, messageVi: 'Sao AI ngắt giữa chừng', cause });
}

/** A Sao AI chat model ({@link LanguageModelV1}). Built by `createSao(...).languageModel(id)`. */
export class SaoChatModel implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'sao.chat';

  constructor(
    readonly modelId: string,
    private readonly settings: SaoHttpSettings,
  ) {}

  private body(options: LanguageModelV1CallOptions, stream: boolean) {
    return {
      model: this.modelId,
      turns: options.prompt.map(toSaoTurn),
      ...(options.maxOutputTokens !== undefined ? { limit: { max_tokens: options.maxOutputTokens } } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      stream,
    };
  }

  private warnings(options: LanguageModelV1CallOptions): WarningV1[] {
    // Sao has no per-call headers; say so instead of silently dropping them.
    return options.headers ? [{ type: 'unsupported', feature: 'headers', details: 'Sao AI ignores extra headers' }] : [];
  }

  /** {@link LanguageModelV1.doGenerate}. */
  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const { response, deadline } = await postWithRetries(this.settings, '/v1/generate', this.body(options, false), options.abortSignal);
    try {
      const parsed = saoGenerateResponseSchema.safeParse(await response.json());
      if (!parsed.success) throw new ProviderError({ provider: this.provider, message: 'Sao AI sent an unexpected answer', isRetryable: false });
      return {
        text: parsed.data.output.text,
        finishReason: FINISH[parsed.data.stop],
        usage: usage(parsed.data.meter),
        warnings: this.warnings(options),
        response: { id: parsed.data.id, modelId: this.modelId },
      };
    } catch (error) {
      if (options.abortSignal?.aborted) throw options.abortSignal.reason;
      if (deadline.timedOut) throw new TimeoutError('Sao AI did not answer in time', 'Sao AI phản hồi quá lâu', { cause: error });
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  /** {@link LanguageModelV1.doStream}: NDJSON lines become `text-delta` parts, then one `finish`. */
  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const { response, deadline } = await postWithRetries(this.settings, '/v1/generate', this.body(options, true), options.abortSignal);
    const lines = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let finished = false;

    const stream = new ReadableStream<LanguageModelV1StreamPart>({
      async pull(controller) {
        const fail = (error: unknown) => {
          finished = true;
          deadline.dispose();
          controller.enqueue({ type: 'error', error });
          controller.close();
          void lines.cancel().catch(() => undefined);
        };
        try {
          while (!finished) {
            const newline = buffer.indexOf('\n');
            if (newline === -1) {
              const { value, done } = await lines.read();
              deadline.touch();
              if (done) return fail(streamFailure('the connection closed before the end'));
              buffer += value;
              continue;
            }
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (!line) continue;
            const parsed = saoStreamLineSchema.safeParse(JSON.parse(line));
            if (!parsed.success) continue;
            const part = parsed.data;
            if (part.piece !== undefined) {
              controller.enqueue({ type: 'text-delta', delta: part.piece });
              return;
            }
            if (part.failure) return fail(streamFailure(part.failure.message));
            if (!part.end) continue; // unknown line kinds from a newer API are skipped
            finished = true;
            deadline.dispose();
            controller.enqueue({ type: 'finish', finishReason: FINISH[part.end.stop], usage: usage(part.end.meter) });
            controller.close();
            return;
          }
        } catch (error) {
          if (options.abortSignal?.aborted) return fail(options.abortSignal.reason);
          if (deadline.timedOut) return fail(new TimeoutError('Sao AI stalled mid-stream', 'Sao AI ngừng trả lời giữa chừng', { cause: error }));
          return fail(streamFailure(String(error), error));
        }
      },
      async cancel() {
        finished = true;
        deadline.dispose();
        await lines.cancel().catch(() => undefined);
      },
    });
    return { stream, warnings: this.warnings(options) };
  }
}
